/**
 * The build manifest (TOML), exactly the schema of issue 4:
 *
 *   [bundle]  output = "x.pyb"   python = "python3"   optimize = 0   timeout = 600   base = "stdlib.pyb" (issue 16)
 *   [modules] paths = [...]  include = [...]  exclude = [...]  stdlib = false  trace = [...]
 *             data = true  exclude_data = [...]  metadata = true  sources = false   (issue 14)  closure = false
 *   [pyodide] snapshot = false  snapshot_imports = [...]   (issue 15; only with python = "pyodide")
 *
 * Relative paths are relative to the manifest's folder. Anything else (an
 * unknown table or key, a wrong type) is a MANIFEST error naming the key and
 * the file: a typo must never silently change what gets bundled.
 */
import { constants, type Stats } from 'node:fs'
import { open, stat } from 'node:fs/promises'
import { basename, dirname, extname, join, resolve } from 'node:path'
import { parse, TomlError } from 'smol-toml'
import { PyBundleError } from '@pybundle/errors'
import { DEFAULT_TIMEOUT, MAX_TIMER_MS } from '../interpreter/limits.js'

/** The largest manifest read (bytes); a bigger file is refused before it is read. */
export const MAX_MANIFEST_BYTES = 1024 * 1024
/** The largest `[bundle] timeout` (seconds): what a timer can wait for, ~24.8 days. */
export const MAX_TIMEOUT = Math.floor(MAX_TIMER_MS / 1000)

export interface Manifest {
  /** Absolute path of the manifest file. */
  file: string
  /** Its folder: the base of every relative path in it. */
  dir: string
  /** Absolute output path ([bundle] output, default: the manifest's name with .pyb). */
  output: string
  /** Interpreter command or path ([bundle] python, default "python3"). */
  python: string
  optimize: 0 | 1 | 2
  /** Seconds each interpreter step may take ([bundle] timeout, default DEFAULT_TIMEOUT). */
  timeout: number
  /** [bundle] base: the base bundle a layered bundle is built on (absolute path), or null (SPEC.md §16). */
  base: string | null
  /** Absolute folders put before the interpreter's sys.path. */
  paths: string[]
  /** The same, as written in the manifest (for messages). */
  pathsAsWritten: string[]
  /** "name" or "pkg.*". */
  include: string[]
  /** fnmatch patterns over dotted names. */
  exclude: string[]
  stdlib: boolean
  /** Arguments to `python` whose imports are bundled; null when absent. */
  trace: string[] | null
  /** Bundle package data files ([modules] data, default true). */
  data: boolean
  /** fnmatch patterns over "top/package/relative/path" ([modules] exclude_data). */
  excludeData: string[]
  /** Bundle the distributions' *.dist-info / *.egg-info ([modules] metadata, default true). */
  metadata: boolean
  /** Carry each module's .py bytes ([modules] sources, default false). */
  sources: boolean
  /** [modules] closure: add every module the bundled code imports (read from its bytecode), to a fixed point. */
  closure: boolean
  /**
   * [pyodide] snapshot / snapshot_imports: make a Pyodide memory snapshot beside the
   * bundle after importing these modules ('trace': every module the trace found); null: none.
   * stdlibZip ([pyodide] stdlib_zip = "empty"): the snapshot is made with Pyodide given an empty stdlib
   * zip, as a page started with stdlibZip: 'empty' (@pybundle/pyodide's browser entry) is; absent: "pyodide".
   */
  snapshot: { imports: 'trace' | string[]; stdlibZip?: 'empty' } | null
}

type Check = (value: unknown) => string | null

const isString: Check = (v) => (typeof v === 'string' ? null : 'a string')
const isBool: Check = (v) => (typeof v === 'boolean' ? null : 'true or false')
// Integers are parsed as bigints, so 1 and 1.0 stay apart (1.0 is not a level).
const isOptimize: Check = (v) => ((v === 0n || v === 1n || v === 2n) ? null : '0, 1 or 2')
const isTimeout: Check = (v) => {
  const n = typeof v === 'bigint' ? Number(v) : typeof v === 'number' ? v : NaN
  return n > 0 && n <= MAX_TIMEOUT ? null : `a number of seconds above 0 and at most ${MAX_TIMEOUT}`
}
const isStringArray: Check = (v) => (Array.isArray(v) && v.every((x) => typeof x === 'string') ? null : 'an array of strings')

