/**
 * Atomic file output: the bundle is written to a temporary file in the target's
 * folder, fsynced, then renamed over the target, so a reader (or a crash) sees
 * either the previous file or the complete new one. On any failure the
 * temporary file is removed and the previous file is untouched.
 */
import { randomBytes } from 'node:crypto'
import { open, rename, unlink } from 'node:fs/promises'
import { basename, dirname, join } from 'node:path'
import { PyBundleError, isPyBundleError } from '@pybundle/errors'
import type { BundleInput } from '../bundle-input.js'
import type { BundleStats } from './stats.js'
import { writeBundleWithStats } from './write-bundle.js'

/** Write `bytes` to `path` atomically (same-folder temp file, fsync, rename). */
export async function writeFileAtomic(path: string, bytes: Uint8Array): Promise<void> {
  const dir = dirname(path)
  const temp = join(dir, `.${basename(path)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`)
  let created = false
  try {
    const fh = await open(temp, 'wx', 0o644)
    created = true
    try {
      let done = 0
      while (done < bytes.length) {
        const { bytesWritten } = await fh.write(bytes, done, bytes.length - done)
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
