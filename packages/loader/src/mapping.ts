/**
 * Mapping a .pyb file read-only with mmap-io (a CommonJS native addon, loaded
 * lazily so that hosts without it can still use openBundleFromBuffer).
 */
import { closeSync, constants, fstatSync, openSync, statSync, type Stats } from 'node:fs'
import { createRequire } from 'node:module'
import { PyBundleError, fail } from '@pybundle/errors'

interface MmapIo {
  map(size: number, protection: number, flags: number, fd: number, offset?: number, advise?: number): Buffer
  readonly PROT_READ: number
  readonly MAP_SHARED: number
  readonly MADV_RANDOM: number
}

let lib: MmapIo | undefined

function mmapIo(): MmapIo {
  if (lib === undefined) {
    const require = createRequire(import.meta.url)
    const mod = require('mmap-io') as MmapIo & { default?: MmapIo }
    lib = mod.default ?? mod
  }
  return lib
}

/** mmap-io passes the size through a C int. */
const MAX_MAP_SIZE = 0x7fffffff

/** What a path that is not a regular file is, for the error message. */
function kindOf(st: Stats): string {
  if (st.isDirectory()) return 'a directory (folder)'
  if (st.isFIFO()) return 'a FIFO (named pipe)'
  if (st.isSocket()) return 'a socket'
  if (st.isCharacterDevice()) return 'a character device'
  if (st.isBlockDevice()) return 'a block device'
  return 'not a regular file'
}

function notRegular(path: string, st: Stats): never {
  throw new PyBundleError('IO', `cannot open ${path}: it is ${kindOf(st)}, not a .pyb file (give the path of a bundle file written by pybundle build)`, {
    file: path,
    details: { kind: kindOf(st) },
  })
}

/**
 * Map the whole file PROT_READ, MAP_SHARED. The file descriptor is closed again; the mapping stays.
 * Only regular files are opened: the path is stat'ed first, and opened O_NONBLOCK, so a FIFO (which
 * open(2) would block on until a writer appears) or a device never hangs the caller; the descriptor
 * is fstat'ed again in case the path was replaced in between.
 */
export function mapFile(path: string): Uint8Array {
  let st: Stats
  try {
    st = statSync(path)
  } catch (cause) {
    throw new PyBundleError('IO', `cannot open ${path}: ${(cause as Error).message}`, { file: path, cause })
  }
  if (!st.isFile()) notRegular(path, st)
  let fd: number
  try {
    fd = openSync(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0))
  } catch (cause) {
    throw new PyBundleError('IO', `cannot open ${path}: ${(cause as Error).message}`, { file: path, cause })
  }
  try {
    const fst = fstatSync(fd)
    if (!fst.isFile()) notRegular(path, fst)
    const size = fst.size
    // mmap of 0 bytes fails with EINVAL: say what is actually wrong.
    if (size === 0) fail('TRUNCATED', 'empty file: not a .pyb bundle', 0)
    if (size > MAX_MAP_SIZE) {
      fail('LIMIT_EXCEEDED', `file of ${size} bytes is larger than MAX_MAP_SIZE (${MAX_MAP_SIZE} bytes, what mmap-io can map); use openBundleFromBuffer`, 0, {
        limit: 'MAX_MAP_SIZE',
        value: size,
        max: MAX_MAP_SIZE,
      })
    }
    const m = mmapIo()
    try {
      const buf = m.map(size, m.PROT_READ, m.MAP_SHARED, fd, 0, m.MADV_RANDOM)
      return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength)
    } catch (cause) {
      throw new PyBundleError('IO', `cannot map ${path}: ${(cause as Error).message}`, { file: path, cause })
    }
  } catch (e) {
    if (e instanceof PyBundleError && e.file === undefined) {
      throw new PyBundleError(e.code, e.message, { offset: e.offset, file: path, details: e.details, cause: e.cause })
    }
    throw e
  } finally {
    closeSync(fd)
  }
}