const SCHEMA: Record<string, Record<string, Check>> = {
  bundle: { output: isString, python: isString, optimize: isOptimize, timeout: isTimeout, base: isString },
  modules: { paths: isStringArray, include: isStringArray, exclude: isStringArray, stdlib: isBool, trace: isStringArray,
    data: isBool, exclude_data: isStringArray, metadata: isBool, sources: isBool, closure: isBool },
  pyodide: { snapshot: isBool, snapshot_imports: isStringArray, stdlib_zip: (v) => (v === 'pyodide' || v === 'empty' ? null : '"pyodide" or "empty"') },
}

function typeName(v: unknown): string {
  if (Array.isArray(v)) return 'an array'
  if (v === null || v === undefined) return 'nothing'
  if (typeof v === 'object') return v.constructor?.name === 'TomlDate' ? 'a date' : 'a table'
  if (typeof v === 'bigint') return `the integer ${v}`
  if (typeof v === 'number') return Number.isFinite(v) ? `the float ${Number.isInteger(v) ? v.toFixed(1) : v}` : `the float ${v}`
  if (typeof v === 'string') return `the string ${JSON.stringify(v)}`
  if (typeof v === 'boolean') return `boolean ${v}`
  return typeof v
}

function manifestError(file: string, message: string, details?: Record<string, unknown>): PyBundleError {
  return new PyBundleError('MANIFEST', message, { file, details })
}

/** A dotted module name, optionally ending in ".*" (the package and everything below it). */
const NAME_PART = /^[\p{L}\p{Nl}_][\p{L}\p{Nl}\p{Mn}\p{Mc}\p{Nd}\p{Pc}]*$/u

export function isModulePattern(s: string): boolean {
  const name = s.endsWith('.*') ? s.slice(0, -2) : s
  return name.length > 0 && name.split('.').every((p) => NAME_PART.test(p))
}

/** Validate parsed TOML against the schema; `file` is for messages and relative paths. */
export function manifestFromToml(data: Record<string, unknown>, file: string): Manifest {
  const abs = resolve(file)
  const dir = dirname(abs)
  for (const [table, value] of Object.entries(data)) {
    const keys = Object.hasOwn(SCHEMA, table) ? SCHEMA[table] : undefined
    if (keys === undefined) {
      throw manifestError(abs, `unknown ${isTable(value) ? 'table' : 'key'} '${table}': a manifest has only the tables [bundle], [modules] and [pyodide]`, { key: table })
    }
    if (!isTable(value)) {
      throw manifestError(abs, `'${table}' must be a table ([${table}]), not ${typeName(value)}`, { key: table })
    }
    for (const [key, v] of Object.entries(value)) {
      const check = Object.hasOwn(keys, key) ? keys[key] : undefined
      if (check === undefined) {
        throw manifestError(abs, `unknown key '${key}' in [${table}]: the keys of [${table}] are ${Object.keys(keys).join(', ')}`, { key: `${table}.${key}` })
      }
      const want = check(v)
      if (want !== null) {
        throw manifestError(abs, `[${table}] ${key} must be ${want}, not ${typeName(v)}`, { key: `${table}.${key}` })
      }
    }
  }
  const b = (data.bundle ?? {}) as Record<string, unknown>
  const m = (data.modules ?? {}) as Record<string, unknown>

  const include = (m.include as string[] | undefined) ?? []
  const bad = include.filter((s) => !isModulePattern(s))
  if (bad.length) {
    throw manifestError(abs, `[modules] include has ${bad.map((s) => JSON.stringify(s)).join(', ')}: an entry is a dotted module name ("pkg.mod") or a package with ".*" ("pkg.*")`, { key: 'modules.include', names: bad })
  }
  const python = (b.python as string | undefined) ?? 'python3'
  if (python.trim() === '') throw manifestError(abs, `[bundle] python is empty: give a command (python3) or a path to the interpreter`, { key: 'bundle.python' })
  const output = b.output as string | undefined
  if (output !== undefined && output.trim() === '') throw manifestError(abs, `[bundle] output is empty: give the .pyb file to write`, { key: 'bundle.output' })
  const base = b.base as string | undefined
  if (base !== undefined && base.trim() === '') throw manifestError(abs, `[bundle] base is empty: give the base bundle (.pyb) to build on, or leave the key out`, { key: 'bundle.base' })
  const trace = (m.trace as string[] | undefined) ?? null
  const stdlib = (m.stdlib as boolean | undefined) ?? false
  if (!include.length && !stdlib && trace === null) {
    throw manifestError(abs, `the manifest selects no modules: set [modules] include, stdlib = true or trace`, { key: 'modules' })
  }
  const excludeData = (m.exclude_data as string[] | undefined) ?? []
  if (excludeData.some((p) => p === '')) {
    throw manifestError(abs, `[modules] exclude_data has an empty pattern: an entry is an fnmatch pattern over "top/package/relative/path", e.g. "babel/locale-data/*"`, { key: 'modules.exclude_data' })
  }
  const snapshot = snapshotOf(abs, python, (data.pyodide ?? null) as Record<string, unknown> | null, trace)
  return {
    file: abs,
    dir,
    output: output !== undefined ? resolve(dir, output) : join(dir, basename(abs, extname(abs)) + '.pyb'),
    python,
    optimize: Number(b.optimize ?? 0) as 0 | 1 | 2,
    timeout: b.timeout === undefined ? DEFAULT_TIMEOUT : Number(b.timeout),
    base: base !== undefined ? resolve(dir, base) : null,
    paths: ((m.paths as string[] | undefined) ?? []).map((p) => resolve(dir, p)),
    pathsAsWritten: (m.paths as string[] | undefined) ?? [],
    include,
    exclude: (m.exclude as string[] | undefined) ?? [],
    stdlib,
    trace,
    data: (m.data as boolean | undefined) ?? true,
    excludeData,
    metadata: (m.metadata as boolean | undefined) ?? true,
    sources: (m.sources as boolean | undefined) ?? false,
    closure: (m.closure as boolean | undefined) ?? false,
    snapshot,
  }
}

