/**
 * The wire form of a bundle (SPEC §18): the same bytes, rearranged section by
 * section so that HTTP compression (brotli, gzip) finds more to share, behind
 * a small header of its own. encodeWire is for Node tools (`pybundle wire`;
 * exported by the Node entry only), decodeWire for whoever receives the file
 * (the browser, after fetch()); both live here so the two directions cannot
 * drift (a bundler drops the encoder from a page: nothing there calls it).
 *
 * Every transform keeps the length, so the decoded bundle is exactly as long
 * as the wire payload: a decoder allocates once, at most the input's size, and
 * each transform is a single pass bounded by its range.
 */
import { fail } from '@pybundle/errors'
import {
  CODE, HEADER, MODULE, STRING_KIND_WIDTH, STRING_RECORD, STRING_RECORD_ALIGN, TABLE_ENTRY_SIZE, WIRE_HEADER,
  WIRE_MAGIC, WIRE_MAJOR, WIRE_MAX_RANGES, WIRE_MINOR, WIRE_RANGE, WIRE_TRANSFORM,
} from '@pybundle/format-spec'
import { xxh64 } from './hash.js'
import { readHeader } from './header.js'
// The transport buffer is read through the loader's one reader (Mem's unchecked
// little-endian reads) rather than a reader of its own: one class for V8 to keep
// monomorphic and one place to audit. Mem's counter and CLOSED check do not apply
// (no Section.at here): every read below lies inside a length this file checked first.
import { Mem } from './mem.js'

/** One range of the bundle and how it is stored on the wire (§18). */
export interface WireRange {
  readonly offset: number
  readonly size: number
  readonly transform: number
  readonly param: number
  readonly count: number
}

/**
 * The CODE columns SHUFFLE codes as differences from the previous record (§18
 * `count`): running starts and offsets, which grow record by record (BLOB by
 * role puts each role's blobs in record order). Pyodide stdlib CODE, brotli 9:
 * 245 KB shuffled, 220 KB with these; every column as a difference: 261 KB.
 */
const CODE_DELTA_COLUMNS = (['module', 'parent', 'str_start', 'const_start', 'code_offset', 'linetable_offset', 'exceptiontable_offset', 'kinds_offset'] as const)
  .reduce((mask, f) => mask | (1 << (CODE.at[f] / 4)), 0) >>> 0

/** Largest SHUFFLE stride a decoder accepts (§18). */
const MAX_STRIDE = 65536

/** True when `bytes` start with WIRE_MAGIC (a wire file, §18), not a bundle's FILE_MAGIC. */
export function isWire(bytes: Uint8Array): boolean {
  if (bytes.length < WIRE_MAGIC.length) return false
  for (let i = 0; i < WIRE_MAGIC.length; i++) if (bytes[i] !== WIRE_MAGIC[i]) return false
  return true
}

/** What a bundle's sections are stored as on the wire: the transform that compresses each best (measured on stdlib bundles). */
function transformFor(name: string, bytes: Uint8Array): [transform: number, param: number, count: number] {
  switch (name) {
    case 'MODS': return [WIRE_TRANSFORM.SHUFFLE, MODULE.size, 0]
    case 'CODE': return [WIRE_TRANSFORM.SHUFFLE, CODE.size, CODE_DELTA_COLUMNS]
    case 'STRT':
    case 'CNST': return bytes.length % TABLE_ENTRY_SIZE === 0 ? [WIRE_TRANSFORM.TABLE, 0, 0] : [WIRE_TRANSFORM.RAW, 0, 0]
    case 'CDAT': return [WIRE_TRANSFORM.SHUFFLE, 8, 0]
    case 'STRD': {
      const n = countStrings(bytes)
      return n === undefined ? [WIRE_TRANSFORM.RAW, 0, 0] : [WIRE_TRANSFORM.STRINGS, 0, n]
    }
    default: return [WIRE_TRANSFORM.RAW, 0, 0]
  }
}

/**
 * The wire form of `bundle` (§18). The bundle's header and section table are
 * checked (as openBundleFromBuffer does), not its sections: the wire form holds
 * whatever bytes the bundle has, and decodeWire gives them back exactly.
 */
