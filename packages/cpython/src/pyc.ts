/**
 * The .pyc header (PEP 552) and the magic-number -> Python version table.
 *
 * 16 bytes, little-endian: magic u16 + b'\r\n'; flags u32; then either the
 * source mtime u32 + source size u32 (timestamp pyc, flags bit0 clear) or an
 * 8-byte source hash (hash pyc, bit0 set; bit1 = check_source). CPython's
 * importlib (`_classify_pyc`) rejects any other flag bit; flags == 2 (check_source
 * without hash) is accepted and read as a timestamp pyc, so we do the same.
 */
import { fail } from '@pybundle/errors'
import type { CodeLayout } from './value.js'

export const PYC_HEADER_SIZE = 16

/** Python 3 minor versions this package handles. */
export const SUPPORTED_MINORS = [8, 9, 10, 11, 12, 13, 14] as const
export type PythonMinor = (typeof SUPPORTED_MINORS)[number]

interface MagicRange {
  readonly minor: PythonMinor
  /** First pre-release magic of the version (its a1/a0), from _bootstrap_external.py's history. */
  readonly first: number
  /** The magic of the final release. */
  readonly final: number
}

/**
 * Lib/importlib/_bootstrap_external.py (3.8-3.13) and
 * Include/internal/pycore_magic_number.h (3.14) list every magic a version used
 * during its development; the last one is the release's.
 */
const MAGIC_RANGES: readonly MagicRange[] = [
  { minor: 8, first: 3400, final: 3413 },
  { minor: 9, first: 3420, final: 3425 },
  { minor: 10, first: 3430, final: 3439 },
  { minor: 11, first: 3450, final: 3495 },
  { minor: 12, first: 3500, final: 3531 },
  { minor: 13, first: 3550, final: 3571 },
  { minor: 14, first: 3600, final: 3627 },
]

export interface MagicInfo {
  readonly minor: PythonMinor
  /** "3.11" */
  readonly version: string
  /** True for the release's own magic, false for a pre-release magic. */
  readonly final: boolean
}

/** The Python version that wrote this magic number, or undefined if none of 3.8..3.14. */
export function pythonForMagic(magic: number): MagicInfo | undefined {
  for (const r of MAGIC_RANGES) {
    if (magic >= r.first && magic <= r.final) return { minor: r.minor, version: `3.${r.minor}`, final: magic === r.final }
  }
  return undefined
}

function checkMinor(minor: number): PythonMinor {
  if (!(SUPPORTED_MINORS as readonly number[]).includes(minor)) {
    fail('UNSUPPORTED_VERSION', `Python 3.${minor} is not supported (3.8 to 3.14 are)`, undefined, { minor })
  }
  return minor as PythonMinor
}

/** The final release magic number of Python 3.<minor>. */
export function magicForPython(minor: number): number {
  const m = checkMinor(minor)
  return MAGIC_RANGES.find((r) => r.minor === m)!.final
}

/** marshal.version of Python 3.<minor>: 4 for 3.8-3.13, 5 from 3.14 (slices). */
export function marshalVersionForPython(minor: number): 4 | 5 {
  return checkMinor(minor) >= 14 ? 5 : 4
}

/** The code-object layout of Python 3.<minor>. */
export function codeLayoutForPython(minor: number): CodeLayout {
  const m = checkMinor(minor)
  if (m <= 9) return '3.8'
  if (m === 10) return '3.10'
  return '3.11'
}

export interface TimestampPycHeader {
  readonly magic: number
  readonly flags: 0 | 2
  readonly hashBased: false
  /** Source mtime in seconds, masked to 32 bits. */
  readonly mtime: number
  /** Source size in bytes, masked to 32 bits. */
  readonly sourceSize: number
}

export interface HashPycHeader {
  readonly magic: number
  readonly flags: 1 | 3
  readonly hashBased: true
  readonly checkSource: boolean
  /** The 8-byte SipHash of the source (a view into the input when read). */
  readonly sourceHash: Uint8Array
}

export type PycHeader = TimestampPycHeader | HashPycHeader

/**
 * Read and validate the 16-byte header. Throws TRUNCATED (short input),
 * BAD_MAGIC (no \r\n after the magic), MALFORMED (flag bits other than 0-1).
 * The magic is not required to be known here: see pythonForMagic.
 */
export function readPycHeader(bytes: Uint8Array): PycHeader {
  if (bytes.length < PYC_HEADER_SIZE) fail('TRUNCATED', `a .pyc header is 16 bytes, got ${bytes.length}`, bytes.length)
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  const magic = dv.getUint16(0, true)
  if (bytes[2] !== 0x0d || bytes[3] !== 0x0a) fail('BAD_MAGIC', 'not a .pyc file (magic is not followed by \\r\\n)', 2)
  const flags = dv.getUint32(4, true)
  if ((flags & ~0b11) !== 0) fail('MALFORMED', `invalid .pyc flags 0x${flags.toString(16)}`, 4, { flags })
  if (flags & 1) {
    return { magic, flags: flags as 1 | 3, hashBased: true, checkSource: (flags & 2) !== 0, sourceHash: bytes.subarray(8, 16) }
  }
  return { magic, flags: flags as 0 | 2, hashBased: false, mtime: dv.getUint32(8, true), sourceSize: dv.getUint32(12, true) }
}

export type PycHeaderInit =
  | { magic: number; hashBased?: false; mtime?: number; sourceSize?: number }
  | { magic: number; hashBased: true; checkSource?: boolean; sourceHash: Uint8Array }

/** Write a 16-byte header into `out` at `pos` (default: a new array). */
export function writePycHeader(h: PycHeaderInit, out = new Uint8Array(PYC_HEADER_SIZE), pos = 0): Uint8Array {
  if (!Number.isInteger(h.magic) || h.magic < 0 || h.magic > 0xffff) {
    fail('UNSUPPORTED_VALUE', `magic ${h.magic} is not a u16`)
  }
  const dv = new DataView(out.buffer, out.byteOffset, out.byteLength)
  dv.setUint16(pos, h.magic, true)
  out[pos + 2] = 0x0d
  out[pos + 3] = 0x0a
  if (h.hashBased) {
    if (h.sourceHash.length !== 8) fail('UNSUPPORTED_VALUE', `a source hash is 8 bytes, got ${h.sourceHash.length}`)
    dv.setUint32(pos + 4, h.checkSource ? 3 : 1, true)
    out.set(h.sourceHash, pos + 8)
  } else {
    dv.setUint32(pos + 4, 0, true)
    dv.setUint32(pos + 8, u32Masked(h.mtime ?? 0, 'mtime'), true)
    dv.setUint32(pos + 12, u32Masked(h.sourceSize ?? 0, 'sourceSize'), true)
  }
  return out
}

/** importlib masks mtime and size to 32 bits (`_pack_uint32(x & 0xFFFFFFFF)`). */
function u32Masked(x: number, what: string): number {
  if (!Number.isFinite(x)) fail('UNSUPPORTED_VALUE', `${what} ${x} is not a finite number`)
  return Number(BigInt.asUintN(32, BigInt(Math.trunc(x))))
}
