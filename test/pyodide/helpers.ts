/**
 * Shared inputs for the Pyodide tests, cached under os.tmpdir()/pybundle-test-cache
 * (keyed by the Pyodide version and the sources that make them), so CI builds the
 * test bundle once.
 */
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { buildBundle, createInterpreter, type Interpreter } from '@pybundle/bundler'
import { cachePath, writeFileAtomic } from '../helpers/cache.js'
import { decodeRecords } from '../helpers/container.js'
import { treeHash as hashTree } from '../../benchmarks/pyodide/tree-hash.mjs'

/** Hash of every file under `dirs` (sorted), for cache keys (benchmarks/pyodide/tree-hash.mjs, which the benchmarks' caches use too). */
export function treeHash(...dirs: string[]): string {
  return hashTree(dirs)
}

export const HERE = path.dirname(fileURLToPath(import.meta.url))
export const FIXTURES = path.join(HERE, 'fixtures')
/** The repository's root folder. */
export const ROOT = path.resolve(HERE, '..', '..')
export const PYODIDE_VERSION = JSON.parse(fs.readFileSync(path.join(ROOT, 'node_modules/pyodide/package.json'), 'utf8')).version as string

let interp: Interpreter | undefined
/** One Pyodide for the helper scripts of a test file (the bundler's python = "pyodide"). */
export function pyodideInterpreter(): Interpreter {
  return (interp ??= createInterpreter('pyodide'))
}

/**
 * The test bundle (fixtures/app.toml: Pyodide's stdlib + _pyodide + pyodide + the
 * fixture app), built by the real pipeline with python = "pyodide".
 */
export async function appBundle(): Promise<string> {
  const key = treeHash(path.join(ROOT, 'packages/bundler/dist'), path.join(ROOT, 'packages/bundler/src/python'), FIXTURES)
  const out = cachePath('pyodide-app-bundle', [PYODIDE_VERSION, key], 'pyb')
  if (!fs.existsSync(out)) {
    const tmp = `${out}.${process.pid}.building.pyb`
    await buildBundle(path.join(FIXTURES, 'app.toml'), { output: tmp, interpreter: pyodideInterpreter() })
    fs.renameSync(tmp, out)
  }
  return out
}

/** Pyodide's stdlib compiled by Pyodide (py/dump_stdlib.py): name -> marshal bytes. */
export async function pyodideStdlibMarshal(): Promise<Map<string, Uint8Array>> {
  const out = cachePath('pyodide-stdlib-marshal', [PYODIDE_VERSION, fs.readFileSync(path.join(HERE, 'py/dump_stdlib.py'), 'utf8')], 'bin')
  if (!fs.existsSync(out)) {
    const tmp = `${out}.${process.pid}.tmp`
    const r = await pyodideInterpreter().runScript({ path: path.join(HERE, 'py/dump_stdlib.py') }, [tmp])
    if (r.exitCode !== 0) throw new Error(`dump_stdlib.py failed: ${r.stderr}`)
    fs.renameSync(tmp, out)
  }
  const map = new Map<string, Uint8Array>()
  const dec = new TextDecoder()
  for (const [name, bytes] of decodeRecords(new Uint8Array(fs.readFileSync(out)))) map.set(dec.decode(name), bytes)
  return map
}

export { writeFileAtomic }
