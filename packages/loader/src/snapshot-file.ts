/**
 * The Pyodide memory snapshot file kept beside a bundle (`app.pyb.snapshot`,
 * SPEC.md §17): a 64-byte header, a JSON description, and the bytes of
 * Pyodide's `makeMemorySnapshot()` verbatim at a 64-byte boundary.
 *
 *   0  magic "PYBSNAP\0"        8  u16 major, u16 minor   12 u32 info_size
 *   16 u64 snapshot_offset      24 u64 snapshot_size      32 u64 snapshot_checksum
 *   40 u64 info_checksum        48 u64 file_size          56 u64 header_checksum
 *
 * Checksums are xxh64 (seed 0), as in the bundle. readSnapshotFile checks all
 * three at once (verify, inspect); a loader at startup checks the header and the
 * description at once and the snapshot's own bytes with checkSnapshotLater, in
 * pieces between other work, before Pyodide copies them into its heap (§17).
 * This file only knows bytes, and imports no Node built-in (a page reads a
 * snapshot file with it, through the browser entry); snapshot-map.ts maps one
 * under Node. What the description means is @pybundle/pyodide's.
 */
import { PyBundleError } from '@pybundle/errors'
import { HEADER } from '@pybundle/format-spec'
import { xxh64, xxh64Stream } from './hash.js'
import { Mem } from './mem.js'

/** Bytes of a u64 field of the header. */
const U64_BYTES = 8

export const SNAPSHOT_MAGIC = 'PYBSNAP\0'
export const SNAPSHOT_FORMAT = { major: 1, minor: 0 } as const
export const SNAPSHOT_HEADER_SIZE = 64
/** The file name a bundle's snapshot has: the bundle's own name with this appended. */
export const SNAPSHOT_SUFFIX = '.snapshot'

const AT = { magic: 0, major: 8, minor: 10, infoSize: 12, snapshotOffset: 16, snapshotSize: 24,
  snapshotChecksum: 32, infoChecksum: 40, fileSize: 48, headerChecksum: 56 } as const

/** What a snapshot file says about itself (the JSON part). */
export interface SnapshotInfo {
  /** The npm version of the Pyodide that made it ("314.0.7"). */
  pyodideVersion: string
  /** Pyodide's BUILD_ID (its own hash of pyodide.asm.mjs + pyodide.asm.wasm), which restoreSnapshot checks too. */
  pyodideBuildId: string
  /** sha256 (hex) of the pyodide.asm.wasm it was made with. */
  wasmSha256: string
  /** The bundle it was made from: its size and header checksum (xxh64, hex), which covers every section's checksum. */
  bundle: { size: number; headerChecksum: string }
  /** Modules imported before the snapshot was taken, in that order (what sys.modules holds beyond a bare start). */
  imports: string[]
  /** Names asked for that did not import, with the exception. */
  failed: { name: string; error: string }[]
  /** sys.modules after the imports, sorted. */
  modules: string[]
  /**
   * The bundled top-level package folders a restore mounts (`top\tfolder`: those outside the stdlib zip
   * that show a file, as a normal start finds them), worked out when the snapshot was made: the bundle
   * and options are the same at every restore. Absent in files made before it was recorded.
   */
  packageMounts?: string[]
  /** The loadPyodideWithBundle options it was made with; a restore with others starts normally. */
  options: {
    mountPoint: string; stdlibRoot: string; root: string; roots: Record<string, string>
    /** 'empty': made with an empty stdlib zip (a page's stdlibZip: 'empty'); absent: Pyodide's python_stdlib.zip. */
    stdlibZip?: 'empty'
  }
}

export interface SnapshotFile {
  formatVersion: string
  info: SnapshotInfo
  /** Pyodide's snapshot bytes (a view into the file's bytes). */
  snapshot: Uint8Array
  snapshotChecksum: bigint
  /** Where the snapshot's bytes start in the file. */
  snapshotOffset: number
}

function fail(code: 'TRUNCATED' | 'MALFORMED' | 'BAD_MAGIC' | 'UNSUPPORTED_VERSION' | 'CHECKSUM_MISMATCH', message: string, offset: number): never {
  throw new PyBundleError(code, `snapshot file: ${message}`, { offset })
}

