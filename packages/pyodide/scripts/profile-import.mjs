// Where the benchmark's 56-module import spends its time, in one fresh process
// (README.md "The cold path"). Run from the repository root after the Pyodide
// benchmark made its inputs (benchmarks/.work/pyodide/):
//
//   node packages/pyodide/scripts/profile-import.mjs MODE [--instrument] [--pre]
//     MODE  zip          Pyodide with the benchmark's .pyc zip as stdLibURL
//           bundle       loadPyodideWithBundle, no prefetch worker
//           zip-snap     the .pyc zip after a restore of its bare memory snapshot
//           bundle-snap  the bundle after a restore of its bare snapshot (*.snapbare.pyb)
//     --instrument  time, in Python, exclusive of each other: the import machinery
//                   (_find_and_load), finding (_find_spec), reading the bytes (the
//                   bundle: JS emit + filesystem crossing; the zip: zipimport's read),
//                   marshal.loads, and exec_module minus the above (the module bodies)
//     --pre         (bundle modes) every module's marshal bytes emitted before the
//                   start and served from memory: the import with no emit at all
//     --crossing    (bundle modes) instead of the import, read the 53 modules' bytes
//                   through the finder three times (no marshal.loads, no exec): each
//                   pass's read time, the JS emit in it, and the rest (the crossing:
//                   syscalls through Emscripten's FS, the copy into the wasm heap)
//
// Prints one JSON line: startup and import wall ms, the import's CPU ms (the process,
// all threads), the loader's emit ms (CodeView.toMarshal, timed in JS), and with
// --instrument the split. The node_modules of the checkout are used: to time an older
// loader, put its dist/ in place of packages/loader/dist (or redirect it with a
// module resolve hook).
import { readFileSync, readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { loadPyodide } from 'pyodide'
import { CodeView, openBundle } from '@pybundle/loader'
import { loadPyodideWithBundle } from '@pybundle/pyodide'

const IMPORTS = 'decimal, argparse, email.parser, http.client, tarfile, unittest, xml.dom.minidom, pdb'
const WORK = 'benchmarks/.work/pyodide'
const mode = process.argv[2]
const instrument = process.argv.includes('--instrument')
const pre = process.argv.includes('--pre')
const crossing = process.argv.includes('--crossing')
// The modules of IMPORTS that Pyodide 314.0.7 reads from a stdlib bundle (the others are built in or already imported).
const READ = ['decimal', 'numbers', 'argparse', 'gettext', 'email', 'email.parser', 'email.feedparser', 'email.errors',
  'email._policybase', 'email.header', 'email.quoprimime', 'email.base64mime', 'email.charset', 'email.encoders', 'quopri',
  'email.utils', 'datetime', 'urllib', 'urllib.parse', 'ipaddress', 'email._parseaddr', 'http', 'http.client', 'email.message',
  'email._encoded_words', 'email.iterators', 'tarfile', 'unittest', 'unittest.result', 'unittest.util', 'unittest.case', 'difflib',
  'pprint', 'unittest.suite', 'unittest.loader', 'unittest.main', 'unittest.runner', 'unittest.signals', 'xml', 'xml.dom',
  'xml.dom.domreg', 'xml.dom.minidom', 'xml.dom.minicompat', 'xml.dom.xmlbuilder', 'xml.dom.NodeFilter', 'pdb', 'cmd', 'bdb',
  'code', '_pyrepl', '_pyrepl.utils', '_pyrepl.types', '_pyrepl.trace']
/** The newest benchmark input with this suffix (the benchmark keys them by a hash of the bundler). */
const find = (suffix) => {
  const all = readdirSync(WORK).filter((n) => n.startsWith('pyodide-stdlib-') && n.endsWith(suffix) && (suffix !== '.pyb' || !/\.snap(bare)?\.pyb$/.test(n)))
  if (all.length === 0) throw new Error(`no ${WORK}/pyodide-stdlib-*${suffix}: run the Pyodide benchmark with --snapshots once`)
  return join(WORK, all.sort((a, b) => statSync(join(WORK, b)).mtimeMs - statSync(join(WORK, a)).mtimeMs)[0])
}

const INSTRUMENT = `
import sys, time, json, marshal as _marshal
_pc = time.perf_counter_ns
_tot, _stack = {}, [0]
def _wrap(cat, fn):
    def w(*a, **k):
        _stack.append(0)
        t = _pc()
        try:
            return fn(*a, **k)
        finally:
            el = _pc() - t
            _tot[cat] = _tot.get(cat, 0) + el - _stack.pop()
            _stack[-1] += el
    return w
_b = sys.modules['_frozen_importlib']
_b._find_and_load = _wrap('machinery', _b._find_and_load)
_b._find_spec = _wrap('find', _b._find_spec)
class _M:
    loads = staticmethod(_wrap('loads', _marshal.loads))
    def __getattr__(self, n): return getattr(_marshal, n)
for f in sys.meta_path:
    if type(f).__name__ == 'BundleFinder':
        g = type(f).__init__.__globals__
        g['marshal'] = _M()
        f.read = _wrap('read', f.read)
        g['BundleLoader'].exec_module = _wrap('exec', g['BundleLoader'].exec_module)
import zipimport as _z
_z.marshal = _M()
_z._get_data = _wrap('read', _z._get_data)
_z.zipimporter.exec_module = _wrap('exec', _z.zipimporter.exec_module)
def _prof_report():
    return json.dumps({k: round(v / 1e6, 1) for k, v in _tot.items()})
`

let emitMs = 0
const toMarshal = CodeView.prototype.toMarshal
CodeView.prototype.toMarshal = function () {
  const t = performance.now()
  const b = toMarshal.call(this)
  emitMs += performance.now() - t
  return b
}
const bundleFile = mode === 'bundle' ? find('.pyb') : find('.snapbare.pyb')
if (pre) {
  const ready = new Map()
  const b = openBundle(bundleFile)
  for (const n of b.moduleNames()) {
    const c = b.getModule(n)?.code
    if (c) ready.set(c.index, toMarshal.call(c).slice())
  }
  const timed = CodeView.prototype.toMarshal
  CodeView.prototype.toMarshal = function () { return ready.get(this.index) ?? timed.call(this) }
}

const quiet = { stdout: () => {}, stderr: () => {} }
const t0 = performance.now()
let py
if (mode === 'zip') py = await loadPyodide({ ...quiet, stdLibURL: find('.pyc.zip') })
else if (mode === 'bundle') py = await loadPyodideWithBundle({ ...quiet, bundle: bundleFile, prefetch: 'none', snapshot: false })
else if (mode === 'zip-snap') py = await loadPyodide({ ...quiet, stdLibURL: find('.pyc.zip'), _loadSnapshot: readFileSync(find('.pyczip.snap')) })
else if (mode === 'bundle-snap') py = await loadPyodideWithBundle({ ...quiet, bundle: bundleFile, onWarning: (m) => { throw new Error(m) } })
else throw new Error(`unknown mode ${mode} (zip | bundle | zip-snap | bundle-snap)`)
const t1 = performance.now()
if (crossing) {
  py.globals.set('READ', py.toPy(READ))
  py.runPython(`
import sys, time
_f = [f for f in sys.meta_path if type(f).__name__ == 'BundleFinder'][0]
def _read_all():
    t = time.perf_counter()
    for n in READ: _f.read(n)
    return 1e3 * (time.perf_counter() - t)
`)
  const passes = []
  for (let k = 0; k < 3; k++) {
    emitMs = 0
    const readMs = py.runPython('_read_all()')
    passes.push({ readMs: +readMs.toFixed(1), emitMs: +emitMs.toFixed(1), crossingMs: +(readMs - emitMs).toFixed(1) })
  }
  process.stdout.write(JSON.stringify({ mode, startupMs: +(t1 - t0).toFixed(1), passes }) + '\n')
  process.exit(0)
}
if (instrument) py.runPython(INSTRUMENT)
emitMs = 0
const c0 = process.cpuUsage()
const t2 = performance.now()
py.runPython(`import ${IMPORTS}`)
const t3 = performance.now()
const cpu = process.cpuUsage(c0)
const out = { mode, pre, startupMs: +(t1 - t0).toFixed(1), importMs: +(t3 - t2).toFixed(1), importCpuMs: +((cpu.user + cpu.system) / 1000).toFixed(1), emitMs: +emitMs.toFixed(1) }
if (instrument) Object.assign(out, JSON.parse(py.runPython('_prof_report()')))
process.stdout.write(JSON.stringify(out) + '\n')
