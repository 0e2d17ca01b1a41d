// @ts-check
/**
 * Drive the whole public loader API over one (possibly hostile) bundle and
 * record what happened. Every step runs even when an earlier one failed, so a
 * bad module does not hide the next. A PyBundleError is an outcome (its code is
 * counted); anything else is a "foreign" exception, i.e. a bug.
 *
 * Also checked here, as findings:
 * - verify() never throws on bad bytes, and nothing but a PyBundleError escapes it (a bug propagates, and is a finding here);
 * - no output is sized by a forged count: every list length and byte array the
 *   API returns fits in the file (bounded by the file size);
 * - if verify() says ok, every read succeeds ("verify once, then read");
 * - toMarshal() output reads back with @pybundle/cpython to the value
 *   materialize() returned (the loader's own bytes are valid marshal).
 */
import { PyBundleError } from '@pybundle/errors'
import { firstDifference, readMarshal, readPyc } from '@pybundle/cpython'
import { CodeView, openBundle, openBundleFromBuffer } from '@pybundle/loader'

/** @typedef {{step: string, code: string, message: string}} Outcome */
/** @typedef {{step: string, message: string, stack: string}} Foreign */
/**
 * @typedef {{
 *   openCode: string | null,
 *   verifyOk: boolean | null,
 *   problemCodes: string[],
 *   codes: Outcome[],
 *   foreign: Foreign[],
 *   findings: {kind: string, message: string}[],
 *   modules: number,
 *   codesWalked: number,
 *   maxOutputRatio: number,
 * }} Result
 */

/** Deepest code-object nesting the walker follows (the loader's own limit is 2000). */
const WALK_DEPTH = 2100
/** Most code views walked per case: a forged file can hold many; this bounds the time of one case. */
const WALK_BUDGET = 20_000

/** @returns {Result} */
function newResult() {
  return { openCode: null, verifyOk: null, problemCodes: [], codes: [], foreign: [], findings: [], modules: 0, codesWalked: 0, maxOutputRatio: 0 }
}

/**
 * Run fn; a PyBundleError is recorded and returns undefined, anything else is foreign.
 * @template T @param {Result} r @param {string} step @param {() => T} fn @returns {T | undefined}
 */
function attempt(r, step, fn) {
  try {
    return fn()
  } catch (e) {
    if (e instanceof PyBundleError) {
      if (typeof e.code !== 'string' || !e.message) r.foreign.push({ step, message: `PyBundleError without code/message: ${String(e)}`, stack: e.stack ?? '' })
      r.codes.push({ step, code: e.code, message: e.message })
    } else {
      const err = /** @type {Error} */ (e)
      r.foreign.push({ step, message: `${err?.name}: ${err?.message}`, stack: err?.stack ?? String(e) })
    }
    return undefined
  }
}

/**
 * Count the nodes and bytes of a value (DAG-aware) so amplification shows.
 * @param {any} v @param {Set<object>} seen @param {{nodes: number, bytes: number}} acc
 */
function measure(v, seen, acc) {
  if (v === null || typeof v !== 'object' || seen.has(v)) return
  seen.add(v)
  acc.nodes++
  if (v instanceof Uint8Array) {
    acc.bytes += v.length
    return
  }
  if (Array.isArray(v)) {
    for (const x of v) measure(x, seen, acc)
    return
  }
  for (const k of Object.keys(v)) measure(v[k], seen, acc)
}

/**
 * @param {import('@pybundle/loader').Bundle} b
 * @param {number} fileSize
 * @param {Result} r
 * @param {{full: boolean}} opts
 */