/** The whole file for `snapshot` made under `info`. */
export function encodeSnapshotFile(info: SnapshotInfo, snapshot: Uint8Array): Uint8Array {
  const json = new TextEncoder().encode(JSON.stringify(info))
  const offset = Math.ceil((SNAPSHOT_HEADER_SIZE + json.length) / 64) * 64
  const out = new Uint8Array(offset + snapshot.length)
  const v = new DataView(out.buffer)
  out.set(new TextEncoder().encode(SNAPSHOT_MAGIC), AT.magic)
  v.setUint16(AT.major, SNAPSHOT_FORMAT.major, true)
  v.setUint16(AT.minor, SNAPSHOT_FORMAT.minor, true)
  v.setUint32(AT.infoSize, json.length, true)
  v.setBigUint64(AT.snapshotOffset, BigInt(offset), true)
  v.setBigUint64(AT.snapshotSize, BigInt(snapshot.length), true)
  out.set(json, SNAPSHOT_HEADER_SIZE)
  out.set(snapshot, offset)
  v.setBigUint64(AT.snapshotChecksum, xxh64(snapshot), true)
  v.setBigUint64(AT.infoChecksum, xxh64(json), true)
  v.setBigUint64(AT.fileSize, BigInt(out.length), true)
  v.setBigUint64(AT.headerChecksum, xxh64(out.subarray(0, SNAPSHOT_HEADER_SIZE)), true)
  return out
}

/**
 * Read and check a snapshot file: header, sizes, all three checksums. Every problem
 * is a PyBundleError with the byte offset of the field that is wrong.
 */
export function readSnapshotFile(bytes: Uint8Array): SnapshotFile {
  return parse(bytes, true)
}

/**
 * As readSnapshotFile but without hashing the snapshot's own bytes (the 30 MiB
 * part): check them with checkSnapshotLater before anything uses them.
 */
export function readSnapshotHead(bytes: Uint8Array): SnapshotFile {
  return parse(bytes, false)
}

/** Where a snapshot file's parts are, from its header alone. */
export interface SnapshotLayout {
  /** "major.minor" */
  formatVersion: string
  fileSize: number
  infoSize: number
  /** Where Pyodide's snapshot bytes start, and how many there are (what Pyodide's heap is sized from). */
  snapshotOffset: number
  snapshotSize: number
}

/**
 * The header of a snapshot file checked (magic, major version, header checksum,
 * where the parts are) from its first 64 bytes: what a page needs to size
 * Pyodide's heap before the rest has arrived. `fileLength`, when the whole file
 * is there, is checked against the size the header gives.
 */
export function readSnapshotLayout(bytes: Uint8Array, fileLength?: number): SnapshotLayout {
  if (bytes.length < SNAPSHOT_HEADER_SIZE) fail('TRUNCATED', `${bytes.length} bytes, shorter than the ${SNAPSHOT_HEADER_SIZE}-byte header`, bytes.length)
  const v = new Mem(bytes) // the loader's one reader (mem.ts), unchecked: the header's length was checked above
  const magic = new TextDecoder().decode(bytes.subarray(0, 8))
  if (magic !== SNAPSHOT_MAGIC) fail('BAD_MAGIC', `starts with ${JSON.stringify(magic)}, not "PYBSNAP\\0": not a pybundle snapshot file`, 0)
  const major = v.u16(AT.major)
  const minor = v.u16(AT.minor)
  if (major !== SNAPSHOT_FORMAT.major) fail('UNSUPPORTED_VERSION', `format ${major}.${minor}; this build reads ${SNAPSHOT_FORMAT.major}.x: rebuild the snapshot with this pybundle`, AT.major)
  const head = new Uint8Array(bytes.subarray(0, SNAPSHOT_HEADER_SIZE)) // a copy (Buffer.slice would be a view)
  head.fill(0, AT.headerChecksum, AT.headerChecksum + U64_BYTES)
  const headerSum = v.u64(AT.headerChecksum)
  const actualHead = xxh64(head)
  if (headerSum !== actualHead) fail('CHECKSUM_MISMATCH', `header checksum ${hex(headerSum)}, bytes hash to ${hex(actualHead)}`, AT.headerChecksum)
  const fileSize = Number(v.u64(AT.fileSize))
  if (fileLength !== undefined && fileSize !== fileLength) fail(fileSize > fileLength ? 'TRUNCATED' : 'MALFORMED', `the header says ${fileSize} bytes, the file has ${fileLength}`, AT.fileSize)
  const infoSize = v.u32(AT.infoSize)
  const offset = Number(v.u64(AT.snapshotOffset))
  const size = Number(v.u64(AT.snapshotSize))
  if (offset % 64 !== 0 || offset < SNAPSHOT_HEADER_SIZE + infoSize || offset + size !== fileSize) {
    fail('MALFORMED', `snapshot at ${offset} (${size} bytes) with ${infoSize} bytes of description: not 64-aligned after the description and ending at the file's end`, AT.snapshotOffset)
  }
  return { formatVersion: `${major}.${minor}`, fileSize, infoSize, snapshotOffset: offset, snapshotSize: size }
}

