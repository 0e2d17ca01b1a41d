/**
 * Shared test helpers (import from '../helpers/index.js'):
 *
 * - findInterpreters(): the CPython 3.8-3.14 interpreters under ~/.pyenv plus `python3`,
 *   probed once: { found: Interpreter[], skipped: {version, reason}[], python3 }.
 * - findPyodide(): Pyodide's CPython 3.14 as an Interpreter with executable 'pyodide'
 *   (in-process; every helper below accepts it), or { skipped }.
 * - stdlibCorpus(interp): every stdlib .py compiled by that interpreter as importlib does,
 *   cached under os.tmpdir()/pybundle-test-cache: { modules: {name, path, isPackage, marshal}[], failures, bytes }.
 * - compareInInterpreter(interp, [{name, original, candidate}]): one interpreter process
 *   loads both and compares exactly (types, float bits, every co_* field, canonical dump):
 *   { matched, mismatchCount, mismatches: {name, where, detail}[] }.
 * - tryLoadsInInterpreter(interp, [{name, bytes}]): 'ok' or the exception per blob.
 * - runPython(exe, script, args): run a script from test/helpers/py/, resolve with stdout.
 * - encodeRecords / decodeRecords: the length-prefixed container the Python scripts read and write.
 * - CACHE_DIR, cachePath(kind, parts): where expensive test inputs are cached.
 * - thrown(fn) / thrownAsync(fn): the PyBundleError fn throws (anything else fails the test).
 * - pool(items, limit, fn): run async work at most `limit` at once, results in input order.
 */
export { findInterpreters, findPyodide, PYENV_MINORS, type Interpreter, type InterpreterSearch } from './pythons.js'
export { stdlibCorpus, type CorpusModule, type StdlibCorpus } from './stdlib-corpus.js'
export {
  compareInInterpreter, tryLoadsInInterpreter, type ComparePair, type CompareMismatch, type CompareResult,
} from './compare.js'
export { runPython, PY_DIR, PYODIDE } from './run-python.js'
export { encodeRecords, decodeRecords } from './container.js'
export { CACHE_DIR, cachePath, writeFileAtomic } from './cache.js'
export { pool } from './pool.js'
export { thrown, thrownAsync } from './thrown.js'