function walkBundle(b, fileSize, r, opts) {
  const bound = (/** @type {string} */ what, /** @type {number} */ n) => {
    if (!(n <= fileSize)) r.findings.push({ kind: 'size-beyond-file', message: `${what} is ${n}, the file is ${fileSize} bytes` })
  }
  const foreignBefore = r.foreign.length
  const report = attempt(r, 'verify', () => b.verify({ maxProblems: 20 }))
  // verify() lets a bug (anything but a PyBundleError) propagate instead of calling the file damaged.
  if (r.foreign.length > foreignBefore) r.findings.push({ kind: 'verify-foreign', message: r.foreign.at(-1)?.message ?? '' })
  if (report === undefined) r.findings.push({ kind: 'verify-threw', message: r.codes.at(-1)?.message ?? r.foreign.at(-1)?.message ?? '' })
  else {
    r.verifyOk = report.ok
    r.problemCodes = [...new Set(report.problems.map((p) => p.code))]
    if (report.ok !== (report.problems.length === 0)) r.findings.push({ kind: 'verify-inconsistent', message: `ok=${report.ok} with ${report.problems.length} problems` })
  }
  const before = r.codes.length
  attempt(r, 'stats', () => b.stats())
  attempt(r, 'header', () => [b.formatVersion, b.pythonVersion, b.magic, b.marshalVersion, b.optimize, b.layout, b.moduleCount, b.codeCount])
  bound('moduleCount', b.moduleCount)
  bound('codeCount', b.codeCount)
  const names = attempt(r, 'moduleNames', () => [...b.moduleNames()]) ?? []
  r.modules = names.length
  const minor = Number(b.pythonVersion.split('.')[1])
  /** @type {Set<number>} */
  const visited = new Set()
  const mods = attempt(r, 'modules', () => [...b.modules()]) ?? []
  for (const m of mods) {
    attempt(r, 'module.fields', () => [m.name, m.path, m.flags, m.isPackage, m.isNamespace, m.isSourceless, m.source, m.codeIndex, m.codeCount])
    const code = attempt(r, 'module.code', () => m.code)
    if (code) walkCode(code, 0, r, visited, fileSize, minor, opts)
  }
  for (const name of names) {
    const m = attempt(r, 'getModule', () => b.getModule(name))
    if (m === undefined && report?.ok && r.codes.at(-1)?.step !== 'getModule') r.findings.push({ kind: 'listed-not-found', message: `moduleNames() lists ${JSON.stringify(name)} but getModule() does not find it` })
    attempt(r, 'has', () => b.has(name))
    attempt(r, 'submodules', () => b.submodules(name))
    attempt(r, 'submodules.direct', () => b.submodules(name, { direct: true }))
    const pyc = attempt(r, 'toPyc', () => b.toPyc(name))
    if (pyc) {
      r.maxOutputRatio = Math.max(r.maxOutputRatio, pyc.length / fileSize)
      if (opts.full) {
        const back = attempt(r, 'toPyc.readPyc', () => readPyc(pyc))
        if (!back && r.codes.at(-1)?.step === 'toPyc.readPyc') {
          if (r.verifyOk) r.findings.push({ kind: 'verify-ok-emit-unreadable', message: `toPyc(${JSON.stringify(name)}) does not read back: ${r.codes.at(-1)?.code} ${r.codes.at(-1)?.message}` })
        }
      }
    }
  }
  for (const probe of ['', 'nonexistent', 'json.', '.', 'pkg', 'a.b.c', '\u00e9', '\ud800', 'x'.repeat(5000)]) {
    attempt(r, 'getModule.probe', () => b.getModule(probe))
  }
  attempt(r, 'submodules.all', () => b.submodules(''))
  walkResources(b, names, r, bound)
  if (report?.ok && r.codes.length > before) {
    // Reading back the loader's output with the marshal reader is a separate check (emit-unreadable).
    const c = r.codes.slice(before).filter((o) => !(o.step === 'toPyc' && o.code === 'UNSUPPORTED_VALUE') && o.step !== 'getModule.probe' && o.step !== 'getData.probe' && !o.step.includes('.read') && o.step !== 'firstDifference')
    if (c.length) r.findings.push({ kind: 'verify-ok-read-failed', message: `verify() ok but ${c[0].step}: ${c[0].code} ${c[0].message}` })
  }
  attempt(r, 'close', () => b.close())
  // After close every entry point throws CLOSED.
  try {
    b.getModule(names[0] ?? 'x')
    r.findings.push({ kind: 'usable-after-close', message: 'getModule() after close() did not throw' })
  } catch (e) {
    if (!(e instanceof PyBundleError) || e.code !== 'CLOSED') {
      r.findings.push({ kind: 'close', message: `after close: ${e instanceof PyBundleError ? e.code : String(e)}` })
    }
  }
}

/**
 * §15 resources: every package's data files and folders, every distribution and
 * its files, every source, the build info; views must stay inside the file.
 * @param {import('@pybundle/loader').Bundle} b @param {string[]} names @param {Result} r
 * @param {(what: string, n: number) => void} bound
 */
function walkResources(b, names, r, bound) {
  attempt(r, 'hasData', () => b.hasData())
  for (const name of names) {
    const files = attempt(r, 'dataFiles', () => b.dataFiles(name)) ?? []
    bound('dataFiles.length', files.length)
    for (const f of files) {
      const v = attempt(r, 'getData', () => b.getData(name, f))
      if (v) bound('getData length', v.length)
    }
    attempt(r, 'dataDirectories', () => b.dataDirectories(name))
    const src = attempt(r, 'getSource', () => b.getSource(name))
    if (src) bound('getSource length', src.length)
  }
  const dists = attempt(r, 'distributions', () => b.distributions()) ?? []
  bound('distributions.length', dists.length)
  for (const d of dists) {
    const files = attempt(r, 'distributionFiles', () => b.distributionFiles(d.name)) ?? []
    for (const f of files) {
      const v = attempt(r, 'getDistributionFile', () => b.getDistributionFile(d.name, f))
      if (v) bound('getDistributionFile length', v.length)
    }
  }
  for (const [pkg, path] of [['pkg', '../x'], ['pkg', ''], ['', 'x'], ['pkg', '\ud800'], ['pkg', 'x'.repeat(5000)]]) {
    attempt(r, 'getData.probe', () => b.getData(pkg, path))
  }
  attempt(r, 'buildInfo', () => b.buildInfo())
}

