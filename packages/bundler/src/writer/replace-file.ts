/**
 * The one way pybundle replaces a file (the bundle in write-file.ts; the CLI's
 * extracted files and reports through its safe-write.ts): the bytes go into a new
 * temporary file in the target's folder, created with O_EXCL (so never an existing
 * file or a planted link), fsynced, then renamed over the target. rename() replaces
 * the directory entry, so a reader (or a crash) sees the previous file or the
 * complete new one, and an existing link at the target is replaced, never written
 * through. On any failure the temporary file is removed.
 *
 * SIGINT / SIGTERM while temporary files are being written: one handler, installed
 * only while there are some, deletes them all, then re-raises the signal, so the
 * process still dies by it (a shell reports 130 / 143). If the program has its own
 * listeners for the signal, they keep deciding what happens next. SIGKILL cannot be
 * handled: what is left behind is the caller's to clean (write-file.ts's
 * removeStaleTemps).
 */
import { unlinkSync } from 'node:fs'
import { open, rename, unlink } from 'node:fs/promises'

/** Temporary files this process is writing: deleted by the signal handler. */
const pending = new Set<string>()
const SIGNALS = ['SIGINT', 'SIGTERM'] as const

function onSignal(signal: NodeJS.Signals): void {
  for (const t of pending) {
    try {
      unlinkSync(t)
    } catch {
      // not created yet, or already renamed
    }
  }
  pending.clear()
  uninstall()
  // Die by the signal as if we had not caught it, unless the program handles it itself.
  if (process.listenerCount(signal) === 0) process.kill(process.pid, signal)
}

function uninstall(): void {
  for (const s of SIGNALS) process.removeListener(s, onSignal)
}

function track(temp: string): void {
  pending.add(temp)
  for (const s of SIGNALS) if (!process.listeners(s).includes(onSignal)) process.on(s, onSignal)
}

function untrack(temp: string): void {
  pending.delete(temp)
  if (pending.size === 0) uninstall()
}

/**
 * Bytes per write(2). Not for speed: the page cache of a file written with one
 * large write is built of large folios (up to 2 MiB on ext4 since Linux 6.16), and
 * a fault in a mapping maps the whole folio, so an open + lookup of a freshly
 * built stdlib bundle counted 4 MiB of RSS for under 1 KiB read. Written in
 * 64 KiB pieces the folios are at most 64 KiB, the same as the kernel's
 * fault-around window, and the same lookup maps 192 KiB (benchmarks case 5:
 * `npm run bench`). Costs ~10 ms on a 50 MB bundle.
 */
const WRITE_CHUNK = 64 * 1024

/**
 * Replace `path` with `bytes` through the temporary file `temp` (a new name in
 * the same folder, chosen by the caller): create it exclusively (mode 0644),
 * write, fsync, rename over `path`. On failure `temp` is gone and the error is
 * thrown as the file system gave it, for the caller to word. The rename is made
 * durable by fsyncing the folder (syncFolder), which is left to the caller: one
 * fsync can serve many files.
 */
export async function replaceFile(path: string, bytes: Uint8Array, temp: string): Promise<void> {
  let created = false
  // Tracked before it exists: a signal during open() still removes it.
  track(temp)
  try {
    const fh = await open(temp, 'wx', 0o644)
    created = true
    try {
      let done = 0
      while (done < bytes.length) {
        const { bytesWritten } = await fh.write(bytes, done, Math.min(WRITE_CHUNK, bytes.length - done))
        done += bytesWritten
      }
      await fh.sync()
    } finally {
      await fh.close().catch(() => undefined)
    }
    await rename(temp, path)
    created = false
  } finally {
    if (created) await unlink(temp).catch(() => undefined)
    untrack(temp)
  }
}

/** fsync a folder (makes renames in it durable); best effort: not every platform lets a folder be opened for it. */
export async function syncFolder(dir: string): Promise<void> {
  try {
    const fh = await open(dir, 'r')
    try {
      await fh.sync()
    } finally {
      await fh.close()
    }
  } catch {
    // best effort
  }
}
