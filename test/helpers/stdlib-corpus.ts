/**
 * Every .py file of an interpreter's standard library, compiled by that
 * interpreter exactly as importlib does (compile(source_bytes, path, 'exec',
 * dont_inherit=True, optimize=0), then marshal.dumps), test suites included,
 * site-packages skipped. One interpreter process per version; the result is
 * cached under os.tmpdir()/pybundle-test-cache keyed by the interpreter's path,
 * version and mtime, so re-runs only read one file.
 *
 *   const corpus = await stdlibCorpus(interp)
 *   corpus.modules  // [{ name: 'json.decoder', path: 'json/decoder.py', isPackage: false, marshal: Uint8Array }]
 *   corpus.failures // [{ path: 'test/badsyntax_3131.py', error: 'SyntaxError: ...' }] (deliberate syntax errors)
 */
import fs from 'node:fs'
import path from 'node:path'
import { cachePath, writeFileAtomic } from './cache.js'
import { decodeRecords } from './container.js'
import type { Interpreter } from './pythons.js'
import { PYODIDE, PY_DIR, runPython } from './run-python.js'

export interface CorpusModule {
  /** Dotted name ('json.decoder'; a package is named for its directory). */
  name: string
  /** Path relative to the stdlib root, '/'-separated. */
  path: string
  isPackage: boolean
  /** marshal.dumps of the module's code object (a view into the cache file's bytes). */
  marshal: Uint8Array
}

export interface StdlibCorpus {
  interp: Interpreter
  /** The stdlib directory (sysconfig 'stdlib'). */
  root: string
  modules: CorpusModule[]
  failures: { path: string; error: string }[]
  /** Total marshal bytes. */
  bytes: number
}

const FORMAT = 2

function cacheKey(interp: Interpreter): string {
  const script = fs.readFileSync(path.join(PY_DIR, 'compile_stdlib.py'), 'utf8')
  if (interp.executable === PYODIDE) return cachePath('stdlib', [FORMAT, PYODIDE, interp.full, script])
  const exe = fs.realpathSync(interp.executable)
  return cachePath('stdlib', [FORMAT, exe, interp.full, fs.statSync(exe).mtimeMs, script])
}

export async function stdlibCorpus(interp: Interpreter): Promise<StdlibCorpus> {
  const file = cacheKey(interp)
  if (!fs.existsSync(file)) {
    const tmp = `${file}.${process.pid}.partial`
    await runPython(interp.executable, 'compile_stdlib.py', [tmp])
    writeFileAtomic(file, fs.readFileSync(tmp))
    fs.rmSync(tmp, { force: true })
  }
  const records = decodeRecords(fs.readFileSync(file))
  const dec = new TextDecoder()
  const meta = JSON.parse(dec.decode(records[0][0])) as {
    root: string; minor: number; magic: number; marshalVersion: number; failures: { path: string; error: string }[]
  }
  if (meta.minor !== interp.minor || meta.magic !== interp.magic || meta.marshalVersion !== interp.marshalVersion) {
    throw new Error(`${interp.executable} is not what findInterpreters said: ${JSON.stringify(meta).slice(0, 200)}`)
  }
  let bytes = 0
  const modules = records.slice(1).map(([name, rel, pkg, marshal]) => {
    bytes += marshal.length
    return { name: dec.decode(name), path: dec.decode(rel), isPackage: pkg[0] === 0x31, marshal }
  })
  return { interp, root: meta.root, modules, failures: meta.failures, bytes }
}