/**
 * @param {import('@pybundle/loader').CodeView} cv @param {number} depth @param {Result} r
 * @param {Set<number>} visited @param {number} fileSize @param {number} minor @param {{full: boolean}} opts
 */
function walkCode(cv, depth, r, visited, fileSize, minor, opts) {
  if (depth > WALK_DEPTH || r.codesWalked >= WALK_BUDGET) return
  if (visited.has(cv.index)) {
    // A code record reached twice: fine through MODS + consts, but record cycles.
    if (r.verifyOk) r.findings.push({ kind: 'code-reached-twice', message: `code record ${cv.index} reached twice` })
    return
  }
  visited.add(cv.index)
  r.codesWalked++
  const bound = (/** @type {string} */ what, /** @type {number} */ n) => {
    if (!(n <= fileSize)) r.findings.push({ kind: 'size-beyond-file', message: `code ${cv.index} ${what} is ${n}, the file is ${fileSize} bytes` })
  }
  attempt(r, 'code.ints', () => [cv.argcount, cv.posonlyargcount, cv.kwonlyargcount, cv.nlocals, cv.stacksize, cv.flags, cv.firstlineno, cv.moduleIndex, cv.parentIndex])
  for (const key of /** @type {const} */ (['bytecode', 'linetable', 'exceptiontable', 'localspluskinds'])) {
    const v = attempt(r, `code.${key}`, () => cv[key])
    if (v) bound(key, v.length)
  }
  for (const key of /** @type {const} */ (['filename', 'name', 'qualname'])) attempt(r, `code.${key}`, () => cv[key])
  for (const key of /** @type {const} */ (['names', 'varnames', 'freevars', 'cellvars', 'localsplusnames'])) {
    const list = attempt(r, `code.${key}`, () => cv[key])
    if (!list) continue
    bound(`${key}.length`, list.length)
    for (let i = 0; i < list.length && i < fileSize; i++) {
      const s = attempt(r, `code.${key}.get`, () => list.get(i))
      if (s) bound(`${key}[${i}] length`, s.text.length)
    }
  }
  const consts = attempt(r, 'code.consts', () => cv.consts)
  if (consts) {
    bound('consts.length', consts.length)
    for (let i = 0; i < consts.length && i < fileSize; i++) {
      const v = attempt(r, 'code.consts.get', () => consts.get(i))
      if (v instanceof CodeView) walkCode(v, depth + 1, r, visited, fileSize, minor, opts)
      else if (v !== undefined) {
        const acc = { nodes: 0, bytes: 0 }
        measure(v, new Set(), acc)
        bound(`consts[${i}] nodes`, acc.nodes)
        bound(`consts[${i}] bytes`, acc.bytes)
      }
    }
  }
  if (depth > 0 && !opts.full) return
  const code = attempt(r, 'materialize', () => cv.materialize())
  const marshal = attempt(r, 'toMarshal', () => cv.toMarshal())
  if (marshal) r.maxOutputRatio = Math.max(r.maxOutputRatio, marshal.length / fileSize)
  if (code && marshal && opts.full && depth === 0) {
    const back = attempt(r, 'toMarshal.readMarshal', () => readMarshal(marshal, { pythonMinor: minor }))
    if (back === undefined && r.codes.at(-1)?.step === 'toMarshal.readMarshal') {
      if (r.verifyOk) r.findings.push({ kind: 'verify-ok-emit-unreadable', message: `code ${cv.index}: toMarshal() output rejected by readMarshal: ${r.codes.at(-1)?.code} ${r.codes.at(-1)?.message}` })
    } else if (back !== undefined) {
      const diff = attempt(r, 'firstDifference', () => firstDifference(code, back, { compareInterned: false }))
      if (diff !== undefined) r.findings.push({ kind: 'emit-differs', message: `code ${cv.index}: toMarshal() reads back different from materialize(): ${diff}` })
    }
  }
}

/**
 * Open `bytes` from memory and walk it; then, if `file` is given, open that
 * file (holding the same bytes) through mmap and walk it too.
 * @param {Uint8Array} bytes @param {{file?: string, full?: boolean}} [opts]
 * @returns {{buffer: Result, file: Result | null}}
 */
export function exercise(bytes, opts = {}) {
  const full = opts.full ?? true
  const buffer = newResult()
  const b = attempt(buffer, 'openBundleFromBuffer', () => openBundleFromBuffer(bytes))
  if (b) walkBundle(b, bytes.length, buffer, { full })
  else buffer.openCode = buffer.codes.at(-1)?.code ?? 'FOREIGN'
  /** @type {Result | null} */
  let file = null
  if (opts.file) {
    file = newResult()
    const fb = attempt(file, 'openBundle', () => openBundle(/** @type {string} */ (opts.file)))
    if (fb) walkBundle(fb, bytes.length, file, { full: false })
    else file.openCode = file.codes.at(-1)?.code ?? 'FOREIGN'
  }
  return { buffer, file }
}
