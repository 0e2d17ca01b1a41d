/**
 * Malformed input: every truncation of real .pyc files and seeded random byte
 * flips. Only PyBundleError may escape, with a code from ERROR_CODES, and the
 * reader must keep working afterwards. Loops are bounded; a hang would show
 * as the test timeout.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { ERROR_CODES, isPyBundleError } from '@pybundle/errors'
import { codeLayoutForPython, firstDifference, readMarshal, readPyc, writeMarshal } from '@pybundle/cpython'
import { decodeRecords } from '../helpers/container.js'
import { findInterpreters, type Interpreter } from '../helpers/pythons.js'
import { runPython } from '../helpers/run-python.js'

const MODULES = ['this', 'colorsys', 'json.decoder', 'string']
const CODES = new Set(Object.keys(ERROR_CODES))

/** mulberry32: a tiny seeded PRNG so failures reproduce. */
function rng(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/**
 * 'ok' or the PyBundleError code; anything else is rethrown (a bug). What reads
 * must also write back (or fail with a PyBundleError, e.g. a cyclic value) and
 * read again to the same value.
 */
function outcome(bytes: Uint8Array): string {
  try {
    const { code, python } = readPyc(bytes)
    const layout = codeLayoutForPython(python.minor)
    const again = writeMarshal(code, { version: python.minor >= 14 ? 5 : 4, layout, maxBytes: 1 << 24 })
    const diff = firstDifference(code, readMarshal(again, { pythonMinor: python.minor }))
    if (diff !== undefined) throw new Error(`write/read changed the value: ${diff}`)
    return 'ok'
  } catch (e) {
    if (isPyBundleError(e) && CODES.has(e.code)) {
      if (e.offset !== undefined && (e.offset < 0 || e.offset > bytes.length)) throw new Error(`offset ${e.offset} outside input: ${e.message}`)
      return e.code
    }
    throw e
  }
}

const interps: Interpreter[] = (() => {
  const { found } = findInterpreters()
  // the oldest and the newest layouts are enough here; the round-trip tests cover the rest
  const pick = [found.find((f) => f.minor === 8), found.find((f) => f.minor === 11), found[found.length - 1]]
  return [...new Set(pick.filter((x): x is Interpreter => x !== undefined))]
})()

describe.each(interps.map((i) => [i.version, i] as const))('malformed .pyc input for %s', (_v, interp) => {
  let pycs: { name: string; ts: Uint8Array; hash: Uint8Array }[] = []

  beforeAll(async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pybundle-pycs-'))
    try {
      const file = path.join(dir, 'pycs.bin')
      await runPython(interp.executable, 'make_pycs.py', [file, ...MODULES])
      pycs = decodeRecords(fs.readFileSync(file)).map(([n, ts, hash]) => ({ name: new TextDecoder().decode(n), ts: new Uint8Array(ts), hash: new Uint8Array(hash) }))
    } finally {
      fs.rmSync(dir, { recursive: true, force: true })
    }
  })

  it('reads the real files', () => {
    for (const p of pycs) {
      expect(outcome(p.ts)).toBe('ok')
      expect(outcome(p.hash)).toBe('ok')
      expect(readPyc(p.ts).python.minor).toBe(interp.minor)
      expect(readPyc(p.hash).header.hashBased).toBe(true)
    }
  })

  it('fails every truncation with TRUNCATED', () => {
    const seen = new Map<string, number>()
    for (const p of pycs.slice(0, 3)) {
      for (let n = 0; n < p.ts.length; n++) {
        const code = outcome(p.ts.subarray(0, n))
        seen.set(code, (seen.get(code) ?? 0) + 1)
      }
    }
    expect([...seen.keys()]).toEqual(['TRUNCATED'])
  })

  it('survives seeded random byte flips with only PyBundleErrors', () => {
    const rand = rng(0x5eed + interp.minor)
    const counts = new Map<string, number>()
    for (const p of pycs) {
      const reference = readPyc(p.ts).code
      for (let iter = 0; iter < 1500; iter++) {
        const buf = new Uint8Array(p.ts) // a copy (Buffer.slice would be a view)
        const flips = 1 + Math.floor(rand() * 4)
        for (let k = 0; k < flips; k++) {
          // mostly in the marshal data, now and then in the header
          const at = rand() < 0.05 ? Math.floor(rand() * 16) : 16 + Math.floor(rand() * (buf.length - 16))
          buf[at] = rand() < 0.5 ? buf[at] ^ (1 << Math.floor(rand() * 8)) : Math.floor(rand() * 256)
        }
        const code = outcome(buf)
        counts.set(code, (counts.get(code) ?? 0) + 1)
      }
      // and the reader still reads the untouched file the same way
      expect(firstDifference(readPyc(p.ts).code, reference)).toBeUndefined()
    }
    // the flips must actually reach the error paths, not only the lucky ones
    expect(counts.size).toBeGreaterThan(3)
    console.log(`byte flips on ${interp.version}:`, Object.fromEntries([...counts].sort((a, b) => b[1] - a[1])))
  })

  it('survives random bytes after a valid header', () => {
    const rand = rng(42 + interp.minor)
    const header = pycs[0].ts.subarray(0, 16)
    for (let iter = 0; iter < 3000; iter++) {
      const len = Math.floor(rand() * 64)
      const buf = new Uint8Array(16 + len)
      buf.set(header)
      for (let i = 16; i < buf.length; i++) {
        // bias towards type codes so the parser gets past the first byte
        buf[i] = rand() < 0.5 ? '0NFTS.iIfgxylstr([{c<>:aAzZ)u'.charCodeAt(Math.floor(rand() * 29)) | (rand() < 0.3 ? 0x80 : 0) : Math.floor(rand() * 256)
      }
      outcome(buf)
    }
  })
})
