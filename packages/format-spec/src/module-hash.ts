/**
 * The MIDX hash (§4): FNV-1a 32-bit over the UTF-8 bytes of a dotted module name.
 *
 * Why not xxh64 here: names are short (median about 15 bytes), and a lookup from
 * JS would pay a string-to-bytes copy plus a call into WebAssembly for xxhash-wasm;
 * FNV-1a runs inline over char codes for ASCII names. xxh64 is used for section
 * checksums, where inputs are large. benchmarks/ measures both on the stdlib names.
 */
import { FNV32_OFFSET, FNV32_PRIME } from './layout.js'

export function fnv1a32(bytes: Uint8Array, start = 0, end = bytes.length): number {
  let h = FNV32_OFFSET
  for (let i = start; i < end; i++) {
    h ^= bytes[i]
    h = Math.imul(h, FNV32_PRIME)
  }
  return h >>> 0
}

const encoder = new TextEncoder()

/** FNV-1a 32 of the UTF-8 encoding of `name`, without encoding when the name is ASCII. */
export function moduleNameHash(name: string): number {
  let h = FNV32_OFFSET
  for (let i = 0; i < name.length; i++) {
    const c = name.charCodeAt(i)
    if (c >= 0x80) return fnv1a32(encoder.encode(name))
    h ^= c
    h = Math.imul(h, FNV32_PRIME)
  }
  return h >>> 0
}
