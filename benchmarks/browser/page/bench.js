// One page load of the browser benchmark (benchmarks/browser/browser.ts), run by
// the example's page (examples/browser/public/index.html) when it is given
// ?mode=stock | pyczip | layered | wire | single. Times are performance.now(), i.e.
// milliseconds since navigation started: `ready` when Pyodide is up, `imported`
// when the app's imports (webapp.main: jinja2, markdown, pygments, yaml, ...) are done.
import { loadPyodide } from 'pyodide'
import { loadPyodideWithBundle } from '@pybundle/pyodide'

const mode = new URLSearchParams(location.search).get('mode')
const indexURL = new URL('/pyodide/', location.href).href
const quiet = { stdout: () => {}, stderr: () => {} }
const at = (p) => new URL(p, location.href)

try {
  let py
  if (mode === 'stock' || mode === 'pyczip') {
    // The app's modules as a zip on sys.path (zipimport): .py sources for stock Pyodide, .pyc for the .pyc zip contender.
    const appZip = fetch(at(mode === 'stock' ? '/dist/app-py.zip' : '/dist/app-pyc.zip')).then((r) => r.arrayBuffer())
    py = await loadPyodide({ indexURL, ...quiet, ...(mode === 'pyczip' ? { stdLibURL: at('/dist/stdlib-pyc.zip').href } : {}) })
    const ready = performance.now()
    py.FS.writeFile('/app.zip', new Uint8Array(await appZip))
    py.runPython('import sys; sys.path.insert(0, "/app.zip"); import webapp.main')
    window.benchResult = { ok: true, ready, imported: performance.now() }
  } else if (mode === 'layered' || mode === 'wire' || mode === 'single') {
    const w = mode === 'wire' ? '.wire' : '' // the wire forms of the layered pair (pybundle wire, SPEC.md §18)
    py = await loadPyodideWithBundle({
      indexURL, ...quiet,
      stdlibZip: 'empty', // the bundles hold the whole stdlib: python_stdlib.zip is not fetched
      bundle: at(mode === 'single' ? '/dist/single.pyb' : `/dist/app.pyb${w}`),
      ...(mode === 'single' ? {} : { base: at(`/dist/stdlib.pyb${w}`) }),
    })
    const ready = performance.now()
    py.runPython('import webapp.main')
    window.benchResult = { ok: true, ready, imported: performance.now() }
  } else {
    throw new Error(`unknown mode ${mode}`)
  }
  const out = py.runPython('import io, contextlib\nb = io.StringIO()\nwith contextlib.redirect_stdout(b): webapp.main.run()\nb.getvalue()')
  window.benchResult.lines = out.split('\n').length
} catch (e) {
  window.benchResult = { ok: false, error: typeof e?.describe === 'function' ? e.describe() : String(e?.message ?? e) }
}
