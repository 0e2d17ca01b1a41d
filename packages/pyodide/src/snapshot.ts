/**
 * Restoring a bundle's Pyodide memory snapshot (README.md "Memory snapshot",
 * SPEC.md §17): find `<bundle>.snapshot`, decide whether it belongs to this
 * Pyodide, this bundle and these options, and after the restore give the process
 * what a normal start would have given it. Anything that does not fit means a
 * normal start and one warning line, never a failure.
 */
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import type { PyodideAPI } from 'pyodide'
import { PyBundleError } from '@pybundle/errors'
import { SNAPSHOT_SUFFIX, bundleHeaderChecksum, checkSnapshotLater, mapSnapshotFile, readSnapshotFile, readSnapshotHead } from '@pybundle/loader'
import type { Bundle, SnapshotFile, SnapshotInfo } from '@pybundle/loader'

export interface SnapshotOptions {
  /**
   * The memory snapshot to restore: a path, the snapshot file's bytes, or false
   * (never). Default: `<bundle path>.snapshot` when the bundle is given as a path
   * (or a Bundle opened from a file) and that file exists.
   */
  snapshot?: string | Uint8Array | false
  /** Where the one-line "not restored" message goes. Default console.warn. */
  onWarning?: (message: string) => void
}

const require = createRequire(import.meta.url)

let installed: { version: string; buildId: string | undefined; dir: string } | undefined
/** The Pyodide this process runs: npm version and the BUILD_ID compiled into pyodide.mjs. */
export function installedPyodide(): { version: string; buildId: string | undefined; dir: string } {
  if (installed) return installed
  const pkg = require.resolve('pyodide/package.json')
  const dir = dirname(pkg)
  const version = (JSON.parse(readFileSync(pkg, 'utf8')) as { version: string }).version
  const m = /BUILD_ID:"([0-9a-f]{64})"/.exec(readFileSync(join(dir, 'pyodide.mjs'), 'latin1'))
  installed = { version, buildId: m?.[1], dir }
  return installed
}

export interface ChosenSnapshot {
  info: SnapshotInfo
  /** Pyodide's part of the file (for `_loadSnapshot`). */
  bytes: Uint8Array
  /**
   * For a snapshot read from a file: its own bytes' checksum, being checked while
   * Pyodide starts; resolves to the warning line when they are damaged (then the
   * bytes must not be restored), or undefined. A snapshot given as bytes was
   * checked whole before chooseSnapshot returned.
   */
  damaged?: Promise<string | undefined>
}

/** The bundle file's bytes (for its header checksum), or undefined for a ModuleSource. */
function bundleBytes(bundle: unknown): Uint8Array | undefined {
  if (bundle instanceof Uint8Array) return bundle
  if (typeof bundle === 'object' && bundle !== null && 'toPyc' in bundle) return (bundle as Bundle).bytes
  return undefined
}

/**
 * The snapshot to restore for these options, or undefined (with a warning when
 * one was there but does not fit). `bundle` is the opened bundle (for its header).
 */
