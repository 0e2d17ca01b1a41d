/**
 * Mapping a .pyb file read-only with mmap-io (a CommonJS native addon, loaded
 * lazily so that hosts without it can still use openBundleFromBuffer).
 */
import { closeSync, fstatSync, openSync } from 'node:fs'
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

/** Map the whole file PROT_READ, MAP_SHARED. The file descriptor is closed again; the mapping stays. */
export function mapFile(path: string): Uint8Array {
  let fd: number
  try {
    fd = openSync(path, 'r')
  } catch (cause) {
    throw new PyBundleError('IO', `cannot open ${path}: ${(cause as Error).message}`, { file: path, cause })
  }
  try {
    const size = fstatSync(fd).size
    // mmap of 0 bytes fails with EINVAL: say what is actually wrong.
    if (size === 0) fail('TRUNCATED', 'empty file: not a .pyb bundle', 0)
    if (size > MAX_MAP_SIZE) fail('LIMIT_EXCEEDED', `file of ${size} bytes is larger than the mappable 2 GiB`, 0)
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
