/**
 * Reading one file found on disk for a bundle, without ever hanging or
 * crashing: stat first (a FIFO is never opened), open with O_NONBLOCK (in case
 * the file was swapped for one after the stat), check the open file is still
 * a regular one, and read at most `limit` + 1 bytes. Every failure is a reason
 * string for the build's skipped list.
 */
import { constants, type Stats } from 'node:fs'
import { lstat, open, stat } from 'node:fs/promises'

/** `missing`: the path is not there at all (not a dangling link): a file the host does not have. */
export type ReadResult = { ok: true; bytes: Uint8Array } | { ok: false; reason: string; missing?: boolean }

/** What a stat describes, for "not a regular file (...)". */
export function fileKind(st: Stats): string {
  if (st.isFIFO()) return 'a FIFO'
  if (st.isSocket()) return 'a socket'
  if (st.isCharacterDevice()) return 'a character device'
  if (st.isBlockDevice()) return 'a block device'
  if (st.isDirectory()) return 'a folder'
  return 'not a file'
}

export function overLimit(size: number, limit: number): string {
  return `over the size limit (${size} bytes; the limit is ${limit})`
}

/** stat() following links, with the reason when it fails: a dangling link, a loop, no permission. */
export async function statFollowing(file: string): Promise<{ ok: true; st: Stats } | { ok: false; reason: string; missing?: boolean }> {
  try {
    return { ok: true, st: await stat(file) }
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? 'error'
    if (code === 'ELOOP') return { ok: false, reason: 'symlink loop' }
    if (code === 'ENOENT') {
      const l = await lstat(file).catch(() => null)
      return l?.isSymbolicLink() ? { ok: false, reason: 'dangling symlink' } : { ok: false, reason: 'not found', missing: true }
    }
    return { ok: false, reason: `unreadable: ${code}` }
  }
}

/** The bytes of a regular file (symlinks followed), or why it cannot be bundled. */
export async function readRegularFile(file: string, limit: number, known?: Stats): Promise<ReadResult> {
  let st = known
  if (st === undefined) {
    const s = await statFollowing(file)
    if (!s.ok) return s
    st = s.st
  }
  if (!st.isFile()) return { ok: false, reason: `not a regular file (${fileKind(st)})` }
  if (st.size > limit) return { ok: false, reason: overLimit(st.size, limit) }
  let fh
  try {
    fh = await open(file, constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOCTTY)
  } catch (e) {
    return { ok: false, reason: `unreadable: ${(e as NodeJS.ErrnoException).code ?? 'error'}` }
  }
  try {
    const fst = await fh.stat()
    if (!fst.isFile()) return { ok: false, reason: `not a regular file (${fileKind(fst)})` }
    if (fst.size > limit) return { ok: false, reason: overLimit(fst.size, limit) }
    // Read to the end, whatever stat said (a file can grow), but never past the limit.
    let buf = new Uint8Array(Math.min(limit + 1, Math.max(fst.size, 4096)))
    let len = 0
    for (;;) {
      if (len === buf.length) {
        if (buf.length > limit) break
        const bigger = new Uint8Array(Math.min(limit + 1, buf.length * 2))
        bigger.set(buf)
        buf = bigger
      }
      const { bytesRead } = await fh.read(buf, len, buf.length - len, null)
      if (bytesRead === 0) break
      len += bytesRead
    }
    if (len > limit) return { ok: false, reason: overLimit(len, limit) }
    return { ok: true, bytes: len === buf.length ? buf : buf.slice(0, len) }
  } catch (e) {
    return { ok: false, reason: `unreadable: ${(e as NodeJS.ErrnoException).code ?? 'error'}` }
  } finally {
    await fh.close().catch(() => {})
  }
}