export function chooseSnapshot(
  options: SnapshotOptions & { bundle: unknown; env?: Record<string, string>; _loadSnapshot?: unknown; _makeSnapshot?: boolean; stdLibURL?: string; packages?: readonly string[] },
  opened: unknown,
  wanted: SnapshotInfo['options'],
): ChosenSnapshot | undefined {
  const { snapshot } = options
  if (snapshot === false || options._loadSnapshot !== undefined || options._makeSnapshot) return undefined
  const warn = options.onWarning ?? ((m: string) => console.warn(m))
  const file = typeof snapshot === 'string' ? snapshot : snapshot instanceof Uint8Array ? undefined : defaultPath(options.bundle)
  let bytes: Uint8Array
  if (snapshot instanceof Uint8Array) bytes = snapshot
  else if (file === undefined) return undefined
  else {
    try {
      // Mapped, not read: Pyodide copies the bytes into its heap, one copy is enough (README.md "Memory snapshot").
      bytes = mapSnapshotFile(file)
    } catch (e) {
      if (snapshot === undefined && (e as NodeJS.ErrnoException).code === 'ENOENT') return undefined
      warn(`pybundle: memory snapshot ${file} not restored (${(e as Error).message}); starting normally`)
      return undefined
    }
  }
  const where = file ?? 'given as bytes'
  const notRestored = (why: string) => `pybundle: memory snapshot ${where} not restored: ${why}; starting normally`
  // Options that change what the heap would hold. stdout/stderr/stdin, env (but PYTHON*) and args do not: they pass through.
  const heapOptions = [options.stdLibURL !== undefined && 'stdLibURL', options.packages?.length && 'packages'].filter((x): x is string => typeof x === 'string')
  if (heapOptions.length) {
    warn(notRestored(`${heapOptions.join(' and ')} given (the snapshot holds the interpreter started without ${heapOptions.length > 1 ? 'them' : 'it'})`))
    return undefined
  }
  // Bytes from a file are ours (a copy-on-write mapping or a read): hashed while Pyodide starts, spoiled if damaged.
  const later = file !== undefined
  const why = whyNot(bytes, later, opened, wanted, options.env ?? {})
  if (typeof why === 'string') {
    warn(notRestored(why))
    return undefined
  }
  if (!later) return why
  const { file: read, ...chosen } = why
  return { ...chosen, damaged: checkSnapshotLater(read).then((e) => (e ? notRestored(problem(e)) : undefined)) }
}

function problem(e: PyBundleError): string {
  return `${e.message} (byte ${e.offset ?? 0}, ${e.code})`
}

function defaultPath(bundle: unknown): string | undefined {
  if (typeof bundle === 'string') return bundle + SNAPSHOT_SUFFIX
  if (typeof bundle === 'object' && bundle !== null && 'toPyc' in bundle) {
    const f = (bundle as Bundle).file
    return f === undefined ? undefined : f + SNAPSHOT_SUFFIX
  }
  return undefined
}

/** Why the snapshot cannot be restored here (a phrase), or the snapshot; `later`: its own bytes are hashed later (checkSnapshotLater). */
function whyNot(bytes: Uint8Array, later: boolean, opened: unknown, wanted: SnapshotInfo['options'], env: Record<string, string>): string | ChosenSnapshot & { file: SnapshotFile } {
  let file
  try {
    file = later ? readSnapshotHead(bytes) : readSnapshotFile(bytes)
  } catch (e) {
    if (e instanceof PyBundleError) return problem(e)
    throw e
  }
  const { info } = file
  const running = installedPyodide()
  if (info.pyodideVersion !== running.version) return `it was made by Pyodide ${info.pyodideVersion}, this is ${running.version}`
  if (running.buildId !== undefined && info.pyodideBuildId !== running.buildId) return `it was made by another build of Pyodide ${running.version} (BUILD_ID ${info.pyodideBuildId.slice(0, 12)}, this is ${running.buildId.slice(0, 12)})`
  const b = bundleBytes(opened)
  if (b === undefined) return 'the bundle was given as a ModuleSource, whose identity cannot be checked'
  if (bundleHeaderChecksum(b) !== info.bundle.headerChecksum || b.length !== info.bundle.size) return 'it was made from another bundle (rebuild it with the bundle)'
  const o = info.options
  if (o.mountPoint !== wanted.mountPoint || o.stdlibRoot !== wanted.stdlibRoot || o.root !== wanted.root
    || JSON.stringify(sorted(o.roots)) !== JSON.stringify(sorted(wanted.roots))) {
    return `it was made with mountPoint ${o.mountPoint}, stdlibRoot ${o.stdlibRoot}, root ${o.root}${Object.keys(o.roots).length ? ' and roots' : ''}, not these options`
  }
  // The interpreter read these while it started (sys.path, the hash secret, flags): a restored one cannot.
  const python = Object.keys(env).filter((k) => k.startsWith('PYTHON') && k !== 'PYTHONINSPECT').sort()
  if (python.length) return `the environment sets ${python.join(', ')}, which the interpreter reads only while it starts`
  return { info, bytes: file.snapshot, file }
}

