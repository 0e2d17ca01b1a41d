/**
 * Python strings as code points. See PyStr in value.ts for why a JS string
 * alone is not enough.
 */
import type { PyStr } from './value.js'

function isSurrogate(cp: number): boolean {
  return cp >= 0xd800 && cp <= 0xdfff
}

/** Does this JS string hold a lone (unpaired) surrogate code unit? */
export function hasLoneSurrogate(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (c < 0xd800 || c > 0xdfff) continue
    if (c <= 0xdbff && i + 1 < text.length) {
      const d = text.charCodeAt(i + 1)
      if (d >= 0xdc00 && d <= 0xdfff) {
        i++
        continue
      }
    }
    return true
  }
  return false
}

/**
 * A Python str from a JS string, reading the JS string as code points: a valid
 * surrogate pair is one astral code point, an unpaired surrogate unit is a
 * surrogate code point. (So a Python string with a lone high surrogate directly
 * followed by a lone low one cannot be made from a JS string: use
 * pyStrFromCodePoints.)
 */
export function pyStr(text: string, interned = false): PyStr {
  if (!hasLoneSurrogate(text)) return { kind: 'str', text, codePoints: undefined, interned }
  const cps: number[] = []
  for (const ch of text) cps.push(ch.codePointAt(0)!)
  return { kind: 'str', text, codePoints: Uint32Array.from(cps), interned }
}

/** A Python str from code points (each 0..0x10FFFF). */
export function pyStrFromCodePoints(cps: ArrayLike<number>, interned = false): PyStr {
  let surrogates = false
  for (let i = 0; i < cps.length; i++) {
    if (isSurrogate(cps[i])) {
      surrogates = true
      break
    }
  }
  const text = codePointsToText(cps)
  return { kind: 'str', text, codePoints: surrogates ? Uint32Array.from(cps) : undefined, interned }
}

function codePointsToText(cps: ArrayLike<number>): string {
  let out = ''
  const CHUNK = 4096
  for (let i = 0; i < cps.length; i += CHUNK) {
    const end = Math.min(cps.length, i + CHUNK)
    const units: number[] = []
    for (let j = i; j < end; j++) {
      const cp = cps[j]
      if (cp > 0xffff) {
        const v = cp - 0x10000
        units.push(0xd800 + (v >> 10), 0xdc00 + (v & 0x3ff))
      } else {
        units.push(cp)
      }
    }
    out += String.fromCharCode(...units)
  }
  return out
}

/** The code points of a Python str. */
export function codePointsOf(s: PyStr): Uint32Array {
  if (s.codePoints) return s.codePoints
  const out = new Uint32Array(s.text.length)
  let n = 0
  for (let i = 0; i < s.text.length; i++) {
    const c = s.text.charCodeAt(i)
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.text.length) {
      const d = s.text.charCodeAt(i + 1)
      if (d >= 0xdc00 && d <= 0xdfff) {
        out[n++] = 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00)
        i++
        continue
      }
    }
    out[n++] = c
  }
  return n === out.length ? out : out.slice(0, n)
}

/** Number of code points (Python's len()). */
export function strLength(s: PyStr): number {
  if (s.codePoints) return s.codePoints.length
  let n = 0
  for (let i = 0; i < s.text.length; i++) {
    const c = s.text.charCodeAt(i)
    if (c >= 0xd800 && c <= 0xdbff) i++ // no lone surrogates here: a high unit always starts a pair
    n++
  }
  return n
}

/**
 * A JS string that is equal for two PyStr exactly when the Python strings are
 * equal (interned flag ignored). Use as a Map key for deduplication.
 */
export function strKey(s: PyStr): string {
  if (!s.codePoints) return 'T' + s.text
  return 'C' + Array.from(s.codePoints, (c) => c.toString(16)).join(',')
}

/** Python string equality (code points; the interned flag is not part of a str's value). */
export function strEquals(a: PyStr, b: PyStr): boolean {
  if (!a.codePoints && !b.codePoints) return a.text === b.text
  return strKey(a) === strKey(b)
}

/** Python's repr-ish rendering for messages and inspect output. */
export function strDisplay(s: PyStr): string {
  if (!s.codePoints) return s.text
  return Array.from(s.codePoints, (c) => (isSurrogate(c) ? `\\u${c.toString(16)}` : String.fromCodePoint(c))).join('')
}
