/**
 * How every command writes a file (extracted .pyc files, the HTML report): by the
 * bundler's replaceFile, as the bundle itself is written: into a temporary file in
 * the target's folder (created with O_EXCL, so never an existing file or a planted
 * link), fsynced, then renamed over the target. rename() replaces the directory
 * entry: an existing file, a hard link or a symbolic link at the target is
 * replaced, never written through, so a full disk or a crash leaves the previous
 * file intact and other names of it (hard links) unchanged. On failure, and on
 * SIGINT/SIGTERM during a write, the temporary file is removed. This file adds the
 * wording of errors and the checks of the folders written into.
 *
 * Folders are made one component at a time under a base folder, each checked with
 * lstat: a component that is a symbolic link, or not a folder, is refused with an
 * error naming it (IO, exit 2).
 */
import { randomBytes } from 'node:crypto'
import { lstat, mkdir } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { replaceFile } from '@pybundle/bundler'
import { PyBundleError, isPyBundleError } from '@pybundle/errors'

/** fsync a folder (makes renames in it durable); best effort. */
export { syncFolder } from '@pybundle/bundler'

/** A person's reading of an errno code. */
const REASONS: Record<string, string> = {
  ENOSPC: 'no space left on the device',
  EDQUOT: 'disk quota exceeded',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EROFS: 'read-only file system',
  ENAMETOOLONG: 'the name is too long for the file system',
  ENOENT: 'a folder on the way does not exist',
  ENOTDIR: 'a component of the path is not a folder',
  EISDIR: 'it is a folder',
  ELOOP: 'too many symbolic links',
  EMFILE: 'too many open files',
  ENFILE: 'too many open files in the system',
  EIO: 'input/output error',
  EFBIG: 'the file is too large for the file system',
  EEXIST: 'it exists already',
  EXDEV: 'the temporary file is on another file system',
  EINVAL: 'invalid argument (a name the file system does not accept)',
}

export function ioReason(e: unknown): string {
  const code = (e as NodeJS.ErrnoException)?.code
  if (code !== undefined && REASONS[code] !== undefined) return `${REASONS[code]} (${code})`
  return e instanceof Error ? e.message.split('\n')[0] : String(e)
}

function ioError(action: string, path: string, e: unknown, hint = ''): PyBundleError {
  if (isPyBundleError(e)) return e
  return new PyBundleError('IO', `cannot ${action} ${path}: ${ioReason(e)}${hint}`, { file: path, cause: e, details: { errno: (e as NodeJS.ErrnoException)?.code } })
}

/** A temporary name next to `path`, short whatever the target's name (a 255-byte name still gets one). */
function tempName(path: string): string {
  return join(dirname(path), `.pybundle-${process.pid}-${randomBytes(6).toString('hex')}.tmp`)
}

/**
 * Write `bytes` to `path` by temporary file + fsync + rename. The folder must
 * exist. Errors are PyBundleError IO naming `path` and the reason.
 */
export async function writeFileReplacing(path: string, bytes: Uint8Array | string): Promise<void> {
  const data = typeof bytes === 'string' ? Buffer.from(bytes, 'utf8') : bytes
  try {
    await replaceFile(path, data, tempName(path))
  } catch (e) {
    throw ioError('write', path, e)
  }
}

/**
 * Make `base/rel` a folder (rel '/'-separated, possibly ''), creating what is
 * missing one component at a time and refusing a component that is a symbolic
 * link or not a folder. `base` itself is created if missing; it may be reached
 * through links (what the user named) but may not be a link itself.
 */
export async function makeFolders(base: string, rel: string, made: Set<string> = new Set()): Promise<string> {
  let dir = base
  if (!made.has(dir)) {
    // The base itself may sit behind links (/tmp on macOS), but may not be one: in a shared
    // folder such as /tmp anyone can plant `/tmp/out -> /somewhere/else` before the command runs.
    const st = await lstat(dir).catch(() => undefined)
    if (st?.isSymbolicLink()) {
      throw new PyBundleError('IO', `${dir} is a symbolic link: refusing to write through it; give the folder it points to, or a new folder`, { file: dir })
    }
    if (st !== undefined && !st.isDirectory()) {
      throw new PyBundleError('IO', `${dir} exists and is not a folder: give a folder to write into`, { file: dir })
    }
    try {
      await mkdir(dir, { recursive: true })
    } catch (e) {
      throw ioError('create the folder', dir, e)
    }
    made.add(dir)
  }
  for (const part of rel === '' ? [] : rel.split('/')) {
    dir = join(dir, part)
    if (made.has(dir)) continue
    let st = await lstat(dir).catch((e: NodeJS.ErrnoException) => {
      if (e.code === 'ENOENT') return undefined
      throw ioError('create the folder', dir, e)
    })
    if (st === undefined) {
      try {
        await mkdir(dir, 0o755)
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw ioError('create the folder', dir, e)
      }
      st = await lstat(dir).catch((e) => {
        throw ioError('create the folder', dir, e)
      })
    }
    if (st.isSymbolicLink()) {
      throw new PyBundleError('IO', `${dir} is a symbolic link: refusing to write through it; remove it, or extract into an empty folder`, { file: dir })
    }
    if (!st.isDirectory()) {
      throw new PyBundleError('IO', `${dir} exists and is not a folder: refusing to replace it; remove it, or extract into an empty folder`, { file: dir })
    }
    made.add(dir)
  }
  return dir
}