export function encodeWire(bundle: Uint8Array): Uint8Array {
  const header = readHeader(new Mem(bundle))
  const ranges: WireRange[] = []
  let at = 0
  const raw = (end: number): void => {
    if (end > at) ranges.push({ offset: at, size: end - at, transform: WIRE_TRANSFORM.RAW, param: 0, count: 0 })
    at = Math.max(at, end)
  }
  const sections = [...header.allSections].filter((s) => s.size > 0).sort((a, b) => a.offset - b.offset)
  for (const s of sections) {
    if (s.offset < at) continue // overlapping sections (a hostile table readHeader let through): left raw
    raw(s.offset)
    const bytes = bundle.subarray(s.offset, s.offset + s.size)
    const [transform, param, count] = transformFor(s.name, bytes)
    ranges.push({ offset: s.offset, size: s.size, transform, param, count })
    at = s.offset + s.size
  }
  raw(bundle.length)
  if (ranges.length === 0) ranges.push({ offset: 0, size: 0, transform: WIRE_TRANSFORM.RAW, param: 0, count: 0 })

  const headerSize = WIRE_HEADER.size + ranges.length * WIRE_RANGE.size
  const out = new Uint8Array(headerSize + bundle.length)
  const view = new DataView(out.buffer, out.byteOffset, out.byteLength)
  out.set(WIRE_MAGIC, WIRE_HEADER.at.magic)
  view.setUint16(WIRE_HEADER.at.major, WIRE_MAJOR, true)
  view.setUint16(WIRE_HEADER.at.minor, WIRE_MINOR, true)
  view.setUint32(WIRE_HEADER.at.range_count, ranges.length, true)
  view.setBigUint64(WIRE_HEADER.at.bundle_size, BigInt(bundle.length), true)
  view.setBigUint64(WIRE_HEADER.at.bundle_header_checksum, header.checksum, true)
  view.setBigUint64(WIRE_HEADER.at.bundle_checksum, xxh64(bundle), true)
  view.setUint32(WIRE_HEADER.at.header_size, headerSize, true)
  ranges.forEach((r, i) => {
    const e = WIRE_HEADER.size + i * WIRE_RANGE.size
    view.setBigUint64(e + WIRE_RANGE.at.offset, BigInt(r.offset), true)
    view.setBigUint64(e + WIRE_RANGE.at.size, BigInt(r.size), true)
    view.setUint32(e + WIRE_RANGE.at.transform, r.transform, true)
    view.setUint32(e + WIRE_RANGE.at.param, r.param, true)
    view.setUint32(e + WIRE_RANGE.at.count, r.count, true)
    const src = bundle.subarray(r.offset, r.offset + r.size)
    out.set(encodeRange(r, src), headerSize + r.offset)
  })
  view.setBigUint64(WIRE_HEADER.at.header_checksum, xxh64(out.subarray(0, headerSize)), true)
  return out
}

/** The bundle of a wire file, exactly as it was encoded (its checksums verify), or a PyBundleError with the byte offset at fault. */
export function decodeWire(wire: Uint8Array): Uint8Array {
  const { headerSize, bundleSize, ranges, bundleChecksum, bundleHeaderChecksum } = readWireHeader(wire)
  const out = new Uint8Array(bundleSize)
  for (const r of ranges) decodeRange(r, wire.subarray(headerSize + r.offset, headerSize + r.offset + r.size), out, headerSize)
  if (xxh64(out) !== bundleChecksum) {
    fail('CHECKSUM_MISMATCH', `wire file: the decoded bundle does not match its checksum (the wire file is damaged); fetch or run \`pybundle wire\` again`, WIRE_HEADER.at.bundle_checksum)
  }
  const decodedHeaderSum = out.length >= HEADER.end.header_checksum
    ? new Mem(out).u64(HEADER.at.header_checksum)
    : undefined
  if (decodedHeaderSum !== bundleHeaderChecksum) {
    fail('MALFORMED', 'wire file: bundle_header_checksum is not the decoded bundle\'s header_checksum', WIRE_HEADER.at.bundle_header_checksum)
  }
  return out
}

export interface WireInfo {
  readonly wireMajor: number
  readonly wireMinor: number
  readonly headerSize: number
  readonly bundleSize: number
  /** The bundle's header_checksum (§2), as in the wire header. */
  readonly bundleHeaderChecksum: bigint
  readonly bundleChecksum: bigint
  readonly ranges: readonly WireRange[]
}