function sorted(r: Record<string, string>): [string, string][] {
  return Object.entries(r).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
}

/** The hook a snapshot keeps on the bundle finder (make-snapshot.ts defines it before the snapshot is taken). */
export const RESUME_ATTR = '_pybundle_resume'

/**
 * After a restore: the process gets its own environment, argv and `random` seed,
 * and sys.path loses the second '' Pyodide's finalizeSetup puts there (it ran
 * before the snapshot was taken, and runs again). No Python is compiled here:
 * the function was compiled into the snapshot. Returns the package folders to
 * mount ('top\tfolder' lines) and whether they were checked to show files: the
 * snapshot's own list (`mounts`) when it has one, else the boot module's.
 */
export function resumeAfterRestore(pyodide: PyodideAPI, args: readonly string[] | undefined, mountPoint: string, mounts?: readonly string[]): { lines: string; checked: boolean } {
  const mod = (pyodide as unknown as { _module: { getEnvStrings(): string[] } })._module
  const early = `${mountPoint}/early`
  const env: Record<string, string> = {}
  for (const kv of mod.getEnvStrings()) {
    const i = kv.indexOf('=')
    const k = kv.slice(0, i)
    // Our PYTHONPATH (the early folder) is not the caller's: install() takes it off in a normal start.
    if (k === 'PYTHONPATH' && kv.slice(i + 1) === early) continue
    env[k] = kv.slice(i + 1)
  }
  const program = typeof process !== 'undefined' && process.argv.length > 1 ? process.argv[1].replace(/\\/g, '/') : './this.program'
  const sys = pyodide.pyimport('sys')
  try {
    const meta = sys.meta_path
    let resume
    for (let i = 0; i < meta.length && resume === undefined; i++) {
      const f = meta.get(i)
      // copy(): the attribute is borrowed from f, which is destroyed right after.
      resume = f[RESUME_ATTR]?.copy()
      f.destroy?.()
    }
    meta.destroy()
    if (resume === undefined) throw new PyBundleError('INTERPRETER', 'the restored snapshot has no pybundle finder (was it made by makeBundleSnapshot?)')
    const pyEnv = pyodide.toPy(env)
    // As CPython: without arguments sys.argv is [''].
    const pyArgs = pyodide.toPy(args?.length ? [...args] : [''])
    const pyOrig = pyodide.toPy([program, ...(args ?? [])])
    try {
      // The JS filesystem is new: its package folders must be mounted again. Older snapshots
      // record no list: the boot module's package_mounts() (cold Python over every name) gives it.
      if (mounts !== undefined) {
        resume(pyEnv, pyArgs, pyOrig, false)
        return { lines: mounts.join('\n'), checked: true }
      }
      return { lines: String(resume(pyEnv, pyArgs, pyOrig) ?? ''), checked: false }
    } finally {
      pyEnv.destroy(); pyArgs.destroy(); pyOrig.destroy(); resume.destroy()
    }
  } finally {
    sys.destroy()
  }
}

/** Python of the resume hook, compiled while the snapshot is made (make-snapshot.ts). */
export const RESUME_SOURCE = String.raw`
def _pybundle_resume(env, argv, orig_argv, mounts=True, _finder=_finder):
    import sys, os
    # Set by Pyodide's own Python init, which a restore does not run again.
    for k in ('LD_LIBRARY_PATH',):
        if k in os.environ and k not in env:
            env[k] = os.environ[k]
    os.environ.clear()
    os.environ.update(env)
    sys.argv[:] = argv
    sys.orig_argv[:] = orig_argv
    if sys.path[:2] == ['', '']:
        del sys.path[0]
    # A snapshot holds the state of random's generator: reseed it from this process's urandom, as an import would have.
    r = sys.modules.get('random')
    if r is not None:
        r.seed()
    del _finder.${RESUME_ATTR}
    if not mounts:
        return ''
    mounts = type(_finder).find_spec.__globals__.get('package_mounts')
    return mounts() if mounts is not None else ''
_finder.${RESUME_ATTR} = _pybundle_resume
del _pybundle_resume
`