/** [pyodide]: what the memory snapshot imports, checked against [bundle] python and [modules] trace. */
function snapshotOf(abs: string, python: string, p: Record<string, unknown> | null, trace: string[] | null): Manifest['snapshot'] {
  if (p === null) return null
  if (python !== 'pyodide') {
    throw manifestError(abs, `[pyodide] is only for python = "pyodide" ([bundle] python is ${JSON.stringify(python)}): remove the table or build with Pyodide`, { key: 'pyodide' })
  }
  const imports = p.snapshot_imports as string[] | undefined
  const on = p.snapshot as boolean | undefined
  const zip = p.stdlib_zip === 'empty' ? { stdlibZip: 'empty' as const } : {}
  if (imports !== undefined) {
    const bad = imports.filter((s) => !isModulePattern(s) || s.endsWith('.*'))
    if (bad.length) throw manifestError(abs, `[pyodide] snapshot_imports has ${bad.map((s) => JSON.stringify(s)).join(', ')}: an entry is a dotted module name ("pkg.mod")`, { key: 'pyodide.snapshot_imports', names: bad })
    if (on === false) throw manifestError(abs, `[pyodide] snapshot = false contradicts snapshot_imports: remove one of them`, { key: 'pyodide.snapshot' })
    return { imports, ...zip }
  }
  if (on !== true) {
    if (p.stdlib_zip !== undefined) throw manifestError(abs, `[pyodide] stdlib_zip says how the memory snapshot is made, and no snapshot is asked for: set snapshot = true (or snapshot_imports), or remove it`, { key: 'pyodide.stdlib_zip' })
    return null
  }
  if (trace === null) {
    throw manifestError(abs, `[pyodide] snapshot = true imports every module the trace found, but [modules] trace is not set: set it, or name the modules in [pyodide] snapshot_imports`, { key: 'pyodide.snapshot' })
  }
  return { imports: 'trace', ...zip }
}

function isTable(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && v.constructor?.name !== 'TomlDate'
}

/** Parse TOML text; syntax errors become MANIFEST errors with line and column. */
export function parseManifest(text: string, file: string): Manifest {
  let data: Record<string, unknown>
  try {
    data = parse(text, { integersAsBigInt: true })
  } catch (e) {
    if (e instanceof TomlError) {
      const first = e.message.split('\n')[0].replace(/^Invalid TOML document: /, '')
      throw new PyBundleError('MANIFEST', `not valid TOML at line ${e.line}, column ${e.column}: ${first}`, { file: resolve(file), cause: e, details: { line: e.line, column: e.column } })
    }
    throw e
  }
  return manifestFromToml(data, file)
}

/** What a file that is not a regular file is, for messages. */
function fileKind(st: Stats): string {
  if (st.isDirectory()) return 'a folder'
  if (st.isFIFO()) return 'a FIFO (named pipe)'
  if (st.isCharacterDevice()) return 'a character device'
  if (st.isBlockDevice()) return 'a block device'
  if (st.isSocket()) return 'a socket'
  return 'not a regular file'
}

/**
 * A manifest's bytes: a regular file of at most MAX_MANIFEST_BYTES. Opened
 * non-blocking (a FIFO would block open(2) until a writer comes) and checked
 * with fstat on the open descriptor, so what is checked is what is read.
 */
