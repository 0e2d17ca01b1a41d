// The page: start Pyodide with imports served from bundles fetched over HTTP,
// run the app, print its output. ?app=app.pyb&base=stdlib.pyb by default (a
// layered app bundle over the shared stdlib bundle); ?app=single.pyb&base= for
// one bundle holding both. The bundles hold the whole standard library, so
// Pyodide's own stdlib zip is not fetched (stdlibZip: 'empty'; ?zip=pyodide fetches it).
// ?snapshot=app.pyb.snapshot starts Pyodide from the app bundle's memory snapshot
// (built with [pyodide] snapshot = true, stdlib_zip = "empty"; README "A memory snapshot").
// ?verify=1 checks every checksum and offset of the bundles before Pyodide uses them.
// The outcome is also left in window.pybundleResult
// for tests and benchmarks: { ok, output, error, marks, restored, warnings }.
import { loadPyodideWithBundle } from '@pybundle/pyodide'

const params = new URLSearchParams(location.search)
// The wire form by default (`pybundle wire`, README "Deploying"); ?app=app.pyb&base=stdlib.pyb loads the bundles themselves.
const app = params.get('app') ?? 'app.pyb.wire'
const base = params.has('base') ? params.get('base') : 'stdlib.pyb.wire'
const status = document.getElementById('status')
const out = document.getElementById('out')
const lines = []
const marks = {}
const warnings = []
const snapshot = params.get('snapshot')
const mark = (name) => { marks[name] = performance.now() }

function print(line) {
  lines.push(line)
  out.textContent += line + '\n'
}

try {
  mark('start')
  const pyodide = await loadPyodideWithBundle({
    bundle: new URL(`/dist/${app}`, location.href),
    ...(base ? { base: new URL(`/dist/${base}`, location.href) } : {}),
    indexURL: new URL('/pyodide/', location.href).href,
    stdlibZip: params.get('zip') === 'pyodide' ? 'pyodide' : 'empty',
    verify: params.has('verify'),
    ...(snapshot ? { snapshot: new URL(`/dist/${snapshot}`, location.href), onWarning: (m) => { warnings.push(m); console.warn(m) } } : {}),
    stdout: print,
    stderr: print,
  })
  mark('ready')
  status.textContent = 'Pyodide is ready; running the app…'
  await pyodide.runPythonAsync('import webapp.main')
  mark('imported')
  pyodide.runPython('webapp.main.run()')
  mark('done')
  status.textContent = `done: ready in ${(marks.ready - marks.start).toFixed(0)} ms, imports in ${(marks.imported - marks.ready).toFixed(0)} ms`
  const restored = performance.getEntriesByName('pybundle:restored').length > 0
  window.pybundleResult = { ok: true, output: lines.join('\n'), marks, restored, warnings }
} catch (e) {
  // A PyBundleError says what is wrong, where (byte offset, URL) and what to do.
  const message = typeof e?.describe === 'function' ? e.describe() : String(e?.message ?? e)
  status.textContent = `error: ${message}`
  status.className = 'error'
  window.pybundleResult = { ok: false, output: lines.join('\n'), error: message, code: e?.code ?? null, marks, restored: false, warnings }
}
