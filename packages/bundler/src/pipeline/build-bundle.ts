/**
 * The build pipeline behind `pybundle build`: manifest -> resolve (by the
 * interpreter) -> compile (by the interpreter, all cores) -> marshal to the
 * exact value model -> .pyb, written atomically. Returns plain data for the
 * CLI to print.
 */
import { mkdir, readFile, rm, stat } from 'node:fs/promises'
import { basename, dirname, resolve as resolvePath } from 'node:path'
import { readMarshal, type PyCode } from '@pybundle/cpython'
import { PyBundleError, isPyBundleError } from '@pybundle/errors'
import { openBundleFromBuffer, type Bundle } from '@pybundle/loader'
import type { BuildInfo, BundleInput, ModuleInput } from '../bundle-input.js'
import { collectExtras, startDistributionScan } from '../collect/collect-extras.js'
import type { SkippedData } from '../collect/data.js'
import type { SkippedMetadata } from '../collect/metadata.js'
import { compileModules, syntaxError, type CompileFailure } from '../compile/compile-modules.js'
import { createInterpreter } from '../interpreter/create-interpreter.js'
import type { Interpreter } from '../interpreter/interpreter.js'
import { SubprocessInterpreter } from '../interpreter/subprocess.js'
import { helperScript } from '../interpreter/scripts.js'
import { splitTraceArgs } from '../resolve/trace.js'
import { loadManifest, type Manifest } from '../manifest/read-manifest.js'
import { resolveModules, type ModuleAlias, type ResolvedModule, type SkippedModule, type UnresolvedImport } from '../resolve/resolve-modules.js'
import { writeBundleFile } from '../writer/write-file.js'
import type { BundleStats } from '../writer/stats.js'

export type BuildPhase = 'resolve' | 'compile' | 'convert' | 'write' | 'snapshot'

export interface BuildProgress {
  phase: BuildPhase
  /** Modules done in this phase, when it counts them. */
  done?: number
  total?: number
}

export interface BuildOptions {
  /** Output file; overrides [bundle] output. Relative to the current folder. */
  output?: string
  onProgress?: (progress: BuildProgress) => void
  /** Interpreter to use instead of createInterpreter([bundle] python) (tests, Pyodide). */
  interpreter?: Interpreter
  /** Worker processes for compilation (default: one per core). */
  jobs?: number
  /** Called with the writer's whole input just before it is written (tests, tools). */
  onBundleInput?: (input: BundleInput) => void
}

export interface BuildSummary {
  /** Absolute paths. */
  manifest: string
  output: string
  python: {
    /** As the manifest names it. */
    interpreter: string
    executable: string
    /** "3.11.7" */
    version: string
    magic: number
  }
  optimize: 0 | 1 | 2
  /** Modules in the bundle (namespace packages included). */
  modules: number
  /** Regular packages (with an __init__). */
  packages: number
  namespaces: number
  /** Taken from .pyc files without source. */
  sourceless: number
  /** Frozen in the interpreter and bundled from their source files. */
  frozen: number
  /** Named or discovered but not bundleable: built-in, extension, stdlib files that do not compile, ... */
  skipped: SkippedModule[]
  /** Dropped by [modules] exclude. */
  excluded: number
  /** sys.modules entries the trace reported; null without a trace. */
  traced: number | null
  /** Names the trace (or closure) found held under another spec name; the module is bundled under its spec name. */
  aliases: ModuleAlias[]
  /** [modules] closure = true: modules it added and the imported names that resolve to nothing; null when off. */
  closure: { added: number; optional: number; unresolved: UnresolvedImport[] } | null
  /** Why each bundled module is in (BuildInfo, stored in the bundle): reason, and with closure who imports it. */
  buildInfo: BuildInfo
  codeObjects: number
  /** Bytes of the written file. */
  size: number
  /** What the same modules take as .pyc files (16-byte header + marshal data each). */
  pycBytes: number
  /**
   * What sharing saves. `savedVsPerModule` (= `savedBytes`, kept as an alias):
   * cross-module sharing, against one .pyc per module (records deduplicated
   * inside each module only). `pybundle build` adds `savedVsNone` (all sharing,
   * against storing every table entry's record), the figure `pybundle inspect`
   * computes from the file.
   */
  sharing: BundleStats['sharing'] & { savedVsPerModule: number }
  /** Package data files ([modules] data; null when it is false). `skipped`: each file or folder left out, with the reason. */
  data: { files: number; bytes: number; skipped: SkippedData[] } | null
  /** Distribution metadata ([modules] metadata; null when it is false): *.dist-info / *.egg-info entries, their files and bytes. */
  metadata: { distributions: number; files: number; bytes: number; skipped: SkippedMetadata[] } | null
  /** Modules carrying their .py source ([modules] sources = true), and its bytes; null when sources is false. */
  sources: { modules: number; bytes: number } | null
  /**
   * [pyodide] snapshot: the memory snapshot file written beside the bundle (`<output>.snapshot`),
   * its size, the modules imported into it and those that failed to import; null without one.
   */
  snapshot: { output: string; size: number; imported: number; modules: number; failed: { name: string; error: string }[] } | null
  /**
   * [bundle] base (SPEC.md §16): the base bundle this layered bundle is built on, and what the build left out
   * because the base holds it (modules, distributions); null without a base.
   */
  base: { file: string; checksum: string; modules: number; leftOut: { modules: number; distributions: number } } | null
  /** Milliseconds per phase (collect: data files, metadata and sources). */
  timings: { resolve: number; compile: number; convert: number; collect: number; write: number; snapshot: number; total: number }
  stats: BundleStats
}

