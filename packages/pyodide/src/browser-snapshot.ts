/**
 * A bundle's memory snapshot in a page (snapshot.ts is Node's; SPEC.md §17): the
 * snapshot file fetched while Pyodide downloads and compiles its WebAssembly and
 * handed to Pyodide as a promise (`_loadSnapshot`, awaited once Pyodide's
 * JavaScript has run), so the page waits for nothing it would not wait for
 * anyway. What is checked, and when:
 *
 *   its first bytes  the header (readSnapshotLayout): Pyodide gets a buffer of
 *                    the snapshot's size at once and instantiates meanwhile;
 *   all of it        header and description (readSnapshotHead); its own 30 MB
 *                    hashed (xxh64) at once, while the wasm compiles;
 *   in fsInit        (before Pyodide copies the snapshot into its heap) the hash's
 *                    result, Pyodide's npm version, the app bundle it was made
 *                    from and the options that decide what the heap holds; then
 *                    the snapshot is copied into the buffer. A mismatch spoils
 *                    the buffer (Pyodide's magic zeroed) so Pyodide refuses it;
 *                    Pyodide itself checks its BUILD_ID.
 *
 * Whatever does not fit (a failed fetch too) means a normal start and one warning
 * line, never a failure. Loaded by browser.ts only when a snapshot is asked for.
 */
import type { PyodideAPI } from 'pyodide'
import { version as runningVersion } from 'pyodide'
import { PyBundleError } from '@pybundle/errors'
import { checkSnapshotLater, readSnapshotHead, readSnapshotLayout } from '@pybundle/loader/snapshot-file'
import type { SnapshotFile, SnapshotInfo } from '@pybundle/loader/snapshot-file'
import { mark } from './fetch-bundle.js'
import type { RestoreHook } from './start.js'
import { problem, resumeAfterRestore, snapshotMismatch } from './snapshot-restore.js'

/** A memory snapshot file as it arrives: its header, all of it, and whether the worker has checked all of it (readSnapshotFile). */
export interface SnapshotArrival {
  head: Promise<Uint8Array>
  bytes: Promise<Uint8Array>
  checked: Promise<boolean>
}

export interface BrowserRestoreOptions {
  /** The snapshot file as it arrives (browser.ts fetchSnapshot): its first 64 bytes, then all of it, and whether the worker checked it. */
  file: SnapshotArrival
  /** Its URL, or 'given as bytes', for the warning. */
  where: string
  /** The app bundle's bytes once it is opened (undefined for a ModuleSource: never restored then). */
  appBytes: Promise<Uint8Array | undefined>
  /** The options the snapshot must have been made with. */
  wanted: SnapshotInfo['options']
  stdlibZip: 'pyodide' | 'empty'
  env: Record<string, string>
  onWarning: (message: string) => void
  /** A normal start (the same options without the snapshot). */
  startNormally: () => Promise<PyodideAPI>
}

/**
 * The restore hook for startPyodide. Pyodide is handed a buffer of the snapshot's
 * size as soon as the header is in (it sizes its heap from it and instantiates its
 * WebAssembly meanwhile); the snapshot is copied into that buffer when the whole
 * file is here, in the checks fsInit awaits.
 */
export function browserRestore(o: BrowserRestoreOptions): RestoreHook {
  const notRestored = (why: string) => `pybundle: memory snapshot ${o.where} not restored: ${why}; starting normally`
  const reason = (e: unknown): string => (e instanceof PyBundleError && e.code !== 'IO' ? problem(e) : e instanceof Error ? e.message : String(e))
  let warning: string | undefined
  let info: SnapshotInfo | undefined
  const heap = o.file.head.then((head) => new Uint8Array(readSnapshotLayout(head).snapshotSize))
  heap.catch((e: unknown) => { warning = notRestored(reason(e)) })
  const whole: Promise<SnapshotFile> = o.file.bytes.then((bytes) => {
    mark('snapshot fetched')
    const file = readSnapshotHead(bytes)
    info = file.info
    return file
  })
  // Hashed as soon as it is here (unless the worker did: wire-worker.ts): the page waits on Pyodide's WebAssembly meanwhile.
  const hashed = Promise.all([whole, o.file.checked]).then(([file, checked]) => (checked ? undefined : checkSnapshotLater(file)))
  hashed.catch(() => {})
  const damaged = (async (): Promise<string | undefined> => {
    try {
      const [file, into] = await Promise.all([whole, heap])
      const why = snapshotMismatch(file.info, { version: runningVersion, buildId: undefined, stdlibZip: o.stdlibZip }, await o.appBytes, o.wanted, o.env)
      if (why !== undefined) return notRestored(why)
      const e = await hashed
      if (e !== undefined) return notRestored(problem(e))
      into.set(file.snapshot)
      return undefined
    } catch (e) {
      return notRestored(reason(e))
    }
  })()
  return {
    bytes: heap,
    damaged,
    resume: (pyodide, args, mountPoint) => {
      mark('restored')
      return resumeAfterRestore(pyodide, args, mountPoint, info?.packageMounts)
    },
    fallback: async (why, error) => {
      // Pyodide refused the bytes (its BUILD_ID, or the ones spoiled above), or they never came.
      const pyodideSaid = error instanceof Error ? error.message.split('\n')[0] : undefined
      o.onWarning(why ?? warning ?? notRestored(pyodideSaid ?? 'Pyodide did not restore it'))
      return o.startNormally()
    },
  }
}
