// One measured Pyodide start, in a fresh Node process (see pyodide.ts).
//   node child.mjs MODE [ARG] [SNAPSHOT]
//   MODE stock | pyczip ZIP | pybundle BUNDLE | pybundle-js BUNDLE | pybundle-startup BUNDLE | pybundle-noprefetch BUNDLE
//        | stock-snapshot - SNAP | pyczip-snapshot ZIP SNAP   (Pyodide's own memory snapshot, restored)
//        | pybundle-snapshot BUNDLE                           (restores BUNDLE.snapshot; fails if it does not)
//        | make-snapshot ZIP|- OUT [IMPORTS]                  (makes a stock snapshot, after `import IMPORTS`)
// Prints one JSON line: {mode, startupMs, importMs, totalMs, newModules, modules}; totalMs is from process start.
import { readFileSync, writeFileSync } from 'node:fs'
import { loadPyodide } from 'pyodide'
import { loadPyodideWithBundle } from '@pybundle/pyodide'

export const IMPORTS = 'decimal, argparse, email.parser, http.client, tarfile, unittest, xml.dom.minidom, pdb'

const [mode, arg, arg2] = process.argv.slice(2)
const quiet = { stdout: () => {}, stderr: () => {} }
const zip = (a) => (a && a !== '-' ? { stdLibURL: a } : {})
if (mode === 'make-snapshot') {
  const py = await loadPyodide({ ...quiet, ...zip(arg), _makeSnapshot: true })
  if (process.argv[5]) py.runPython(`import ${process.argv[5]}`)
  writeFileSync(arg2, py.makeMemorySnapshot())
  process.exit(0)
}
const t0 = performance.now()
let py
if (mode === 'stock') py = await loadPyodide(quiet)
else if (mode === 'pyczip') py = await loadPyodide({ ...quiet, stdLibURL: arg })
else if (mode === 'pybundle') py = await loadPyodideWithBundle({ ...quiet, bundle: arg, channel: 'fs', snapshot: false })
else if (mode === 'pybundle-js') py = await loadPyodideWithBundle({ ...quiet, bundle: arg, channel: 'js', snapshot: false })
else if (mode === 'pybundle-startup') py = await loadPyodideWithBundle({ ...quiet, bundle: arg, prefetch: 'startup', snapshot: false })
else if (mode === 'pybundle-noprefetch') py = await loadPyodideWithBundle({ ...quiet, bundle: arg, prefetch: 'none', snapshot: false })
else if (mode === 'stock-snapshot' || mode === 'pyczip-snapshot') py = await loadPyodide({ ...quiet, ...zip(arg), _loadSnapshot: readFileSync(arg2) })
else if (mode === 'pybundle-snapshot') {
  py = await loadPyodideWithBundle({ ...quiet, bundle: arg, onWarning: (m) => { throw new Error(m) } })
}
else throw new Error(`unknown mode ${mode}`)
const t1 = performance.now()
const before = py.runPython('import sys; len(sys.modules)')
const t2 = performance.now()
py.runPython(`import ${IMPORTS}`)
const t3 = performance.now()
const after = py.runPython('import sys; len(sys.modules)')
process.stdout.write(JSON.stringify({ mode, startupMs: t1 - t0, importMs: t3 - t2, totalMs: t3, newModules: after - before, modules: after }) + '\n')
