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
import { PyBundleError } from '@pybundle/errors'
import { SNAPSHOT_SUFFIX, bundleHeaderChecksum, checkSnapshotLater, mapSnapshotFile, readSnapshotFile, readSnapshotHead } from '@pybundle/loader'
import type { Bundle, SnapshotFile, SnapshotInfo } from '@pybundle/loader'
import { problem, snapshotMismatch } from './snapshot-restore.js'
import { heapOptionsGiven, notRestoredLine } from './start.js'

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
  const notRestored = (why: string) => notRestoredLine(where, why)
  // Options that change what the heap would hold. stdout/stderr/stdin, env (but PYTHON*) and args do not: they pass through.
  const heapOptions = heapOptionsGiven(options)
  if (heapOptions !== undefined) {
    warn(notRestored(heapOptions))
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
  const b = bundleBytes(opened)
  const why = snapshotMismatch(info, { version: running.version, buildId: running.buildId, stdlibZip: 'pyodide' }, b && { size: b.length, headerChecksum: bundleHeaderChecksum(b) }, wanted, env)
  if (why !== undefined) return why
  return { info, bytes: file.snapshot, file }
}

export { RESUME_ATTR, RESUME_SOURCE, resumeAfterRestore } from './snapshot-restore.js'
