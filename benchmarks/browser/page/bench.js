// One page load of the browser benchmark (benchmarks/browser/browser.ts), run by
// the example's page (examples/browser/public/index.html) when it is given
// ?mode=stock | pyczip | layered | wire | single | snapshot. Times are performance.now(), i.e.
// milliseconds since navigation started: `ready` when Pyodide is up, `imported`
// when the app's imports (webapp.main: jinja2, markdown, pygments, yaml, ...) are done.
// `phases` is the load's timeline (the same clock), for `browser.ts --phases`:
// when each file was fetched (Resource Timing), when Pyodide's WebAssembly was
// compiled, what @pybundle/pyodide marked (performance.mark 'pybundle:*': bundle
// fetched, decoded, opened), fsInit, ready and imports done.
import { loadPyodide } from 'pyodide'

const script = performance.now()
const mode = new URLSearchParams(location.search).get('mode')
// Only the pybundle contenders load @pybundle/pyodide (stock Pyodide's page would not); imported at once, before anything else runs.
const pybundle = mode === 'stock' || mode === 'pyczip' ? undefined : import('@pybundle/pyodide')
pybundle?.then(() => mark('@pybundle/pyodide imported'), () => {})
const indexURL = new URL('/pyodide/', location.href).href
const quiet = { stdout: () => {}, stderr: () => {} }
const at = (p) => new URL(p, location.href)
const phases = { script }
const mark = (name) => { phases[name] ??= performance.now() }
// Pyodide calls instantiateStreaming once pyodide.asm.mjs has run; it resolves when the wasm is compiled and instantiated.
for (const f of ['instantiateStreaming', 'instantiate']) {
  const orig = WebAssembly[f]
  WebAssembly[f] = function (...args) {
    const big = f === 'instantiateStreaming' || (args[0] instanceof ArrayBuffer || ArrayBuffer.isView(args[0])) && args[0].byteLength > 1e6
    if (big) mark('wasm called')
    const p = orig.apply(this, args)
    if (big) p.then(() => mark('wasm instantiated'), () => {})
    return p
  }
}
const fsInit = () => { mark('fsInit') }

function timeline() {
  const nav = performance.getEntriesByType('navigation')[0]
  if (nav) phases['page received'] = nav.responseEnd
  for (const e of performance.getEntriesByType('resource')) {
    // The page's module graph (pybundle's dist/ files, Pyodide's pyodide.mjs, this file): when its last file arrived.
    if (/\/(pkg\/|pyodide\/pyodide\.mjs|bench\/)/.test(e.name)) phases['modules fetched'] = Math.max(phases['modules fetched'] ?? 0, e.responseEnd)
    const name = new URL(e.name).pathname.replace(/^\/(pyodide|dist|pkg)\//, '')
    if (!/\.(wasm|zip|pyb|wire|json)$|asm\.mjs$/.test(name)) continue
    phases[`fetch ${name} start`] = e.startTime
    phases[`fetch ${name} end`] = e.responseEnd
  }
  for (const e of performance.getEntriesByType('mark')) {
    if (!e.name.startsWith('pybundle:')) continue
    const name = e.name.slice(9).replace(`${location.origin}/dist/`, '')
    phases[name] ??= e.startTime
  }
  return phases
}

try {
  let py
  if (mode === 'stock' || mode === 'pyczip') {
    // The app's modules as a zip on sys.path (zipimport): .py sources for stock Pyodide, .pyc for the .pyc zip contender.
    const appZip = fetch(at(mode === 'stock' ? '/dist/app-py.zip' : '/dist/app-pyc.zip')).then((r) => r.arrayBuffer())
    py = await loadPyodide({ indexURL, ...quiet, fsInit, ...(mode === 'pyczip' ? { stdLibURL: at('/dist/stdlib-pyc.zip').href } : {}) })
    const ready = performance.now()
    py.FS.writeFile('/app.zip', new Uint8Array(await appZip))
    py.runPython('import sys; sys.path.insert(0, "/app.zip"); import webapp.main')
    window.benchResult = { ok: true, ready, imported: performance.now() }
  } else if (mode === 'layered' || mode === 'wire' || mode === 'single' || mode === 'snapshot') {
    const w = mode === 'wire' || mode === 'snapshot' ? '.wire' : '' // the wire forms of the layered pair (pybundle wire, SPEC.md §18)
    const { loadPyodideWithBundle } = await pybundle
    py = await loadPyodideWithBundle({
      indexURL, ...quiet, fsInit,
      stdlibZip: 'empty', // the bundles hold the whole stdlib: python_stdlib.zip is not fetched
      bundle: at(mode === 'single' ? '/dist/single.pyb' : `/dist/app.pyb${w}`),
      ...(mode === 'single' ? {} : { base: at(`/dist/stdlib.pyb${w}`) }),
      // The app bundle's memory snapshot (made by its build); a snapshot that does not restore would be a failed load here.
      ...(mode === 'snapshot' ? { snapshot: at('/dist/app.pyb.snapshot'), onWarning: (m) => { throw new Error(m) } } : {}),
    })
    if (mode === 'snapshot' && performance.getEntriesByName('pybundle:restored').length === 0) throw new Error('the snapshot was not restored')
    const ready = performance.now()
    py.runPython('import webapp.main')
    window.benchResult = { ok: true, ready, imported: performance.now() }
  } else {
    throw new Error(`unknown mode ${mode}`)
  }
  phases.ready = window.benchResult.ready
  phases.imported = window.benchResult.imported
  const out = py.runPython('import io, contextlib\nb = io.StringIO()\nwith contextlib.redirect_stdout(b): webapp.main.run()\nb.getvalue()')
  window.benchResult.lines = out.split('\n').length
  window.benchResult.phases = timeline()
} catch (e) {
  window.benchResult = { ok: false, error: typeof e?.describe === 'function' ? e.describe() : String(e?.message ?? e) }
}
