import { loadPyodideWithBundle, makeBundleSnapshot } from '@pybundle/pyodide'
const [mode] = process.argv.slice(2)
const t0 = performance.now()
if (mode === 'make') {
  const r = await makeBundleSnapshot('/tmp/h10/app.pyb', { imports: ['json', 'decimal', 'argparse', 'random', 'nosuchmod'] })
  console.log(r.output, r.size, r.info.failed, r.info.modules.length, performance.now() - t0)
} else {
  const py = await loadPyodideWithBundle({ bundle: '/tmp/h10/app.pyb', env: { FOO: 'bar' }, args: ['x', 'y'], stdout: console.log, snapshot: mode === 'normal' ? false : undefined })
  console.log('start', performance.now() - t0)
  py.runPython(`import sys, os, random
print(hash('abc'), random.random(), sys.flags.hash_randomization)
print(sorted(os.environ.items()))
print(sys.argv, sys.orig_argv, os.getcwd(), len(sys.modules), 'decimal' in sys.modules, sys.path)
import email.parser, shapes
print(shapes.__file__, email.parser.__spec__.loader, [type(f).__name__ for f in sys.meta_path], [k for k in sys.modules if 'pybundle' in k or k=='sitecustomize'])
`)
}
