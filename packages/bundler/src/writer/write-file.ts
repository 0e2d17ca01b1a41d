/**
 * Atomic file output: the bundle is written to a temporary file in the target's
 * folder, fsynced, then renamed over the target, so a reader (or a crash) sees
 * either the previous file or the complete new one. On any failure the
 * temporary file is removed and the previous file is untouched.
 *
 * Temporary files are named `.<name>.<pid>.<12 hex>.tmp`, next to the output.
 * - SIGINT / SIGTERM while one is being written: the handler installed for the
 *   duration of the write deletes it, then re-raises the signal, so the process
 *   still dies by that signal (a shell reports 130 / 143). If the program has
 *   its own listeners for the signal, they keep deciding what happens next.
 * - SIGKILL (and a power cut, an OOM kill) cannot be handled: the temporary
 *   file stays behind. It never has the output's name, and the next write of
 *   the same output deletes every `.<name>.<pid>.*.tmp` whose pid is not a
 *   live process (`removeStaleTemps`). A live pid is left alone (a concurrent
 *   build; or, rarely, a reused pid, whose file the next build then removes).
 */
import { randomBytes } from 'node:crypto'
import { unlinkSync } from 'node:fs'
import { open, readdir, rename, unlink } from 'node:fs/promises'
import { basename, dirname, join } from 'node:path'
import { PyBundleError, isPyBundleError } from '@pybundle/errors'
import type { BundleInput } from '../bundle-input.js'
import type { BundleStats } from './stats.js'
import { writeBundleWithStats } from './write-bundle.js'

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

function install(): void {
  for (const s of SIGNALS) if (!process.listeners(s).includes(onSignal)) process.on(s, onSignal)
}

function uninstall(): void {
  for (const s of SIGNALS) process.removeListener(s, onSignal)
}

function track(temp: string): void {
  pending.add(temp)
  install()
}

function untrack(temp: string): void {
  pending.delete(temp)
  if (pending.size === 0) uninstall()
}

/** The temporary-file name pattern for `path`: `.<name>.<pid>.<hex>.tmp`. */
function tempPattern(path: string): RegExp {
  const name = basename(path).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
  return new RegExp(`^\\.${name}\\.(\\d+)\\.[0-9a-f]+\\.tmp$`)
}

function pidAlive(pid: number): boolean {
  if (!Number.isSafeInteger(pid) || pid <= 0) return false
  try {
    process.kill(pid, 0)
    return true
  } catch (e) {
    // EPERM: it exists, owned by someone else.
    return (e as NodeJS.ErrnoException).code === 'EPERM'
  }
}

/**
 * Delete temporary files of `path` left by writers that were killed (SIGKILL,
 * power loss): `.<name>.<pid>.<hex>.tmp` whose pid is not a live process.
 * Best effort; returns the names removed.
 */
export async function removeStaleTemps(path: string): Promise<string[]> {
  const dir = dirname(path)
  const re = tempPattern(path)
  const removed: string[] = []
  let names: string[]
  try {
    names = await readdir(dir)
  } catch {
    return removed
  }
  for (const n of names) {
    const m = re.exec(n)
    if (!m) continue
    const pid = Number(m[1])
    if (pid === process.pid || pidAlive(pid)) continue
    try {
      await unlink(join(dir, n))
      removed.push(n)
    } catch {
      // gone already, or not ours to delete
    }
  }
  return removed
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

/** Write `bytes` to `path` atomically (same-folder temp file, fsync, rename). */
export async function writeFileAtomic(path: string, bytes: Uint8Array): Promise<void> {
  const dir = dirname(path)
  await removeStaleTemps(path)
  const temp = join(dir, `.${basename(path)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`)
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
      await fh.close()
    }
    await rename(temp, path)
    created = false
    await syncDir(dir)
  } catch (e) {
    if (created) await unlink(temp).catch(() => undefined)
    if (isPyBundleError(e)) throw e
    throw new PyBundleError('IO', `could not write ${path}: ${(e as Error).message}`, { file: path, cause: e })
  } finally {
    untrack(temp)
  }
}

/** Make the rename durable; not every platform lets a folder be opened for fsync, which is fine. */
async function syncDir(dir: string): Promise<void> {
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

/** Build the bundle for `input` and write it to `path` atomically. Returns the build statistics. */
export async function writeBundleFile(path: string, input: BundleInput): Promise<BundleStats> {
  const { bytes, stats } = await writeBundleWithStats(input)
  await writeFileAtomic(path, bytes)
  return stats
}
