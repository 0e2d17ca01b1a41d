/**
 * Where the Python helper scripts live: packages/bundler/src/python/, read
 * from the package folder at run time (package.json `files` ships
 * src/python/*.py next to dist/, so this holds in an installed package too:
 * test/install/), so there is no copy step and dist/ never holds a stale script.
 */
import { fileURLToPath } from 'node:url'

const PYTHON_DIR = new URL('../../src/python/', import.meta.url)

export type HelperName = 'resolve.py' | 'compile.py' | 'trace_driver.py' | 'distributions.py' | 'imports.py'

/** Absolute path of a helper script. */
export function helperScript(name: HelperName): string {
  return fileURLToPath(new URL(name, PYTHON_DIR))
}
