/**
 * UTF-8 with CPython's "surrogatepass" error handler, both directions.
 *
 * marshal stores every non-ASCII str as `str.encode('utf-8', 'surrogatepass')`
 * and reads it back with `PyUnicode_DecodeUTF8(..., "surrogatepass")`. That is
 * strict UTF-8 (no overlong forms, nothing above U+10FFFF, no truncated
 * sequences) except that a 3-byte sequence ED A0..BF 80..BF, which strict
 * UTF-8 rejects, decodes to the lone surrogate U+D800..U+DFFF it spells. Two such
 * sequences in a row stay two code points: '\ud83d\ude00' is not '\U0001F600'.
 */
import { fail } from '@pybundle/errors'
import type { PyStr } from './value.js'

// fatal: an encoded surrogate throws, and only then do we run the manual decoder.
const strictDecoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true })

/**
 * Up to this length a plain loop beats String.fromCharCode.apply on a subarray
 * and TextDecoder (call overheads). A cache of short strings across reads was
 * tried and measured slower on the 3.11 stdlib: hashing and verifying cost more
 * than building the string.
 */
const SHORT = 32

/**
 * Bytes 0..0xFF as the code points of the same value (ISO-8859-1). Used for
 * marshal's 'a'/'A'/'z'/'Z' payloads, which CPython reads with
 * PyUnicode_FromKindAndData(1BYTE_KIND) and so never validates as ASCII.
 */
export function decodeLatin1(bytes: Uint8Array, start: number, end: number): string {
  const n = end - start
  if (n === 0) return ''
  if (n <= SHORT) {
    let s = ''
    for (let i = start; i < end; i++) s += String.fromCharCode(bytes[i])
    return s
  }
  let s = ''
  const CHUNK = 8192
  for (let i = start; i < end; i += CHUNK) {
    // apply on a subarray: no copy, and the chunk bounds the argument count
    s += String.fromCharCode.apply(null, bytes.subarray(i, Math.min(end, i + CHUNK)) as unknown as number[])
  }
  return s
}

function isAscii(bytes: Uint8Array, start: number, end: number): boolean {
  for (let i = start; i < end; i++) if (bytes[i] >= 0x80) return false
  return true
}

/**
 * Decode `bytes[start:end]` as UTF-8 with surrogatepass. `baseOffset` is added
 * to error offsets so they point into the caller's buffer.
 * Throws PyBundleError BAD_UTF8 at the first byte of an invalid sequence.
 */
export function decodeUtf8Surrogatepass(
  bytes: Uint8Array,
  start = 0,
  end = bytes.length,
  interned = false,
  baseOffset = 0,
): PyStr {
  if (isAscii(bytes, start, end)) {
    return { kind: 'str', text: decodeLatin1(bytes, start, end), codePoints: undefined, interned }
  }
  try {
    const text = strictDecoder.decode(bytes.subarray(start, end))
    return { kind: 'str', text, codePoints: undefined, interned }
  } catch {
    return decodeManual(bytes, start, end, interned, baseOffset)
  }
}

/** The slow path: CPython's decoder rules by hand, collecting code points. */
function decodeManual(bytes: Uint8Array, start: number, end: number, interned: boolean, baseOffset: number): PyStr {
  const cps = new Uint32Array(end - start) // never more code points than bytes
  let n = 0
  let surrogate = false
  let i = start
  while (i < end) {
    const b0 = bytes[i]
    if (b0 < 0x80) {
      cps[n++] = b0
      i++
      continue
    }
    let need: number
    let cp: number
    let lo = 0x80
    let hi = 0xbf
    if (b0 >= 0xc2 && b0 <= 0xdf) {
      need = 1
      cp = b0 & 0x1f
    } else if (b0 >= 0xe0 && b0 <= 0xef) {
      need = 2
      cp = b0 & 0x0f
      if (b0 === 0xe0) lo = 0xa0 // no overlong 3-byte forms; ED A0..BF is allowed (surrogatepass)
    } else if (b0 >= 0xf0 && b0 <= 0xf4) {
      need = 3
      cp = b0 & 0x07
      if (b0 === 0xf0) lo = 0x90 // no overlong 4-byte forms
      else if (b0 === 0xf4) hi = 0x8f // nothing above U+10FFFF
    } else {
      return fail('BAD_UTF8', `invalid start byte 0x${b0.toString(16)} in str payload`, baseOffset + i)
    }
    for (let k = 1; k <= need; k++) {
      if (i + k >= end) return fail('BAD_UTF8', 'str payload ends inside a UTF-8 sequence', baseOffset + i)
      const b = bytes[i + k]
      if (k === 1 ? b < lo || b > hi : b < 0x80 || b > 0xbf) {
        return fail('BAD_UTF8', `invalid continuation byte 0x${b.toString(16)} in str payload`, baseOffset + i)
      }
      cp = (cp << 6) | (b & 0x3f)
    }
    if (cp >= 0xd800 && cp <= 0xdfff) surrogate = true
    cps[n++] = cp
    i += need + 1
  }
  const points = cps.slice(0, n)
  const text = codePointsToJs(points)
  return { kind: 'str', text, codePoints: surrogate ? points : undefined, interned }
}