/** The wire header (§18), checked (magic, versions, sizes, its checksum, every range), without decoding the payload. */
export function readWireHeader(wire: Uint8Array): WireInfo {
  if (!isWire(wire)) {
    if (wire.length < WIRE_MAGIC.length && wire.every((b, i) => b === WIRE_MAGIC[i])) fail('TRUNCATED', `wire file: ${wire.length} bytes, shorter than its magic`, wire.length)
    fail('BAD_MAGIC', 'not a pybundle wire file (bad magic); a .pyb bundle needs no decoding', 0)
  }
  if (wire.length < WIRE_HEADER.size) fail('TRUNCATED', `wire file: ${wire.length} bytes, shorter than its ${WIRE_HEADER.size}-byte header`, wire.length)
  const view = new Mem(wire)
  const H = WIRE_HEADER.at
  const major = view.u16(H.major)
  const minor = view.u16(H.minor)
  if (major !== WIRE_MAJOR) fail('UNSUPPORTED_VERSION', `wire file: version ${major}.${minor}, this decoder reads ${WIRE_MAJOR}.x`, H.major)
  if (minor > WIRE_MINOR) fail('UNSUPPORTED_VERSION', `wire file: version ${major}.${minor} is newer than this decoder (${WIRE_MAJOR}.${WIRE_MINOR}); update @pybundle/loader or serve the .pyb`, H.minor)
  const count = view.u32(H.range_count)
  if (count < 1 || count > WIRE_MAX_RANGES) fail('LIMIT_EXCEEDED', `wire file: ${count} ranges, outside 1 to ${WIRE_MAX_RANGES}`, H.range_count)
  const headerSize = view.u32(H.header_size)
  if (headerSize !== WIRE_HEADER.size + count * WIRE_RANGE.size) {
    fail('MALFORMED', `wire file: header_size ${headerSize} is not ${WIRE_HEADER.size} + ${WIRE_RANGE.size} x ${count} ranges`, H.header_size)
  }
  if (headerSize > wire.length) fail('TRUNCATED', `wire file: ${wire.length} bytes, shorter than its ${headerSize}-byte header`, wire.length)
  const stored = view.u64(H.header_checksum)
  const copy = wire.slice(0, headerSize)
  new DataView(copy.buffer).setBigUint64(H.header_checksum, 0n, true)
  if (xxh64(copy) !== stored) fail('CHECKSUM_MISMATCH', 'wire file: the header checksum does not match (the wire header is damaged)', H.header_checksum)
  if (view.u32(H.reserved) !== 0) fail('MALFORMED', 'wire file: reserved header field is not zero', H.reserved)
  if (view.u64(H.reserved2) !== 0n) fail('MALFORMED', 'wire file: reserved header field is not zero', H.reserved2)
  // The bundle is exactly the payload: the output is never larger than the input.
  const declared = view.u64(H.bundle_size)
  const payload = BigInt(wire.length - headerSize)
  if (declared > payload) fail('TRUNCATED', `wire file: declares a ${declared}-byte bundle, has ${payload} bytes after its header`, wire.length)
  if (declared < payload) fail('MALFORMED', `wire file: declares a ${declared}-byte bundle, has ${payload} bytes after its header (trailing bytes)`, headerSize + Number(declared))
  const bundleSize = Number(declared)
  const ranges: WireRange[] = []
  let next = 0
  for (let i = 0; i < count; i++) {
    const e = WIRE_HEADER.size + i * WIRE_RANGE.size
    const offset = view.u64(e + WIRE_RANGE.at.offset)
    const size = view.u64(e + WIRE_RANGE.at.size)
    if (offset !== BigInt(next)) fail('MALFORMED', `wire file: range ${i} starts at ${offset}, not at ${next} where range ${i - 1} ends`, e + WIRE_RANGE.at.offset)
    if (size > BigInt(bundleSize - next)) fail('OUT_OF_BOUNDS', `wire file: range ${i} (${size} bytes at ${offset}) ends past the ${bundleSize}-byte bundle`, e + WIRE_RANGE.at.size)
    const r: WireRange = {
      offset: next,
      size: Number(size),
      transform: view.u32(e + WIRE_RANGE.at.transform),
      param: view.u32(e + WIRE_RANGE.at.param),
      count: view.u32(e + WIRE_RANGE.at.count),
    }
    checkRange(r, i, e, view.u32(e + WIRE_RANGE.at.reserved))
    ranges.push(r)
    next += r.size
  }
  if (next !== bundleSize) fail('MALFORMED', `wire file: the ranges cover ${next} of the bundle's ${bundleSize} bytes`, WIRE_HEADER.size + (count - 1) * WIRE_RANGE.size)
  return {
    wireMajor: major, wireMinor: minor, headerSize, bundleSize,
    bundleHeaderChecksum: view.u64(H.bundle_header_checksum),
    bundleChecksum: view.u64(H.bundle_checksum),
    ranges,
  }
}

