import { describe, expect, it } from 'vitest'
import { isPyBundleError } from '@pybundle/errors'
import { codePointsOf, decodeUtf8Surrogatepass, encodeUtf8Surrogatepass, pyStr, pyStrFromCodePoints } from '@pybundle/cpython'

const hex = (s: string) => Uint8Array.from(s.match(/../g)!.map((h) => parseInt(h, 16)))
const codeOf = (f: () => unknown) => {
  try {
    f()
  } catch (e) {
    if (isPyBundleError(e)) return `${e.code}@${e.offset}`
    throw e
  }
  return 'ok'
}

describe('surrogatepass UTF-8', () => {
  it('decodes ASCII and valid UTF-8 without code points', () => {
    expect(decodeUtf8Surrogatepass(hex('616263'))).toMatchObject({ text: 'abc', codePoints: undefined })
    const s = decodeUtf8Surrogatepass(hex('f09f9880c3a9'))
    expect(s.text).toBe('\u{1F600}\u00e9')
    expect(s.codePoints).toBeUndefined()
  })

  it('keeps two encoded surrogates as two code points', () => {
    const s = decodeUtf8Surrogatepass(hex('eda0bdedb880'))
    expect(Array.from(s.codePoints!)).toEqual([0xd83d, 0xde00])
    expect(Array.from(codePointsOf(decodeUtf8Surrogatepass(hex('f09f9880'))))).toEqual([0x1f600])
  })

  it('decodes a lone surrogate next to other text', () => {
    const s = decodeUtf8Surrogatepass(hex('41edb080c3a942'))
    expect(Array.from(s.codePoints!)).toEqual([0x41, 0xdc00, 0xe9, 0x42])
  })

  it.each([
    ['c0af', 0], // overlong '/'
    ['e080af', 0], // overlong 3-byte
    ['f08080af', 0], // overlong 4-byte
    ['f4908080', 0], // above U+10FFFF
    ['41ff', 1], // invalid start byte
    ['4180', 1], // lone continuation
    ['41e282', 1], // truncated sequence
    ['41e2e282ac', 1], // bad continuation
    ['eda0', 0], // truncated surrogate
  ])('rejects %s with BAD_UTF8 at its offset', (h, off) => {
    expect(codeOf(() => decodeUtf8Surrogatepass(hex(h)))).toBe(`BAD_UTF8@${off}`)
  })

  it('reports offsets relative to the whole buffer', () => {
    const buf = hex('0000000041ff')
    expect(codeOf(() => decodeUtf8Surrogatepass(buf, 4, 6))).toBe('BAD_UTF8@5')
  })

  it('encodes surrogates as 3-byte sequences and round-trips', () => {
    const lone = pyStrFromCodePoints([0xd83d, 0xde00])
    expect(Buffer.from(encodeUtf8Surrogatepass(lone)).toString('hex')).toBe('eda0bdedb880')
    expect(Buffer.from(encodeUtf8Surrogatepass(pyStr('\u{1F600}'))).toString('hex')).toBe('f09f9880')
    expect(Buffer.from(encodeUtf8Surrogatepass(pyStr('a\udc80b'))).toString('hex')).toBe('61edb28062')
    for (const cps of [[0], [0x7f, 0x80, 0x7ff, 0x800, 0xffff, 0x10000, 0x10ffff], [0xd800], [0xdfff, 0xd800]]) {
      const s = pyStrFromCodePoints(cps)
      expect(Array.from(codePointsOf(decodeUtf8Surrogatepass(encodeUtf8Surrogatepass(s))))).toEqual(cps)
    }
  })

  it('decodes long strings through both paths identically', () => {
    const text = 'héllo wörld \u{1F600} '.repeat(500)
    const bytes = new TextEncoder().encode(text)
    expect(decodeUtf8Surrogatepass(bytes).text).toBe(text)
    const withSurrogate = new Uint8Array([...bytes, 0xed, 0xa0, 0x80])
    const s = decodeUtf8Surrogatepass(withSurrogate)
    expect(s.codePoints!.length).toBe([...text].length + 1)
    expect(s.codePoints![s.codePoints!.length - 1]).toBe(0xd800)
  })
})
