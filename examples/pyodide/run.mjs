// Run Python in Pyodide with its imports served from a .pyb bundle.
//
//   npx pybundle build examples/pyodide-stdlib.toml        (once: writes examples/pyodide-stdlib.pyb)
//   node examples/pyodide/run.mjs examples/pyodide-stdlib.pyb examples/pyodide/hello.py
//   node examples/pyodide/run.mjs examples/pyodide-stdlib.pyb -c "import json; print(json.dumps([1, 2]))"
//
// Add --stock to run the same program in stock Pyodide (no bundle) for comparison.
import { readFileSync } from 'node:fs'
import { loadPyodide } from 'pyodide'
import { loadPyodideWithBundle } from '@pybundle/pyodide'

const args = process.argv.slice(2)
const stock = args.includes('--stock')
const [bundle, ...rest] = args.filter((a) => a !== '--stock')
if (!bundle || rest.length === 0) {
  console.error('usage: node run.mjs BUNDLE.pyb (SCRIPT.py | -c CODE) [--stock]')
  process.exit(2)
}
const code = rest[0] === '-c' ? rest[1] : readFileSync(rest[0], 'utf8')

const io = { stdout: (s) => process.stdout.write(s + '\n'), stderr: (s) => process.stderr.write(s + '\n') }
const t0 = performance.now()
const pyodide = stock ? await loadPyodide(io) : await loadPyodideWithBundle({ bundle, ...io })
const ready = performance.now() - t0
try {
  await pyodide.runPythonAsync(code)
} catch (e) {
  process.stderr.write(String(e.message ?? e) + '\n')
  process.exitCode = 1
}
process.stderr.write(`[${stock ? 'stock Pyodide' : 'Pyodide + pybundle'}: ready in ${ready.toFixed(0)} ms]\n`)
