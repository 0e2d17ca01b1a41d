/**
 * Atomic file output: the bundle is written to a temporary file in the target's
 * folder, fsynced, then renamed over the target, so a reader (or a crash) sees
 * either the previous file or the complete new one. On any failure the
 * temporary file is removed and the previous file is untouched.
 *
 * Temporary files are named `.<name>.<pid>.<12 hex>.tmp`, next to the output;
 * the writing itself is replace-file.ts's, shared with the CLI.
 * - SIGINT / SIGTERM while one is being written: replace-file.ts's handler
 *   deletes it, then re-raises the signal, so the process still dies by that
 *   signal (a shell reports 130 / 143).
 * - SIGKILL (and a power cut, an OOM kill) cannot be handled: the temporary
 *   file stays behind. It never has the output's name, and the next write of
 *   the same output deletes every `.<name>.<pid>.*.tmp` whose pid is not a
 *   live process (`removeStaleTemps`). A live pid is left alone (a concurrent
 *   build; or, rarely, a reused pid, whose file the next build then removes).
 */
import { randomBytes } from 'node:crypto'
import { readdir, unlink } from 'node:fs/promises'
import { basename, dirname, join } from 'node:path'
import { PyBundleError, isPyBundleError } from '@pybundle/errors'
import type { BundleInput } from '../bundle-input.js'
import { replaceFile, syncFolder } from './replace-file.js'
import type { BundleStats } from './stats.js'
import { writeBundleWithStats } from './write-bundle.js'

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

/** Write `bytes` to `path` atomically (same-folder temp file, fsync, rename). */
export async function writeFileAtomic(path: string, bytes: Uint8Array): Promise<void> {
  const dir = dirname(path)
  await removeStaleTemps(path)
  const temp = join(dir, `.${basename(path)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`)
  try {
    await replaceFile(path, bytes, temp)
  } catch (e) {
    if (isPyBundleError(e)) throw e
    throw new PyBundleError('IO', `could not write ${path}: ${(e as Error).message}`, { file: path, cause: e })
  }
  await syncFolder(dir)
}

/** Build the bundle for `input` and write it to `path` atomically. Returns the build statistics. */
export async function writeBundleFile(path: string, input: BundleInput): Promise<BundleStats> {
  const { bytes, stats } = await writeBundleWithStats(input)
  await writeFileAtomic(path, bytes)
  return stats
}