/** Build the bundle a manifest describes. Errors are PyBundleErrors; on any error the previous output is untouched. */
export async function buildBundle(manifestPath: string, options: BuildOptions = {}): Promise<BuildSummary> {
  const t0 = performance.now()
  const manifest = await loadManifest(manifestPath)
  const output = options.output !== undefined ? resolvePath(options.output) : manifest.output
  await checkOutput(output)
  const interpreter = options.interpreter ?? createInterpreter(manifest.python, { baseDir: manifest.dir, jobs: options.jobs })
  // The output must not be what the build reads: checked before the interpreter runs, and again once the sources are known.
  await refuseInputs(output, [
    { file: manifest.file, what: 'the manifest' },
    ...(interpreter instanceof SubprocessInterpreter && interpreter.command.includes('/') ? [{ file: interpreter.command, what: 'the interpreter ([bundle] python)' }] : []),
    ...traceScript(manifest),
    ...(['resolve.py', 'compile.py', 'trace_driver.py'] as const).map((h) => ({ file: helperScript(h), what: `pybundle's helper script ${h}` })),
  ])
  const progress = options.onProgress ?? (() => {})
  const base = manifest.base === null ? null : await openBase(manifest, manifest.base, output)

  progress({ phase: 'resolve' })
  const resolution = await withManifest(manifest, () => resolveModules(manifest, interpreter))
  const t1 = performance.now()
  let leftOutModules = 0
  if (base !== null) {
    if (base.bundle.magic !== resolution.python.magic) {
      throw new PyBundleError('MANIFEST',
        `[bundle] base ${base.file} holds code for Python ${base.bundle.pythonVersion} (pyc magic ${base.bundle.magic}), this build's interpreter is Python ${resolution.python.version.join('.')} (magic ${resolution.python.magic}): build both with the same [bundle] python`,
        { file: manifest.file, details: { key: 'bundle.base' } })
    }
    // §16: what the base holds is not stored again; the loader serves it from the base.
    const before = resolution.modules.length
    resolution.modules = resolution.modules.filter((m) => !base.bundle.has(m.name))
    leftOutModules = before - resolution.modules.length
    resolution.skipped = resolution.skipped.filter((m) => !base.bundle.has(m.name))
  }
  const scan = startDistributionScan(manifest, interpreter, resolution.modules)

  const py = resolution.python
  const withCode = resolution.modules.filter((m) => m.kind !== 'namespace')
  await refuseInputs(output, [
    { file: py.executable, what: 'the interpreter' },
    ...withCode.map((m) => ({ file: m.file!, what: `the ${m.kind === 'sourceless' ? 'compiled file' : 'source'} of module ${m.name}` })),
  ])
  progress({ phase: 'compile', done: 0, total: withCode.length })
  const compiled = await withManifest(manifest, () => compileModules(
    interpreter,
    withCode.map((m) => ({ file: m.file!, kind: m.kind === 'sourceless' ? 'sourceless' : 'source' })),
    { optimize: manifest.optimize, workers: options.jobs, timeout: manifest.timeout, keepSources: manifest.sources, onProgress: (done, total) => progress({ phase: 'compile', done, total }) },
  ))
  const t2 = performance.now()

  // Files that do not compile: an error for the user's modules; skipped (with
  // the reason) for the interpreter's own stdlib, whose test data holds files
  // that are not meant to compile (badsyntax_*.py, Python 2 grammar samples)
  // and that CPython's own install does not compile either; and for what only
  // the closure found (a Python 2 fallback behind `if PY2:` that never runs).
  const skipped = [...resolution.skipped]
  const failures: { name: string; error: CompileFailure }[] = []
  const codes = new Map<string, { code: PyCode; source: ModuleInput['source']; bytes: number }>()
  // [modules] sources = true: the bytes each module was compiled from, as the compile step read them.
  const compiledSources = new Map<string, Uint8Array>()
  progress({ phase: 'convert', done: 0, total: withCode.length })
  for (const [i, m] of withCode.entries()) {
    const r = compiled[i]
    if (!r.ok) {
      if (m.stdlib || m.reason === 'closure') skipped.push({ name: m.name, reason: `does not compile with this interpreter (${r.error.type} at line ${r.error.line ?? '?'}: ${r.error.message})` })
      else failures.push({ name: m.name, error: r.error })
      continue
    }
    codes.set(m.name, { code: toCode(r.marshal, py.version[1], m), source: r.source, bytes: r.marshal.length })
    if (r.sourceBytes) compiledSources.set(m.name, r.sourceBytes)
  }
  if (failures.length) throw syntaxError(failures)
  const modules: ModuleInput[] = []
  let pycBytes = 0
  const kept: ResolvedModule[] = []
  for (const m of resolution.modules) {
    if (m.kind === 'namespace') {
      modules.push({ name: m.name, isPackage: true, isNamespace: true, path: '', code: null })
      kept.push(m)
      continue
    }
    const c = codes.get(m.name)
    if (!c) continue
    pycBytes += 16 + c.bytes
    modules.push({
      name: m.name,
      isPackage: m.isPackage,
      isNamespace: false,
      sourceless: m.kind === 'sourceless',
      path: m.relpath,
      code: c.code,
      ...(c.source ? { source: c.source } : {}),
    })
    kept.push(m)
  }
  skipped.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
  const buildInfo = buildInfoOf(kept)
  const t3 = performance.now()

  const extras = await withManifest(manifest, () => collectExtras(manifest, interpreter, kept, scan, compiledSources))
  let leftOutDists = 0
  if (base !== null && extras.metadata) {
    const held = new Set(base.bundle.distributions().map((d) => d.name))
    const dists = extras.metadata.distributions.filter((d) => !held.has(d.name))
    leftOutDists = extras.metadata.distributions.length - dists.length
    extras.metadata = {
      ...extras.metadata,
      distributions: dists,
      files: dists.reduce((n, d) => n + d.files.length, 0),
      bytes: dists.reduce((n, d) => n + d.files.reduce((k, f) => k + f.bytes.length, 0), 0),
    }
  }
  let sourceBytes = 0
  if (extras.sources) {
    for (const mod of modules) {
      const src = extras.sources.get(mod.name)
      if (src) { mod.sourceBytes = src; sourceBytes += src.length }
    }
  }
  const tc = performance.now()

  progress({ phase: 'write' })
  const input: BundleInput = {
    python: { magic: py.magic, major: py.version[0], minor: py.version[1], marshalVersion: py.marshalVersion },
    optimize: manifest.optimize,
    modules,
    ...(extras.data ? { data: extras.data.files } : {}),
    ...(extras.metadata ? { distributions: extras.metadata.distributions } : {}),
    buildInfo: extras.data?.skipped.length ? { ...buildInfo, skippedData: extras.data.skipped } : buildInfo,
    ...(base !== null ? { base: { checksum: base.bundle.headerChecksum, fileSize: base.bundle.bytes.length, pythonMagic: base.bundle.magic, name: base.name } } : {}),
  }
  options.onBundleInput?.(input)
  await mkdir(dirname(output), { recursive: true }).catch(() => {})
  const stats = await writeBundleFile(output, input)
  const t4 = performance.now()
  let snapshot: BuildSummary['snapshot'] = null
  if (manifest.snapshot) {
    progress({ phase: 'snapshot' })
    // Every module the trace found, in the order the program imported them: the bundle serves
    // those it holds; the others (built-in, or only in Pyodide's zip) come from where they would at run time.
    const names = manifest.snapshot.imports === 'trace'
      ? (resolution.tracedNames ?? []).filter((n) => n !== '__main__')
      : manifest.snapshot.imports
    // The old one goes first: if making the new one fails, none is left that belongs to another bundle.
    await rm(output + SNAPSHOT_SUFFIX, { force: true }).catch(() => {})
    snapshot = await withManifest(manifest, () => makeSnapshot(output, names, manifest.snapshot!.stdlibZip ?? 'pyodide'))
  } else {
    // A snapshot of an earlier build belongs to that bundle: every start would warn and ignore it.
    await rm(output + SNAPSHOT_SUFFIX, { force: true }).catch(() => {})
  }
  const t5 = performance.now()

  return {
    manifest: manifest.file,
    output,
    python: { interpreter: interpreter.id, executable: py.executable, version: py.version.join('.'), magic: py.magic },
    optimize: manifest.optimize,
    modules: modules.length,
    packages: kept.filter((m) => m.isPackage && m.kind !== 'namespace').length,
    namespaces: kept.filter((m) => m.kind === 'namespace').length,
    sourceless: kept.filter((m) => m.kind === 'sourceless').length,
    frozen: kept.filter((m) => m.frozen).length,
    skipped,
    excluded: resolution.excluded,
    traced: resolution.traced,
    aliases: resolution.aliases,
    closure: resolution.unresolvedImports === null ? null : {
      added: kept.filter((m) => m.reason === 'closure').length,
      optional: kept.filter((m) => m.reason === 'closure' && m.optional).length,
      unresolved: resolution.unresolvedImports,
    },
    buildInfo,
    codeObjects: stats.codeObjects,
    size: stats.fileSize,
    pycBytes,
    sharing: { ...stats.sharing, savedVsPerModule: stats.sharing.savedBytes },
    data: extras.data && { files: extras.data.files.length, bytes: extras.data.bytes, skipped: extras.data.skipped },
    metadata: extras.metadata && { distributions: extras.metadata.distributions.length, files: extras.metadata.files, bytes: extras.metadata.bytes, skipped: extras.metadata.skipped },
    sources: extras.sources && { modules: extras.sources.size, bytes: sourceBytes },
    snapshot,
    base: base && {
      file: base.file,
      checksum: '0x' + base.bundle.headerChecksum.toString(16).padStart(16, '0'),
      modules: base.bundle.moduleCount,
      leftOut: { modules: leftOutModules, distributions: leftOutDists },
    },
    timings: { resolve: t1 - t0, compile: t2 - t1, convert: t3 - t2, collect: tc - t3, write: t4 - tc, snapshot: t5 - t4, total: t5 - t0 },
    stats,
  }
}

