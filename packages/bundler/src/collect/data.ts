/**
 * Package data files (issue 14): every file under a bundled regular package's
 * folder that is not a module's source or bytecode, not in `__pycache__` and
 * not an extension module, with its path relative to the NEAREST enclosing
 * bundled regular package (a subfolder that is itself a bundled regular
 * package keeps its own files).
 *
 * Symlinks are followed (Debian's python3-babel links its locale data from
 * /usr/share); a folder already on the current path (same dev+ino) is a loop
 * and is skipped, as is anything that cannot be read safely (see
 * read-file.ts). Output order is deterministic: by package, then path, both
 * by UTF-8 bytes.
 */
import type { Stats } from 'node:fs'
import { LIMITS, resourcePathProblem } from '@pybundle/format-spec'
import type { DataFileInput } from '../bundle-input.js'
import type { Interpreter } from '../interpreter/interpreter.js'
import { byUtf8, fnmatcher } from './paths.js'
import { fileKind, overLimit, readRegularFile, statFollowing } from './read-file.js'
import { readThroughInterpreter } from './read-via-interpreter.js'
import { folderKey, walkFolder } from './walk-folder.js'
import { walkThroughInterpreter } from './walk-via-interpreter.js'

/** A single data file over this many bytes is skipped (LIMITS.MAX_DATA_FILE_SIZE, 64 MiB). */
export const MAX_DATA_FILE_SIZE = LIMITS.MAX_DATA_FILE_SIZE

export interface SkippedData {
  /** The package whose folder holds it. */
  package: string
  /** Relative to the package's folder ('' for the folder itself). */
  path: string
  reason: string
}

export interface DataPackage {
  /** Dotted name of a bundled regular package. */
  name: string
  /** Its folder (the __init__'s). */
  dir: string
}

export interface CollectDataOptions {
  /** fnmatch patterns over "top/package/relative/path" ([modules] exclude_data). */
  exclude?: readonly string[]
  /** The interpreter's importlib.machinery.EXTENSION_SUFFIXES (.so, .pyd and .dylib are always extension modules). */
  extensionSuffixes?: readonly string[]
  /** Default MAX_DATA_FILE_SIZE. */
  maxFileSize?: number
  /** Walks and reads, through the interpreter, a package folder the host does not have (Pyodide's in-memory stdlib). */
  interpreter?: Interpreter
  /** Seconds each interpreter run may take ([bundle] timeout). */
  timeout?: number
  /** Bytes of files one interpreter run sends back (default MAX_STDOUT; tests make it small). */
  readBatchBytes?: number
}

export interface CollectedData {
  files: DataFileInput[]
  skipped: SkippedData[]
  bytes: number
}

/** Files read at once. */
const READERS = 8
const CODE_SUFFIXES = ['.py', '.pyc', '.pyo']
const NATIVE_SUFFIXES = ['.so', '.pyd', '.dylib']

/** Collect the data files of `packages` (bundled regular packages; namespace packages have no folder of their own). */
export async function collectData(packages: readonly DataPackage[], options: CollectDataOptions = {}): Promise<CollectedData> {
  const limit = options.maxFileSize ?? MAX_DATA_FILE_SIZE
  const excluded = fnmatcher(options.exclude ?? [])
  const skipSuffixes = [...CODE_SUFFIXES, ...NATIVE_SUFFIXES, ...(options.extensionSuffixes ?? [])]
  const files: DataFileInput[] = []
  const skipped: SkippedData[] = []
  const pending: { package: string; path: string; full: string; st: Stats }[] = []

  // The folders of bundled packages, by dev+ino: a walk that reaches one stops there (its files are that package's).
  const owners = new Map<string, string>()
  const roots: { pkg: DataPackage; key: string }[] = []
  const elsewhere: DataPackage[] = []
  for (const pkg of [...packages].sort((a, b) => byUtf8(a.name, b.name))) {
    const s = await statFollowing(pkg.dir)
    if (!s.ok && s.missing && options.interpreter) {
      elsewhere.push(pkg)
      continue
    }
    if (!s.ok || !s.st.isDirectory()) {
      skipped.push({ package: pkg.name, path: '', reason: s.ok ? `the package folder is ${fileKind(s.st)}` : `the package folder: ${s.reason}` })
      continue
    }
    const key = folderKey(s.st)
    if (!owners.has(key)) owners.set(key, pkg.name)
    roots.push({ pkg, key })
  }

  /** The rules for a regular file found in a walk: true to read it; false when it is code or skipped (recorded). */
  const wanted = (pkg: string, path: string): boolean => {
    const name = path.slice(path.lastIndexOf('/') + 1)
    if (skipSuffixes.some((sfx) => name.endsWith(sfx))) return false
    if (excluded(pkg.replace(/\./g, '/') + '/' + path)) {
      skipped.push({ package: pkg, path, reason: 'excluded by exclude_data' })
      return false
    }
    const problem = resourcePathProblem(path)
    if (problem !== undefined) {
      skipped.push({ package: pkg, path, reason: `not a valid data path (${problem})` })
      return false
    }
    return true
  }

  for (const { pkg, key } of roots) {
    await walkFolder(pkg.dir, key, {
      skip: (path, reason) => { skipped.push({ package: pkg.name, path, reason }) },
      enter: (k) => !owners.has(k), // a bundled package of its own: its files are its own
      file: (path, full, st) => { if (wanted(pkg.name, path)) pending.push({ package: pkg.name, path, full, st }) },
    })
  }

  // Reads overlap (a few at a time); the walk above fixed the order.
  let next = 0
  const results = new Array<Awaited<ReturnType<typeof readRegularFile>>>(pending.length)
  await Promise.all(Array.from({ length: Math.min(READERS, pending.length) }, async () => {
    while (next < pending.length) {
      const i = next++
      results[i] = await readRegularFile(pending[i].full, limit, pending[i].st)
    }
  }))
  for (const [i, p] of pending.entries()) {
    const r = results[i]
    if (r.ok) files.push({ package: p.package, path: p.path, bytes: r.bytes })
    else skipped.push({ package: p.package, path: p.path, reason: r.reason })
  }

  if (elsewhere.length) await collectElsewhere(elsewhere, packages, options.interpreter!, limit, wanted, files, skipped, options)

  const order = (a: { package: string; path: string }, b: { package: string; path: string }): number => byUtf8(a.package, b.package) || byUtf8(a.path, b.path)
  files.sort(order)
  skipped.sort(order)
  return { files, skipped, bytes: files.reduce((n, f) => n + f.bytes.length, 0) }
}

