// One measured Pyodide start, in a fresh Node process (see pyodide.ts).
//   node child.mjs MODE [ARG]
//   MODE stock | pyczip ZIP | pybundle BUNDLE | pybundle-js BUNDLE | pybundle-startup BUNDLE | pybundle-noprefetch BUNDLE
// Prints one JSON line: {mode, startupMs, importMs, newModules, modules}.
import { loadPyodide } from 'pyodide'
import { loadPyodideWithBundle } from '@pybundle/pyodide'

export const IMPORTS = 'decimal, argparse, email.parser, http.client, tarfile, unittest, xml.dom.minidom, pdb'

const [mode, arg] = process.argv.slice(2)
const quiet = { stdout: () => {}, stderr: () => {} }
const t0 = performance.now()
let py
if (mode === 'stock') py = await loadPyodide(quiet)
else if (mode === 'pyczip') py = await loadPyodide({ ...quiet, stdLibURL: arg })
else if (mode === 'pybundle') py = await loadPyodideWithBundle({ ...quiet, bundle: arg, channel: 'fs' })
else if (mode === 'pybundle-js') py = await loadPyodideWithBundle({ ...quiet, bundle: arg, channel: 'js' })
else if (mode === 'pybundle-startup') py = await loadPyodideWithBundle({ ...quiet, bundle: arg, prefetch: 'startup' })
else if (mode === 'pybundle-noprefetch') py = await loadPyodideWithBundle({ ...quiet, bundle: arg, prefetch: 'none' })
else throw new Error(`unknown mode ${mode}`)
const t1 = performance.now()
const before = py.runPython('import sys; len(sys.modules)')
const t2 = performance.now()
py.runPython(`import ${IMPORTS}`)
const t3 = performance.now()
const after = py.runPython('import sys; len(sys.modules)')
process.stdout.write(JSON.stringify({ mode, startupMs: t1 - t0, importMs: t3 - t2, newModules: after - before, modules: after }) + '\n')