/** The memory snapshot file's suffix (@pybundle/loader SNAPSHOT_SUFFIX; SPEC.md §17). */
const SNAPSHOT_SUFFIX = '.snapshot'

/** Make the snapshot with @pybundle/pyodide, loaded only here (the bundler does not depend on it otherwise). */
async function makeSnapshot(output: string, imports: readonly string[], stdlibZip: 'pyodide' | 'empty'): Promise<NonNullable<BuildSummary['snapshot']>> {
  let mod: { makeBundleSnapshot(bundle: string, o: { imports: readonly string[]; stdlibZip: 'pyodide' | 'empty' }): Promise<{ output: string; size: number; info: { imports: string[]; modules: string[]; failed: { name: string; error: string }[] } }> }
  const name = '@pybundle/pyodide'
  try {
    mod = (await import(name)) as typeof mod
  } catch (e) {
    throw new PyBundleError('INTERPRETER', `[pyodide] snapshot needs the npm package @pybundle/pyodide (npm install @pybundle/pyodide)`, { cause: e })
  }
  const r = await mod.makeBundleSnapshot(output, { imports, stdlibZip })
  return { output: r.output, size: r.size, imported: r.info.imports.length, modules: r.info.modules.length, failed: r.info.failed }
}

/** BuildInfo.modules (the contract of issue 14): one entry per bundled module, in name order. */
function buildInfoOf(kept: readonly ResolvedModule[]): BuildInfo {
  const modules: BuildInfo['modules'] = {}
  const names = new Set(kept.map((m) => m.name))
  for (const m of [...kept].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    // Importers that did not make it into the bundle (a file that does not compile) would break a --why
    // chain; "__main__" (the traced program's own code) stays: the chain starts there.
    const by = m.importedBy?.filter((n) => names.has(n) || n === '__main__')
    modules[m.name] = { reason: m.reason, ...(by?.length ? { importedBy: by } : {}), ...(m.optional ? { optional: true } : {}) }
  }
  return { modules }
}

