/**
 * §8 string records -> PyStr and -> marshal payloads, straight from PEP 393 data.
 * No UTF-8 decoding on the way in: ASCII and Latin-1 are built with
 * String.fromCharCode over chunks, UCS-2/UCS-4 from aligned typed-array views
 * when the absolute offset allows (Mem reads otherwise).
 *
 * Every function validates what it relies on and throws MALFORMED at the
 * absolute offset of the offending code unit.
 */
import { putUtf8CodePoint, type PyStr } from '@pybundle/cpython'
import { fail } from '@pybundle/errors'
import { STRING_KIND } from '@pybundle/format-spec'
import type { Mem } from './mem.js'

const CHUNK = 8192

/** Data of one string record, already bounds-checked: `abs` = absolute offset of the first code unit. */
export interface StrData {
  readonly u8: Uint8Array
  /** The reader of the bytes (unaligned UCS-2/UCS-4 code units are read through it). */
  readonly mem: Mem
  readonly abs: number
  readonly kind: number
  readonly length: number
  readonly interned: boolean
  readonly surrogates: boolean
}

/**
 * Scratch argument lists for String.fromCharCode.apply, one per length up to
 * SHORT: setting a shared array's length on every string is a runtime call.
 */
const SHORT = 32
const scratch: number[][] = []
for (let n = 0; n <= SHORT; n++) scratch.push(new Array<number>(n).fill(0))
const utf8 = new TextDecoder('utf-8')

/** n <= SHORT bytes at u8[start] as a string: one allocation (no concatenation steps). */
function short(u8: Uint8Array, start: number, n: number): string {
  switch (n) {
    case 0:
      return ''
    case 1:
      return String.fromCharCode(u8[start])
    case 2:
      return String.fromCharCode(u8[start], u8[start + 1])
    case 3:
      return String.fromCharCode(u8[start], u8[start + 1], u8[start + 2])
    case 4:
      return String.fromCharCode(u8[start], u8[start + 1], u8[start + 2], u8[start + 3])
    default: {
      const a = scratch[n]
      for (let i = 0; i < n; i++) a[i] = u8[start + i]
      return String.fromCharCode.apply(null, a)
    }
  }
}

/**
 * Text of n Latin-1 bytes at u8[start]. Short strings through one fromCharCode
 * call, longer ones by fromCharCode over chunks (never TextDecoder('latin1'),
 * which is windows-1252). ASCII records go through ascii(), which checks them.
 */
export function latin1(u8: Uint8Array, start: number, n: number): string {
  if (n <= SHORT) return short(u8, start, n)
  let s = ''
  for (let i = 0; i < n; i += CHUNK) {
    s += String.fromCharCode.apply(null, u8.subarray(start + i, start + Math.min(n, i + CHUNK)) as unknown as number[])
  }
  return s
}

/**
 * Text of an ASCII record's n bytes at u8[start]; MALFORMED at the first byte >= 0x80.
 * Longer strings through TextDecoder('utf-8'), identical to Latin-1 on ASCII and faster.
 */
export function ascii(u8: Uint8Array, start: number, n: number): string {
  let or = 0
  if (n > 4 && n <= SHORT) {
    // one pass: check while filling the argument list
    const a = scratch[n]
    for (let i = 0; i < n; i++) or |= a[i] = u8[start + i]
    if (or >= 0x80) failAscii(u8, firstNonAscii(u8, start, n))
    return String.fromCharCode.apply(null, a)
  }
  for (let i = start, e = start + n; i < e; i++) or |= u8[i]
  if (or >= 0x80) failAscii(u8, firstNonAscii(u8, start, n))
  return n <= SHORT ? short(u8, start, n) : utf8.decode(u8.subarray(start, start + n))
}

function checkAscii(d: StrData): void {
  const bad = firstNonAscii(d.u8, d.abs, d.length)
  if (bad >= 0) failAscii(d.u8, bad)
}

/** Offset of the first byte >= 0x80 in u8[start, start + n), or -1. */
export function firstNonAscii(u8: Uint8Array, start: number, n: number): number {
  for (let i = start, e = start + n; i < e; i++) if (u8[i] >= 0x80) return i
  return -1
}

function units16(d: StrData): Uint16Array {
  const absolute = d.u8.byteOffset + d.abs
  if (absolute % 2 === 0) return new Uint16Array(d.u8.buffer, absolute, d.length)
  const out = new Uint16Array(d.length)
  for (let i = 0; i < d.length; i++) out[i] = d.mem.u16(d.abs + 2 * i)
  return out
}

function units32(d: StrData): Uint32Array {
  const absolute = d.u8.byteOffset + d.abs
  if (absolute % 4 === 0) return new Uint32Array(d.u8.buffer, absolute, d.length)
  const out = new Uint32Array(d.length)
  for (let i = 0; i < d.length; i++) out[i] = d.mem.u32(d.abs + 4 * i)
  return out
}

export function failAscii(u8: Uint8Array, at: number): never {
  return fail('MALFORMED', `byte 0x${u8[at].toString(16)} in an ASCII string record`, at)
}

function checkSurrogates(d: StrData, found: boolean, at: number): void {
  if (found !== d.surrogates) {
    fail('MALFORMED', found ? 'surrogate code point in a string record without the surrogate flag' : 'surrogate flag on a string record without surrogates', at)
  }
}