/** collectData for package folders only the interpreter sees: it walks them, then reads the wanted files in one run. */
async function collectElsewhere(
  pkgs: readonly DataPackage[], all: readonly DataPackage[], interpreter: Interpreter, limit: number,
  wanted: (pkg: string, path: string) => boolean, files: DataFileInput[], skipped: SkippedData[], options: CollectDataOptions,
): Promise<void> {
  const listings = await walkThroughInterpreter(interpreter, pkgs.map((p) => p.dir), all.map((p) => p.dir), options.timeout)
  const toRead: { package: string; path: string; full: string }[] = []
  for (const [i, pkg] of pkgs.entries()) {
    const entries = listings[i]
    if (entries === null) {
      skipped.push({ package: pkg.name, path: '', reason: 'the package folder: not found' })
      continue
    }
    for (const e of entries) {
      if ('reason' in e) skipped.push({ package: pkg.name, path: e.path, reason: e.reason })
      else if (!wanted(pkg.name, e.path)) continue
      else if (e.size > limit) skipped.push({ package: pkg.name, path: e.path, reason: overLimit(e.size, limit) })
      else toRead.push({ package: pkg.name, path: e.path, full: `${pkg.dir}/${e.path}` })
    }
  }
  const got = await readThroughInterpreter(interpreter, toRead.map((t) => t.full), {
    timeout: options.timeout, step: 'reading package data', limit, batchBytes: options.readBatchBytes,
  })
  for (const t of toRead) {
    const r = got.get(t.full)!
    if ('reason' in r) skipped.push({ package: t.package, path: t.path, reason: r.reason })
    else files.push({ package: t.package, path: t.path, bytes: r.bytes })
  }
}

/**
 * The .py bytes of each module compiled from source (for [modules] sources = true), by module name.
 * A file the host does not have (Pyodide's in-memory stdlib) is read by `interpreter`, where it was compiled;
 * `timeout`: seconds that run may take ([bundle] timeout).
 */
export async function readSources(modules: readonly { name: string; file: string | null; kind: string }[], interpreter?: Interpreter, timeout?: number): Promise<Map<string, Uint8Array>> {
  const out = new Map<string, Uint8Array>()
  const elsewhere: { name: string; file: string }[] = []
  for (const m of modules) {
    if (m.kind !== 'source' || m.file === null) continue
    // The limit of a data file (the format's for any stored payload); a bigger source is left without its text.
    const r = await readRegularFile(m.file, MAX_DATA_FILE_SIZE)
    if (r.ok) out.set(m.name, r.bytes)
    else if (r.missing) elsewhere.push({ name: m.name, file: m.file })
  }
  if (interpreter && elsewhere.length) {
    const got = await readThroughInterpreter(interpreter, elsewhere.map((e) => e.file), { timeout, step: 'reading module sources', limit: MAX_DATA_FILE_SIZE })
    for (const e of elsewhere) {
      const r = got.get(e.file)!
      if ('bytes' in r) out.set(e.name, r.bytes)
    }
  }
  return out
}