function toCode(marshal: Uint8Array, minor: number, m: ResolvedModule): PyCode {
  const value = readMarshal(marshal, { pythonMinor: minor })
  if (value.kind !== 'code') {
    throw new PyBundleError('INTERPRETER', `compiling ${m.file} gave a ${value.kind}, not a code object`, { file: m.file ?? undefined })
  }
  return value
}

/**
 * [bundle] base: read the base bundle (into memory: the build needs no mmap) and
 * check it can be built on. It must sit in the output's folder, where the
 * loader looks for it by the name the app records (SPEC.md §16).
 */
async function openBase(manifest: Manifest, file: string, output: string): Promise<{ file: string; name: string; bundle: Bundle }> {
  const where = { file: manifest.file, details: { key: 'bundle.base', base: file } }
  if (resolvePath(file) === resolvePath(output)) {
    throw new PyBundleError('MANIFEST', `[bundle] base ${file} is the output itself: a layered bundle is built on another bundle`, where)
  }
  if (dirname(resolvePath(file)) !== dirname(resolvePath(output))) {
    throw new PyBundleError('MANIFEST', `[bundle] base ${file} is not in the output's folder (${dirname(resolvePath(output))}): the loader looks for the base next to the app bundle, so build both into one folder`, where)
  }
  let bytes: Uint8Array
  try {
    bytes = new Uint8Array(await readFile(file))
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code
    throw new PyBundleError('IO', `[bundle] base ${file} cannot be read (${code ?? String(e)}): build the base bundle first`, { ...where, cause: e })
  }
  let bundle: Bundle
  try {
    bundle = openBundleFromBuffer(bytes, { verify: true })
  } catch (e) {
    if (isPyBundleError(e)) throw new PyBundleError('MANIFEST', `[bundle] base ${file} is not a usable bundle: ${e.message}`, { ...where, cause: e })
    throw e
  }
  if (bundle.base !== null) {
    throw new PyBundleError('MANIFEST', `[bundle] base ${file} is itself a layered bundle (built on "${bundle.base.name}"): build on a bundle that stands alone`, where)
  }
  return { file, name: basename(file), bundle }
}

