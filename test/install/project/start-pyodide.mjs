// Starts Pyodide with @pybundle/pyodide serving imports from a bundle built for it
// (default options: the prefetch worker runs from the installed package too).
import { loadPyodideWithBundle } from '@pybundle/pyodide'

const reads = []
const stdout = []
const py = await loadPyodideWithBundle({
  bundle: process.argv[2],
  stdout: (s) => stdout.push(s),
  onRead: (name) => reads.push(name),
})
py.runPython('import runpy; runpy.run_module("greet", run_name="__main__")')
console.log(JSON.stringify({ stdout, reads, version: py.runPython('import sys; sys.version.split()[0]') }))
