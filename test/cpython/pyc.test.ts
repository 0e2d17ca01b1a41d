import { describe, expect, it } from 'vitest'
import { isPyBundleError } from '@pybundle/errors'
import {
  codeLayoutForPython, magicForPython, marshalVersionForPython, pythonForMagic, readPycHeader, writePycHeader,
} from '@pybundle/cpython'

const codeOf = (f: () => unknown) => {
  try {
    f()
  } catch (e) {
    if (isPyBundleError(e)) return e.code
    throw e
  }
  return 'ok'
}

describe('pyc header', () => {
  it('knows the final magic of every version, and the pre-release ranges', () => {
    expect([8, 9, 10, 11, 12, 13, 14].map(magicForPython)).toEqual([3413, 3425, 3439, 3495, 3531, 3571, 3627])
    expect(pythonForMagic(3495)).toEqual({ minor: 11, version: '3.11', final: true })
    expect(pythonForMagic(3450)).toMatchObject({ minor: 11, final: false })
    expect(pythonForMagic(3600)).toMatchObject({ minor: 14, final: false })
    expect(pythonForMagic(3440)).toBeUndefined() // between 3.10 and 3.11
    expect(pythonForMagic(3394)).toBeUndefined() // 3.7
    expect(codeOf(() => magicForPython(7))).toBe('UNSUPPORTED_VERSION')
  })

  it('maps versions to marshal versions and code layouts', () => {
    expect([8, 9, 10, 11, 12, 13, 14].map(marshalVersionForPython)).toEqual([4, 4, 4, 4, 4, 4, 5])
    expect([8, 9, 10, 11, 12, 13, 14].map(codeLayoutForPython)).toEqual(['3.8', '3.8', '3.10', '3.11', '3.11', '3.11', '3.11'])
  })

  it('round-trips timestamp and hash headers', () => {
    const t = writePycHeader({ magic: 3495, mtime: 2 ** 32 + 7, sourceSize: 123 })
    expect(Buffer.from(t).toString('hex')).toBe('a70d0d0a00000000070000007b000000')
    expect(readPycHeader(t)).toEqual({ magic: 3495, flags: 0, hashBased: false, mtime: 7, sourceSize: 123 })
    const hash = Uint8Array.from([1, 2, 3, 4, 5, 6, 7, 8])
    const h = readPycHeader(writePycHeader({ magic: 3571, hashBased: true, checkSource: true, sourceHash: hash }))
    expect(h).toMatchObject({ magic: 3571, flags: 3, hashBased: true, checkSource: true })
    expect(Array.from((h as { sourceHash: Uint8Array }).sourceHash)).toEqual(Array.from(hash))
  })

  it('validates like importlib', () => {
    const ok = writePycHeader({ magic: 3495 })
    expect(codeOf(() => readPycHeader(ok.subarray(0, 15)))).toBe('TRUNCATED')
    const badMagic = ok.slice()
    badMagic[3] = 0x0d
    expect(codeOf(() => readPycHeader(badMagic))).toBe('BAD_MAGIC')
    const flags4 = ok.slice()
    flags4[4] = 4
    expect(codeOf(() => readPycHeader(flags4))).toBe('MALFORMED')
    const flags2 = ok.slice()
    flags2[4] = 2 // check_source without hash: importlib reads a timestamp pyc
    expect(readPycHeader(flags2)).toMatchObject({ hashBased: false, flags: 2 })
  })
})
