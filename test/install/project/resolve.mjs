// Where every package the installed pybundle uses resolves from, as real paths:
// from this project, and from inside the installed packages themselves.
import { createRequire } from 'node:module'
import { realpathSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

const here = createRequire(import.meta.url)
const out = {}
for (const name of ['@pybundle/cli', '@pybundle/bundler', '@pybundle/loader', '@pybundle/pyodide', '@pybundle/report',
  '@pybundle/cpython', '@pybundle/errors', '@pybundle/format-spec']) {
  out[name] = realpathSync(fileURLToPath(import.meta.resolve(name)))
}
out['@pybundle/mmap-io'] = realpathSync(here.resolve('@pybundle/mmap-io'))
const fromPkg = (pkg, dep) => realpathSync(createRequire(fileURLToPath(import.meta.resolve(pkg))).resolve(dep))
out['loader -> @pybundle/mmap-io'] = fromPkg('@pybundle/loader', '@pybundle/mmap-io')
out['loader -> xxhash-wasm'] = fromPkg('@pybundle/loader', 'xxhash-wasm')
out['bundler -> smol-toml'] = fromPkg('@pybundle/bundler', 'smol-toml')
out['bundler -> pyodide'] = fromPkg('@pybundle/bundler', 'pyodide')
out['cli -> commander'] = fromPkg('@pybundle/cli', 'commander')
out['pyodide -> pyodide'] = fromPkg('@pybundle/pyodide', 'pyodide')
out.addon = realpathSync(new URL('build/Release/mmap-io.node', new URL('.', 'file://' + out['@pybundle/mmap-io'])))
console.log(JSON.stringify(out))