/** The PyStr of a record. */
export function decodeStr(d: StrData): PyStr {
  const { kind, length: n, interned } = d
  switch (kind) {
    case STRING_KIND.ASCII: {
      const text = ascii(d.u8, d.abs, n)
      if (d.surrogates) checkSurrogates(d, false, d.abs)
      return { kind: 'str', text, codePoints: undefined, interned }
    }
    case STRING_KIND.LATIN1:
      if (d.surrogates) checkSurrogates(d, false, d.abs)
      return { kind: 'str', text: latin1(d.u8, d.abs, n), codePoints: undefined, interned }
    case STRING_KIND.UCS2: {
      const u = units16(d)
      let sur = -1
      for (let i = 0; i < n; i++) {
        const c = u[i]
        if (c >= 0xd800 && c <= 0xdfff) {
          sur = i
          break
        }
      }
      checkSurrogates(d, sur >= 0, d.abs + 2 * Math.max(0, sur))
      let text = ''
      for (let i = 0; i < n; i += CHUNK) {
        text += String.fromCharCode.apply(null, u.subarray(i, Math.min(n, i + CHUNK)) as unknown as number[])
      }
      return { kind: 'str', text, codePoints: sur >= 0 ? Uint32Array.from(u) : undefined, interned }
    }
    default: {
      const u = units32(d)
      let sur = -1
      const parts: string[] = []
      const buf = new Uint16Array(Math.min(n, CHUNK) * 2)
      let k = 0
      for (let i = 0; i < n; i++) {
        const c = u[i]
        if (c > 0x10ffff) fail('MALFORMED', `code point 0x${c.toString(16)} beyond U+10FFFF`, d.abs + 4 * i)
        if (c >= 0xd800 && c <= 0xdfff && sur < 0) sur = i
        if (c > 0xffff) {
          const v = c - 0x10000
          buf[k++] = 0xd800 + (v >> 10)
          buf[k++] = 0xdc00 + (v & 0x3ff)
        } else {
          buf[k++] = c
        }
        if (k >= buf.length - 1) {
          parts.push(String.fromCharCode.apply(null, buf.subarray(0, k) as unknown as number[]))
          k = 0
        }
      }
      if (k > 0) parts.push(String.fromCharCode.apply(null, buf.subarray(0, k) as unknown as number[]))
      checkSurrogates(d, sur >= 0, d.abs + 4 * Math.max(0, sur))
      return { kind: 'str', text: parts.join(''), codePoints: sur >= 0 ? Uint32Array.from(u) : undefined, interned }
    }
  }
}

/**
 * The marshal payload of a record: for ASCII the bytes themselves (a view into the
 * mapping), otherwise UTF-8 with surrogatepass (each code point encoded on its own,
 * so lone surrogates take 3 bytes, as CPython writes them).
 */
export function strPayload(d: StrData): Uint8Array {
  const { kind, length: n } = d
  if (kind === STRING_KIND.ASCII) {
    checkAscii(d)
    return d.u8.subarray(d.abs, d.abs + n)
  }
  if (kind === STRING_KIND.LATIN1) {
    let extra = 0
    for (let i = 0; i < n; i++) if (d.u8[d.abs + i] >= 0x80) extra++
    const out = new Uint8Array(n + extra)
    let p = 0
    for (let i = 0; i < n; i++) {
      const c = d.u8[d.abs + i]
      if (c < 0x80) out[p++] = c
      else {
        out[p++] = 0xc0 | (c >> 6)
        out[p++] = 0x80 | (c & 0x3f)
      }
    }
    return out
  }
  const u: Uint16Array | Uint32Array = kind === STRING_KIND.UCS2 ? units16(d) : units32(d)
  let len = 0
  for (let i = 0; i < n; i++) {
    const c = u[i]
    if (c < 0x80) len += 1
    else if (c < 0x800) len += 2
    else if (c < 0x10000) len += 3
    else if (c <= 0x10ffff) len += 4
    else fail('MALFORMED', `code point 0x${c.toString(16)} beyond U+10FFFF`, d.abs + 4 * i)
  }
  const out = new Uint8Array(len)
  let p = 0
  for (let i = 0; i < n; i++) p = putUtf8CodePoint(u[i], out, p)
  return out
}

/**
 * Verifier check: the record uses the narrowest kind (§8) and its surrogate flag
 * is right. Returns a message, or undefined when fine.
 */
export function checkNarrowest(d: StrData): string | undefined {
  const { kind, length: n } = d
  if (kind === STRING_KIND.ASCII) return undefined
  if (kind === STRING_KIND.LATIN1) {
    for (let i = 0; i < n; i++) if (d.u8[d.abs + i] >= 0x80) return undefined
    return 'Latin-1 string record holds only ASCII (not the narrowest kind)'
  }
  const u: Uint16Array | Uint32Array = kind === STRING_KIND.UCS2 ? units16(d) : units32(d)
  const floor = kind === STRING_KIND.UCS2 ? 0xff : 0xffff
  for (let i = 0; i < n; i++) if (u[i] > floor) return undefined
  return `${kind === STRING_KIND.UCS2 ? 'UCS-2' : 'UCS-4'} string record fits a narrower kind`
}

const utf8Fatal = new TextDecoder('utf-8', { fatal: true })

/** A module name or path (UTF-8 bytes from BLOB): MALFORMED at `field` when it is not UTF-8. */
export function decodeName(bytes: Uint8Array, field: number): string {
  let ascii = true
  for (let i = 0; i < bytes.length; i++) {
    if (bytes[i] >= 0x80) {
      ascii = false
      break
    }
  }
  if (ascii) {
    let s = ''
    for (let i = 0; i < bytes.length; i++) s += String.fromCharCode(bytes[i])
    return s
  }
  try {
    return utf8Fatal.decode(bytes)
  } catch {
    return fail('MALFORMED', 'a name or path that is not UTF-8', field)
  }
}