async function checkOutput(output: string): Promise<void> {
  const st = await stat(output).catch(() => null)
  if (st?.isDirectory()) {
    throw new PyBundleError('IO', `the output ${output} is a folder: give a file path with -o or [bundle] output`, { file: output })
  }
}

/**
 * Refuse an output that is one of the build's inputs: the same path, or the
 * same file by device and inode (a hard link, or a symbolic link to it). Only
 * an existing output can be an input; the rename that writes the bundle would
 * replace it.
 */
async function refuseInputs(output: string, inputs: { file: string; what: string }[]): Promise<void> {
  const out = await stat(output).catch(() => null)
  if (out === null) return
  for (const input of inputs) {
    if (!input.file) continue
    const st = resolvePath(input.file) === output ? out : await stat(input.file).catch(() => null)
    if (st !== null && st.dev === out.dev && st.ino === out.ino) {
      const how = resolvePath(input.file) === output ? '' : ` (${input.file}, the same file by a link)`
      throw new PyBundleError('IO', `the output ${output} is ${input.what}${how}: writing the bundle there would replace it; give another output with -o or [bundle] output`, {
        file: output, details: { input: input.file },
      })
    }
  }
}

/** The script a `[modules] trace` runs, when it runs one (not -c / -m). */
function traceScript(manifest: Manifest): { file: string; what: string }[] {
  if (manifest.trace === null) return []
  const head = splitTraceArgs(manifest.trace).programArgs[0]
  if (head === undefined || head.startsWith('-')) return []
  return [{ file: resolvePath(manifest.dir, head), what: 'the script [modules] trace runs' }]
}

/** Errors from the interpreter name the manifest whose [bundle] python chose it. */
async function withManifest<T>(manifest: Manifest, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn()
  } catch (e) {
    if (e instanceof PyBundleError && e.file === undefined) {
      throw new PyBundleError(e.code, e.message, { file: manifest.file, details: e.details, cause: e.cause, offset: e.offset })
    }
    throw e
  }
}