function parse(bytes: Uint8Array, checkBody: boolean): SnapshotFile {
  const { formatVersion, infoSize, snapshotOffset: offset, snapshotSize: size } = readSnapshotLayout(bytes, bytes.length)
  const v = new Mem(bytes)
  const json = bytes.subarray(SNAPSHOT_HEADER_SIZE, SNAPSHOT_HEADER_SIZE + infoSize)
  const infoSum = v.u64(AT.infoChecksum)
  const actualInfo = xxh64(json)
  if (infoSum !== actualInfo) fail('CHECKSUM_MISMATCH', `description checksum ${hex(infoSum)}, bytes hash to ${hex(actualInfo)}`, SNAPSHOT_HEADER_SIZE)
  const snapshot = bytes.subarray(offset, offset + size)
  const snapSum = v.u64(AT.snapshotChecksum)
  const file = { formatVersion, snapshot, snapshotChecksum: snapSum, snapshotOffset: offset }
  if (checkBody) {
    const h = xxh64Stream()
    for (let at = 0; at < size; at += PIECE) h.update(snapshot.subarray(at, at + PIECE))
    bodyResult(file, h.digest(), true)
  }
  let info: SnapshotInfo
  try {
    info = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(json)) as SnapshotInfo
  } catch {
    fail('MALFORMED', 'the description is not UTF-8 JSON', SNAPSHOT_HEADER_SIZE)
  }
  if (typeof info !== 'object' || info === null || typeof info.pyodideVersion !== 'string' || typeof info.pyodideBuildId !== 'string'
    || typeof info.bundle?.headerChecksum !== 'string' || !Array.isArray(info.modules) || typeof info.options?.mountPoint !== 'string') {
    fail('MALFORMED', 'the description lacks pyodideVersion, pyodideBuildId, bundle, modules or options', SNAPSHOT_HEADER_SIZE)
  }
  return { ...file, info }
}

/**
 * Pieces the snapshot's bytes are hashed in: xxhash-wasm copies its input into
 * its own memory, which a 30 MiB input would grow (and keep) by 30 MiB; that
 * growth, not the hash, was most of the 55 ms one call cost at startup.
 */
const PIECE = 2 << 20

function bodyResult(file: Omit<SnapshotFile, 'info'>, actual: bigint, raise: boolean): PyBundleError | undefined {
  if (actual === file.snapshotChecksum) return undefined
  const e = new PyBundleError('CHECKSUM_MISMATCH', `snapshot file: snapshot checksum ${hex(file.snapshotChecksum)}, bytes hash to ${hex(actual)}: the file is damaged, rebuild it`, { offset: file.snapshotOffset })
  if (raise) throw e
  return e
}

/**
 * Hash the snapshot's own bytes of a file read with readSnapshotHead, a piece at a
 * time with the event loop run between pieces (so the hashing fills time the
 * caller spends waiting, e.g. on Pyodide's WebAssembly compiling). Resolves to the
 * CHECKSUM_MISMATCH error readSnapshotFile would throw, or undefined when the
 * bytes are intact.
 */
export async function checkSnapshotLater(file: SnapshotFile): Promise<PyBundleError | undefined> {
  const { snapshot } = file
  const h = xxh64Stream()
  for (let at = 0; at < snapshot.length; at += PIECE) {
    h.update(snapshot.subarray(at, at + PIECE))
    await nextTurn()
  }
  return bodyResult(file, h.digest(), false)
}

function nextTurn(): Promise<void> {
  return new Promise((resolve) => (typeof setImmediate === 'function' ? setImmediate(resolve) : setTimeout(resolve, 0)))
}

/** xxh64 of a bundle's header as stored in it (what SnapshotInfo.bundle.headerChecksum records), hex. */
export function bundleHeaderChecksum(bundleBytes: Uint8Array): string {
  const at = HEADER.at.header_checksum
  const end = HEADER.end.header_checksum
  if (bundleBytes.length < end) return ''
  return hex(new Mem(bundleBytes).u64(at))
}

/** Whether a snapshot was made from this bundle: its description records the bundle's size and header checksum (§17). */
export function snapshotMatchesBundle(info: SnapshotInfo, bundle: { readonly bytes: Uint8Array }): boolean {
  const bytes = bundle.bytes
  return info.bundle.headerChecksum === bundleHeaderChecksum(bytes) && info.bundle.size === bytes.length
}

function hex(n: bigint): string {
  return n.toString(16).padStart(16, '0')
}