function checkRange(r: WireRange, i: number, e: number, reserved: number): void {
  const bad = (field: keyof typeof WIRE_RANGE.at, why: string): never => fail('MALFORMED', `wire file: range ${i}: ${why}`, e + WIRE_RANGE.at[field])
  if (reserved !== 0) bad('reserved', 'reserved field is not zero')
  switch (r.transform) {
    case WIRE_TRANSFORM.RAW:
      if (r.param !== 0 || r.count !== 0) bad(r.param !== 0 ? 'param' : 'count', 'RAW takes no param or count')
      break
    case WIRE_TRANSFORM.SHUFFLE:
      if (r.param < 2 || r.param > MAX_STRIDE) bad('param', `SHUFFLE stride ${r.param} is outside 2 to ${MAX_STRIDE}`)
      // count: a mask of u32 columns (bit k: the u32 at 4k), all inside the record.
      if (r.count !== 0 && (r.param % 4 !== 0 || (r.param < 128 && r.count >>> (r.param / 4) !== 0))) {
        bad('count', `SHUFFLE column mask 0x${r.count.toString(16)} names u32 columns a ${r.param}-byte record does not have`)
      }
      break
    case WIRE_TRANSFORM.TABLE:
      if (r.param !== 0 || r.count !== 0) bad(r.param !== 0 ? 'param' : 'count', 'TABLE takes no param or count')
      if (r.size % TABLE_ENTRY_SIZE !== 0) bad('size', `TABLE range of ${r.size} bytes is not a whole number of ${TABLE_ENTRY_SIZE}-byte entries`)
      break
    case WIRE_TRANSFORM.STRINGS:
      if (r.param !== 0) bad('param', 'STRINGS takes no param')
      if (r.count > r.size / STRING_RECORD.size) bad('count', `${r.count} string records cannot fit in ${r.size} bytes`)
      break
    default:
      fail('UNSUPPORTED_VERSION', `wire file: range ${i}: unknown transform ${r.transform} (a newer wire version?)`, e + WIRE_RANGE.at.transform)
  }
}

// --- transforms (§18): encodeRange and decodeRange are inverses on every input of the range's size

function encodeRange(r: WireRange, src: Uint8Array): Uint8Array {
  switch (r.transform) {
    case WIRE_TRANSFORM.SHUFFLE: return shuffle(r.count === 0 ? src : columnsEncode(src, r.param, r.count), r.param)
    case WIRE_TRANSFORM.TABLE: return tableEncode(src)
    case WIRE_TRANSFORM.STRINGS: return stringsEncode(src, r.count)
    default: return src
  }
}

/** Decode range `r` from `src` (its wire bytes) into `out` at r.offset; `base` turns payload offsets into file offsets for errors. */
function decodeRange(r: WireRange, src: Uint8Array, out: Uint8Array, base: number): void {
  const dst = out.subarray(r.offset, r.offset + r.size)
  switch (r.transform) {
    case WIRE_TRANSFORM.SHUFFLE:
      unshuffleInto(src, r.param, dst)
      if (r.count !== 0) columnsDecodeInPlace(dst, r.param, r.count)
      break
    case WIRE_TRANSFORM.TABLE:
      dst.set(src)
      tableDecodeInPlace(dst)
      break
    case WIRE_TRANSFORM.STRINGS:
      stringsDecode(src, r.count, dst, base + r.offset)
      break
    default:
      dst.set(src)
  }
}

/** Byte planes: record i's byte k goes to k * n + i (n whole records); the tail stays. */
function shuffle(src: Uint8Array, stride: number): Uint8Array {
  const n = Math.floor(src.length / stride)
  const out = new Uint8Array(src.length)
  for (let k = 0; k < stride; k++) {
    const plane = k * n
    for (let i = 0, j = k; i < n; i++, j += stride) out[plane + i] = src[j]
  }
  out.set(src.subarray(n * stride), n * stride)
  return out
}

function unshuffleInto(src: Uint8Array, stride: number, dst: Uint8Array): void {
  const n = Math.floor(src.length / stride)
  for (let k = 0; k < stride; k++) {
    const plane = k * n
    for (let i = 0, j = k; i < n; i++, j += stride) dst[j] = src[plane + i]
  }
  dst.set(src.subarray(n * stride), n * stride)
}

/** Column k (u32 at 4k, bit k of `mask`) of each whole record minus that of the record before (mod 2^32). */
function columnsEncode(src: Uint8Array, stride: number, mask: number): Uint8Array {
  const out = src.slice()
  const sv = new Mem(src)
  const ov = new DataView(out.buffer)
  const n = Math.floor(src.length / stride)
  for (let k = 0; k < 32; k++) {
    if (((mask >>> k) & 1) === 0) continue
    for (let i = 1, at = stride + 4 * k; i < n; i++, at += stride) ov.setUint32(at, (sv.u32(at) - sv.u32(at - stride)) >>> 0, true)
  }
  return out
}