function codePointsToJs(cps: Uint32Array): string {
  let s = ''
  const CHUNK = 4096
  for (let i = 0; i < cps.length; i += CHUNK) {
    const units: number[] = []
    const end = Math.min(cps.length, i + CHUNK)
    for (let j = i; j < end; j++) {
      const cp = cps[j]
      if (cp > 0xffff) {
        const v = cp - 0x10000
        units.push(0xd800 + (v >> 10), 0xdc00 + (v & 0x3ff))
      } else units.push(cp)
    }
    s += String.fromCharCode.apply(null, units)
  }
  return s
}

/** Is every code point of this str below 0x80 (marshal's 'a'/'z' condition)? */
export function strIsAscii(s: PyStr): boolean {
  if (s.codePoints) return false // a surrogate is present, so not ASCII
  const t = s.text
  for (let i = 0; i < t.length; i++) if (t.charCodeAt(i) >= 0x80) return false
  return true
}

/** Upper bound of the surrogatepass UTF-8 size of a str (3 bytes per UTF-16 unit). */
export function utf8MaxLength(s: PyStr): number {
  return s.codePoints ? s.codePoints.length * 4 : s.text.length * 3
}

/**
 * Encode a str as UTF-8 with surrogatepass into `out` at `pos`; returns the new
 * position. `out` must have utf8MaxLength(s) bytes free.
 */
export function encodeUtf8SurrogatepassInto(s: PyStr, out: Uint8Array, pos: number): number {
  if (s.codePoints) {
    const cps = s.codePoints
    for (let i = 0; i < cps.length; i++) {
      const cp = cps[i]
      if (cp > 0x10ffff) fail('UNSUPPORTED_VALUE', `code point 0x${cp.toString(16)} is above U+10FFFF`)
      pos = putCodePoint(cp, out, pos)
    }
    return pos
  }
  // No surrogate code points: each surrogate pair in text is one astral code
  // point. (A lone surrogate unit here would be a hand-built PyStr that broke the
  // codePoints rule; it is encoded as the surrogate code point, as pyStr() would.)
  const t = s.text
  for (let i = 0; i < t.length; i++) {
    let c = t.charCodeAt(i)
    if (c < 0x80) {
      out[pos++] = c
      continue
    }
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < t.length) {
      const d = t.charCodeAt(i + 1)
      if (d >= 0xdc00 && d <= 0xdfff) {
        c = 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00)
        i++
      }
    }
    pos = putCodePoint(c, out, pos)
  }
  return pos
}

/** Write code point cp (surrogates included, as surrogatepass) as UTF-8 at out[pos]; returns the position after it. */
export function putCodePoint(cp: number, out: Uint8Array, pos: number): number {
  if (cp < 0x80) {
    out[pos++] = cp
  } else if (cp < 0x800) {
    out[pos++] = 0xc0 | (cp >> 6)
    out[pos++] = 0x80 | (cp & 0x3f)
  } else if (cp < 0x10000) {
    out[pos++] = 0xe0 | (cp >> 12)
    out[pos++] = 0x80 | ((cp >> 6) & 0x3f)
    out[pos++] = 0x80 | (cp & 0x3f)
  } else {
    out[pos++] = 0xf0 | (cp >> 18)
    out[pos++] = 0x80 | ((cp >> 12) & 0x3f)
    out[pos++] = 0x80 | ((cp >> 6) & 0x3f)
    out[pos++] = 0x80 | (cp & 0x3f)
  }
  return pos
}

/** A str as surrogatepass UTF-8 bytes (a fresh array). */
export function encodeUtf8Surrogatepass(s: PyStr): Uint8Array {
  const buf = new Uint8Array(utf8MaxLength(s))
  const n = encodeUtf8SurrogatepassInto(s, buf, 0)
  return buf.slice(0, n)
}