async function readManifestBytes(abs: string): Promise<Buffer> {
  let fh
  try {
    fh = await open(abs, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0))
  } catch (e) {
    const err = e as NodeJS.ErrnoException
    if (err.code === 'EISDIR') {
      throw new PyBundleError('IO', `the manifest ${abs} is a folder: give the path of a .toml manifest file`, { file: abs })
    }
    const why = err.code === 'ENOENT' ? 'no such file' : err.code === 'EACCES' ? 'permission denied' : err.message
    throw new PyBundleError('IO', `cannot read the manifest ${abs}: ${why}; give the path of a .toml manifest file`, { file: abs, cause: e })
  }
  try {
    const st = await fh.stat()
    if (st.isDirectory()) {
      throw new PyBundleError('IO', `the manifest ${abs} is a folder: give the path of a .toml manifest file`, { file: abs })
    }
    if (!st.isFile()) {
      throw new PyBundleError('IO', `the manifest ${abs} is ${fileKind(st)}, not a regular file: give the path of a .toml manifest file`, { file: abs })
    }
    const tooBig = () => new PyBundleError('MANIFEST', `the manifest ${abs} is larger than ${MAX_MANIFEST_BYTES} bytes (1 MiB, the limit): a manifest lists modules, it does not hold them`, {
      file: abs, details: { limit: MAX_MANIFEST_BYTES },
    })
    if (st.size > MAX_MANIFEST_BYTES) throw tooBig()
    // Read at most one byte past the limit: the file may grow after fstat.
    const buf = Buffer.alloc(MAX_MANIFEST_BYTES + 1)
    let n = 0
    for (;;) {
      const { bytesRead } = await fh.read(buf, n, buf.length - n, n)
      if (bytesRead === 0) break
      n += bytesRead
      if (n > MAX_MANIFEST_BYTES) throw tooBig()
    }
    return buf.subarray(0, n)
  } catch (e) {
    if (e instanceof PyBundleError) throw e
    const err = e as NodeJS.ErrnoException
    throw new PyBundleError('IO', `cannot read the manifest ${abs}: ${err.code === 'EACCES' ? 'permission denied' : err.message}; give the path of a .toml manifest file`, { file: abs, cause: e })
  } finally {
    await fh.close()
  }
}

/** Offset of the first byte that is not part of well-formed UTF-8 (RFC 3629: no surrogates, no overlongs), or -1. */
export function invalidUtf8Offset(b: Uint8Array): number {
  let i = 0
  while (i < b.length) {
    const c = b[i]
    if (c < 0x80) {
      i++
      continue
    }
    let need: number
    let lo = 0x80
    let hi = 0xbf
    if (c >= 0xc2 && c <= 0xdf) need = 1
    else if (c >= 0xe0 && c <= 0xef) {
      need = 2
      if (c === 0xe0) lo = 0xa0
      if (c === 0xed) hi = 0x9f // U+D800..U+DFFF are not UTF-8
    } else if (c >= 0xf0 && c <= 0xf4) {
      need = 3
      if (c === 0xf0) lo = 0x90
      if (c === 0xf4) hi = 0x8f
    } else return i
    for (let k = 1; k <= need; k++) {
      const x = b[i + k]
      if (x === undefined) return i
      if (k === 1 ? x < lo || x > hi : x < 0x80 || x > 0xbf) return i
    }
    i += need + 1
  }
  return -1
}

/** Read, parse and check a manifest file, including that its `paths` exist. */
export async function loadManifest(file: string): Promise<Manifest> {
  const abs = resolve(file)
  const bytes = await readManifestBytes(abs)
  const bad = invalidUtf8Offset(bytes)
  if (bad >= 0) {
    const line = bytes.subarray(0, bad).filter((x) => x === 0x0a).length + 1
    throw new PyBundleError('MANIFEST', `the manifest is not valid UTF-8: byte 0x${bytes[bad].toString(16).padStart(2, '0')} at byte offset ${bad} (line ${line}) does not belong to a UTF-8 character; TOML files are UTF-8: re-save it as UTF-8`, {
      file: abs, offset: bad, details: { line },
    })
  }
  const text = bytes.toString('utf8')
  const manifest = parseManifest(text, abs)
  for (const [i, p] of manifest.paths.entries()) {
    const st = await stat(p).catch(() => null)
    if (st === null || !st.isDirectory()) {
      throw manifestError(abs, `[modules] paths entry ${JSON.stringify(manifest.pathsAsWritten[i])} is ${st === null ? 'not there' : 'not a folder'} (${p}): paths are folders, relative to the manifest's folder`, { key: 'modules.paths', path: p })
    }
  }
  return manifest
}
