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
import type { SnapshotFile, SnapshotInfo } from '@pybundle/loader/page'
import { mark } from './fetch-bundle.js'
import { fetchWithHead } from './fetch-with-head.js'
import type { RestoreHook, notRestoredLine } from './start.js'
import { problem, resumeAfterRestore, snapshotMismatch } from './snapshot-restore.js'

/** A memory snapshot file as it arrives: its header, all of it, and whether the worker has checked all of it (readSnapshotFile). */
export interface SnapshotArrival {
  head: Promise<Uint8Array>
  bytes: Promise<Uint8Array>
  checked: Promise<boolean>
}

export interface BrowserRestoreOptions {
  /** The snapshot file: its URL (fetched with fetchOptions, or by the page's worker) or its bytes. */
  snapshot: URL | string | ArrayBuffer | Uint8Array
  fetchOptions?: RequestInit
  /** Fetch through the page's worker (browser.ts inWorker): the whole file, `onHead` first; undefined when there is no worker. */
  viaWorker: (href: string, headSize: number, onHead: (head: Uint8Array) => void) => Promise<Uint8Array | undefined>
  /** The app bundle's bytes once it is opened (undefined for a ModuleSource: never restored then). */
  appBytes: Promise<Uint8Array | undefined>
  /** The options the snapshot must have been made with. */
  wanted: SnapshotInfo['options']
  stdlibZip: 'pyodide' | 'empty'
  env: Record<string, string>
  onWarning: (message: string) => void
  /** A normal start (the same options without the snapshot). */
  startNormally: () => Promise<PyodideAPI>
  /**
   * @pybundle/loader's browser entry, as browser.ts imports it (a dynamic import):
   * imported statically here, it would make the bundler split the loader's chunk
   * for every page, snapshot or not.
   */
  loader: Promise<typeof import('@pybundle/loader/page')>
  /** start.ts notRestoredLine, passed in for the same reason: imported here, start.ts would move out of the page entry into a chunk it shares with this one. */
  notRestoredLine: typeof notRestoredLine
}

/**
 * The restore hook for startPyodide. Pyodide is handed a buffer of the snapshot's
 * size as soon as the header is in (it sizes its heap from it and instantiates its
 * WebAssembly meanwhile); the snapshot is copied into that buffer when the whole
 * file is here, in the checks fsInit awaits.
 */
export function browserRestore(o: BrowserRestoreOptions): RestoreHook {
  const where = o.snapshot instanceof URL || typeof o.snapshot === 'string' ? String(o.snapshot) : 'given as bytes'
  const notRestored = (why: string) => o.notRestoredLine(where, why)
  const arrival = fetchSnapshot(o.snapshot, o.fetchOptions, o.viaWorker)
  const reason = (e: unknown): string => (e instanceof PyBundleError && e.code !== 'IO' ? problem(e) : e instanceof Error ? e.message : String(e))
  let warning: string | undefined
  let info: SnapshotInfo | undefined
  const heap = Promise.all([arrival.head, o.loader]).then(([head, { readSnapshotLayout }]) => new Uint8Array(readSnapshotLayout(head).snapshotSize))
  heap.catch((e: unknown) => { warning = notRestored(reason(e)) })
  const whole: Promise<SnapshotFile> = Promise.all([arrival.bytes, o.loader]).then(([bytes, { readSnapshotHead }]) => {
    mark('snapshot fetched')
    const file = readSnapshotHead(bytes)
    info = file.info
    return file
  })
  // Hashed as soon as it is here (unless the worker did: wire-worker.ts): the page waits on Pyodide's WebAssembly meanwhile.
  const hashed = Promise.all([whole, arrival.checked, o.loader]).then(([file, checked, { checkSnapshotLater }]) => (checked ? undefined : checkSnapshotLater(file)))
  hashed.catch(() => {})
  const damaged = (async (): Promise<string | undefined> => {
    try {
      const [file, into] = await Promise.all([whole, heap])
      const app = await o.appBytes
      const { bundleHeaderChecksum } = await o.loader
      const why = snapshotMismatch(file.info, { version: runningVersion, buildId: undefined, stdlibZip: o.stdlibZip }, app && { size: app.length, headerChecksum: bundleHeaderChecksum(app) }, o.wanted, o.env)
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

/** A memory snapshot file's first bytes (its header: SNAPSHOT_HEADER_SIZE of @pybundle/loader); the file is fetched by the page's worker where there is one. */
const SNAPSHOT_HEAD = 64

function fetchSnapshot(snapshot: URL | string | ArrayBuffer | Uint8Array, fetchOptions: RequestInit | undefined, inWorker: BrowserRestoreOptions['viaWorker']): SnapshotArrival {
  if (!(snapshot instanceof URL || typeof snapshot === 'string')) {
    const bytes = Promise.resolve(snapshot instanceof ArrayBuffer ? new Uint8Array(snapshot) : snapshot)
    return { head: bytes, bytes, checked: Promise.resolve(false) }
  }
  const href = String(new URL(String(snapshot), (globalThis as { location?: { href: string } }).location?.href))
  if (fetchOptions !== undefined) return { ...fetchWithHead(href, SNAPSHOT_HEAD, fetchOptions, 'the memory snapshot'), checked: Promise.resolve(false) }
  let fromWorker!: (head: Uint8Array) => void
  const workerHead = new Promise<Uint8Array>((resolve) => { fromWorker = resolve })
  const viaWorker = inWorker(href, SNAPSHOT_HEAD, fromWorker)
  // No worker: fetched here.
  const here = viaWorker.then((b) => (b === undefined ? fetchWithHead(href, SNAPSHOT_HEAD, undefined, 'the memory snapshot') : undefined))
  const bytes = here.then(async (h) => {
    if (h !== undefined) return h.bytes
    const b = await viaWorker
    if (b === undefined) throw new Error('the page\'s worker ended before the memory snapshot arrived')
    return b
  })
  const head = Promise.race([workerHead, here.then((h) => h === undefined ? workerHead : h.head)])
  // The worker checks the whole file (wire-worker.ts); fetched here, the page hashes it.
  return { head, bytes, checked: here.then((h) => h === undefined, () => false) }
}