function columnsDecodeInPlace(buf: Uint8Array, stride: number, mask: number): void {
  const v = new DataView(buf.buffer, buf.byteOffset, buf.byteLength)
  const r = new Mem(buf)
  const n = Math.floor(buf.length / stride)
  for (let k = 0; k < 32; k++) {
    if (((mask >>> k) & 1) === 0) continue
    for (let i = 1, at = stride + 4 * k; i < n; i++, at += stride) v.setUint32(at, (r.u32(at) + r.u32(at - stride)) >>> 0, true)
  }
}

/**
 * STRT/CNST entries (§7): a data entry (even) becomes its difference from the
 * previous data entry (mod 2^32, still even); a redirect (odd) stays. A
 * bijection on u32 runs. (Redirects as distances, or a shuffle by 4 after,
 * compressed worse on the Pyodide stdlib: STRT 307 KB raw-redirect vs 517/428 KB.)
 */
function tableEncode(src: Uint8Array): Uint8Array {
  const out = new Uint8Array(src.length)
  const sv = new Mem(src)
  const ov = new DataView(out.buffer)
  let prev = 0
  for (let at = 0; at < src.length; at += 4) {
    const v = sv.u32(at)
    if (v & 1) {
      ov.setUint32(at, v, true)
    } else {
      ov.setUint32(at, (v - prev) >>> 0, true)
      prev = v
    }
  }
  return out
}

function tableDecodeInPlace(buf: Uint8Array): void {
  const v = new DataView(buf.buffer, buf.byteOffset, buf.byteLength)
  const r = new Mem(buf)
  let prev = 0
  for (let at = 0; at < buf.length; at += 4) {
    const x = r.u32(at)
    if ((x & 1) === 0) {
      prev = (prev + x) >>> 0
      v.setUint32(at, prev, true)
    }
  }
}

/** The text and padding after a string record header (§8), from its flags and length. */
function stringBody(flags: number, length: number): number {
  const size = STRING_RECORD.size + length * STRING_KIND_WIDTH[flags & 3]
  return Math.ceil(size / STRING_RECORD_ALIGN) * STRING_RECORD_ALIGN - STRING_RECORD.size
}

/** Records in an STRD section that is a whole run of string records, else undefined (then it goes RAW). */
function countStrings(strd: Uint8Array): number | undefined {
  const v = new Mem(strd)
  let n = 0
  for (let p = 0; p < strd.length; n++) {
    if (p + STRING_RECORD.size > strd.length) return undefined
    p += STRING_RECORD.size + stringBody(v.u32(p + STRING_RECORD.at.flags), v.u32(p + STRING_RECORD.at.length))
    if (p > strd.length) return undefined
  }
  return n
}

function stringsEncode(src: Uint8Array, count: number): Uint8Array {
  const heads = new Uint8Array(count * STRING_RECORD.size)
  const out = new Uint8Array(src.length)
  const v = new Mem(src)
  let q = heads.length
  for (let j = 0, p = 0; j < count; j++) {
    const body = stringBody(v.u32(p + STRING_RECORD.at.flags), v.u32(p + STRING_RECORD.at.length))
    heads.set(src.subarray(p, p + STRING_RECORD.size), j * STRING_RECORD.size)
    out.set(src.subarray(p + STRING_RECORD.size, p + STRING_RECORD.size + body), q)
    q += body
    p += STRING_RECORD.size + body
  }
  out.set(shuffle(heads, STRING_RECORD.size), 0)
  return out
}

function stringsDecode(src: Uint8Array, count: number, dst: Uint8Array, fileBase: number): void {
  const headBytes = count * STRING_RECORD.size
  const heads = new Uint8Array(headBytes)
  unshuffleInto(src.subarray(0, headBytes), STRING_RECORD.size, heads)
  const hv = new Mem(heads)
  let q = headBytes
  let p = 0
  for (let j = 0; j < count; j++) {
    const h = j * STRING_RECORD.size
    const body = stringBody(hv.u32(h + STRING_RECORD.at.flags), hv.u32(h + STRING_RECORD.at.length))
    if (body > src.length - q) fail('MALFORMED', `wire file: string record ${j} needs ${body} bytes of text, the range has ${src.length - q} left`, fileBase + q)
    dst.set(heads.subarray(h, h + STRING_RECORD.size), p)
    dst.set(src.subarray(q, q + body), p + STRING_RECORD.size)
    p += STRING_RECORD.size + body
    q += body
  }
  if (q !== src.length) fail('MALFORMED', `wire file: ${src.length - q} bytes after the last of ${count} string records`, fileBase + q)
}
