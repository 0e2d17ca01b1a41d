/**
 * The wire form (SPEC §18): encodeWire then decodeWire gives back every real
 * bundle byte for byte (and the result opens and verifies); the wire form of
 * real code compresses smaller than the bundle; a wire file given as a bundle
 * is refused with a message naming decodeWire; and decodeWire on hostile input
 * (random, truncated, flipped, forged with repaired checksums) throws only
 * PyBundleError with an offset inside the input, and never returns more bytes
 * than it was given.
 */
import { brotliCompressSync, constants as zlib } from 'node:zlib'
import { beforeAll, describe, expect, it } from 'vitest'
import xxhash from 'xxhash-wasm'
import { PyBundleError } from '@pybundle/errors'
import { WIRE_HEADER, WIRE_MAGIC, WIRE_MAX_RANGES, WIRE_RANGE, WIRE_TRANSFORM } from '@pybundle/format-spec'
import { decodeWire, encodeWire, isWire, openBundleFromBuffer, readWireHeader } from '@pybundle/loader'
// @ts-expect-error plain ESM helpers shared with the fuzzers
import { buildSeeds, bundleOf, compileWith, interpreters } from '../fuzz/lib/seeds.mjs'
// @ts-expect-error plain ESM helpers shared with the fuzzers
import { Rng } from '../fuzz/lib/rng.mjs'

const xxh = await xxhash()
const pys: { minor: number; exe: string }[] = interpreters()
const main = pys.find((p) => p.minor === 11) ?? pys[pys.length - 1]
if (!main) console.log('wire: no python3 interpreter here; the real-bundle cases are skipped')

/** Enough of a real standard library that the transforms have something to work on. */
const MODULES = [
  'json', 'json.decoder', 'json.encoder', 'json.scanner', 'textwrap', 'colorsys', 'bisect', 'heapq', 'string', 'argparse',
  'email.message', 'email.parser', 'email.feedparser', 'email.utils', 'email._header_value_parser', 'calendar', 'datetime',
  'decimal', 'fractions', 'typing', 'dataclasses', 'enum', 'functools', 'collections', 'pathlib', 'tarfile', 'zipfile',
  'csv', 'difflib', 'pprint', 'inspect', 'ast', 'dis', 'tokenize', 'statistics', 'random', 'logging', 'logging.handlers',
]

let seeds: { name: string; bytes: Uint8Array }[] = []
let big: Uint8Array | undefined

beforeAll(async () => {
  if (!main) return
  seeds = await buildSeeds({ full: false })
  const bytes: Uint8Array = await bundleOf(main.minor, compileWith(main.exe, MODULES.map((name) => ({ name }))).modules)
  big = bytes
  seeds.push({ name: 'stdlib-38-modules', bytes })
}, 120_000)

const br = (u: Uint8Array) => brotliCompressSync(u, { params: { [zlib.BROTLI_PARAM_QUALITY]: 9, [zlib.BROTLI_PARAM_SIZE_HINT]: u.length } }).length

function sealHeader(w: Uint8Array): Uint8Array {
  const v = new DataView(w.buffer, w.byteOffset, w.byteLength)
  const size = Math.min(w.length, v.getUint32(WIRE_HEADER.at.header_size, true))
  v.setBigUint64(WIRE_HEADER.at.header_checksum, 0n, true)
  v.setBigUint64(WIRE_HEADER.at.header_checksum, xxh.h64Raw(w.subarray(0, size)), true)
  return w
}

/** decodeWire must return the original, or throw a PyBundleError whose offset is inside the input. */
function decodeOrError(w: Uint8Array): { bytes?: Uint8Array; error?: PyBundleError } {
  try {
    const bytes = decodeWire(w)
    expect(bytes.length).toBeLessThanOrEqual(w.length)
    return { bytes }
  } catch (e) {
    if (!(e instanceof PyBundleError)) throw new Error(`decodeWire threw ${String(e)} (not a PyBundleError)`)
    expect(typeof e.offset, `${e.code}: ${e.message}`).toBe('number')
    expect(e.offset!).toBeGreaterThanOrEqual(0)
    expect(e.offset!).toBeLessThanOrEqual(w.length)
    return { error: e }
  }
}

describe.skipIf(!main)('wire form round trip (SPEC §18)', () => {
  it('gives back every real seed bundle byte for byte; the result opens and verifies', () => {
    expect(seeds.length).toBeGreaterThan(4)
    for (const s of seeds) {
      const w = encodeWire(s.bytes)
      expect(isWire(w), s.name).toBe(true)
      expect(isWire(s.bytes), s.name).toBe(false)
      expect(w.length, s.name).toBe(readWireHeader(w).headerSize + s.bytes.length)
      const back = decodeWire(w)
      expect(Buffer.from(back).equals(Buffer.from(s.bytes)), s.name).toBe(true)
      const report = openBundleFromBuffer(back).verify()
      expect(report.problems, s.name).toEqual([])
      // deterministic
      expect(Buffer.from(encodeWire(s.bytes)).equals(Buffer.from(w)), s.name).toBe(true)
    }
  })

  it('uses its transforms on real code, and brotli makes the wire form smaller than the bundle', () => {
    const w = encodeWire(big!)
    const used = new Set(readWireHeader(w).ranges.map((r) => r.transform))
    expect([...used].sort()).toEqual(Object.values(WIRE_TRANSFORM).sort())
    const [a, b] = [br(big!), br(w)]
    console.log(`wire: ${MODULES.length} stdlib modules of 3.${main.minor}: bundle ${big!.length} B, brotli 9 ${a} B; wire brotli 9 ${b} B (${(100 * b / a).toFixed(1)}%)`)
    expect(b).toBeLessThan(a * 0.97)
  })

  it('a wire file opened as a bundle is refused, naming decodeWire and `pybundle wire`', () => {
    const w = encodeWire(seeds[0].bytes)
    let err: unknown
    try {
      openBundleFromBuffer(w)
    } catch (e) {
      err = e
    }
    expect(err).toBeInstanceOf(PyBundleError)
    expect((err as PyBundleError).code).toBe('BAD_MAGIC')
    expect((err as PyBundleError).message).toMatch(/decodeWire\(\)/)
    expect((err as PyBundleError).message).toMatch(/pybundle wire/)
  })

  it('refuses a bundle given to decodeWire (BAD_MAGIC at 0), and a prefix of the magic as TRUNCATED', () => {
    expect(() => decodeWire(seeds[0].bytes)).toThrow(expect.objectContaining({ code: 'BAD_MAGIC', offset: 0 }))
    expect(() => decodeWire(WIRE_MAGIC.subarray(0, 5))).toThrow(expect.objectContaining({ code: 'TRUNCATED', offset: 5 }))
    expect(() => decodeWire(WIRE_MAGIC)).toThrow(expect.objectContaining({ code: 'TRUNCATED' }))
  })
})

describe.skipIf(!main)('decodeWire on hostile input', () => {
  const field = (w: Uint8Array, at: number, bytes: 4 | 8, value: bigint) => {
    const v = new DataView(w.buffer, w.byteOffset, w.byteLength)
    if (bytes === 4) v.setUint32(at, Number(value), true)
    else v.setBigUint64(at, value, true)
  }

  it('forged header fields (checksum repaired) get the documented code at the field', () => {
    const good = encodeWire(big!)
    const n = readWireHeader(good).ranges.length
    const strings = readWireHeader(good).ranges.findIndex((r) => r.transform === WIRE_TRANSFORM.STRINGS)
    const columns = readWireHeader(good).ranges.findIndex((r) => r.transform === WIRE_TRANSFORM.SHUFFLE && r.count !== 0)
    expect(columns).toBeGreaterThanOrEqual(0)
    const r = (i: number, f: keyof typeof WIRE_RANGE.at) => WIRE_HEADER.size + i * WIRE_RANGE.size + WIRE_RANGE.at[f]
    const cases: [string, (w: Uint8Array) => void, string, number][] = [
      ['major', (w) => field(w, WIRE_HEADER.at.major, 4, 2n), 'UNSUPPORTED_VERSION', WIRE_HEADER.at.major],
      ['range count 0', (w) => field(w, WIRE_HEADER.at.range_count, 4, 0n), 'LIMIT_EXCEEDED', WIRE_HEADER.at.range_count],
      ['range count huge', (w) => field(w, WIRE_HEADER.at.range_count, 4, 0xffffffffn), 'LIMIT_EXCEEDED', WIRE_HEADER.at.range_count],
      ['range count too many', (w) => field(w, WIRE_HEADER.at.range_count, 4, BigInt(WIRE_MAX_RANGES + 1)), 'LIMIT_EXCEEDED', WIRE_HEADER.at.range_count],
      ['header size', (w) => field(w, WIRE_HEADER.at.header_size, 4, 64n), 'MALFORMED', WIRE_HEADER.at.header_size],
      ['bundle size 2^63', (w) => field(w, WIRE_HEADER.at.bundle_size, 8, 1n << 63n), 'TRUNCATED', good.length],
      ['bundle size small', (w) => field(w, WIRE_HEADER.at.bundle_size, 8, 100n), 'MALFORMED', WIRE_HEADER.size + n * WIRE_RANGE.size + 100],
      ['range gap', (w) => field(w, r(1, 'offset'), 8, 3n), 'MALFORMED', r(1, 'offset')],
      ['range past the end', (w) => field(w, r(0, 'size'), 8, 1n << 62n), 'OUT_OF_BOUNDS', r(0, 'size')],
      ['unknown transform', (w) => field(w, r(0, 'transform'), 4, 99n), 'UNSUPPORTED_VERSION', r(0, 'transform')],
      ['shuffle stride 1', (w) => { field(w, r(0, 'transform'), 4, 1n); field(w, r(0, 'param'), 4, 1n) }, 'MALFORMED', r(0, 'param')],
      ['strings count', (w) => field(w, r(strings, 'count'), 4, 0xffffffffn), 'MALFORMED', r(strings, 'count')],
      ['column mask past the record', (w) => field(w, r(columns, 'count'), 4, 1n << 24n), 'MALFORMED', r(columns, 'count')],
      ['reserved', (w) => field(w, WIRE_HEADER.at.reserved, 4, 1n), 'MALFORMED', WIRE_HEADER.at.reserved],
    ]
    for (const [name, forge, code, offset] of cases) {
      const w = good.slice()
      forge(w)
      sealHeader(w)
      const { error } = decodeOrError(w)
      expect({ name, code: error?.code, offset: error?.offset }).toEqual({ name, code, offset })
    }
    // Unsealed: the header checksum catches the change first.
    const w = good.slice()
    field(w, WIRE_HEADER.at.bundle_size, 8, 5n)
    expect(decodeOrError(w).error?.code).toBe('CHECKSUM_MISMATCH')
    // A flipped payload byte decodes to the right length and fails the bundle checksum.
    const p = good.slice()
    p[p.length - 7] ^= 0x10
    expect(decodeOrError(p).error).toMatchObject({ code: 'CHECKSUM_MISMATCH', offset: WIRE_HEADER.at.bundle_checksum })
  })

  it('random, truncated and flipped wire files: only PyBundleError, offsets inside the input, output never larger than input', () => {
    const rng = new Rng(0x5eed_0016)
    const goods = seeds.map((s) => encodeWire(s.bytes))
    const bundleOfWire = new Map(goods.map((g, i) => [g, seeds[i].bytes]))
    const codes = new Map<string, number>()
    let decoded = 0
    for (let c = 0; c < 1500; c++) {
      const good: Uint8Array = rng.pick(goods)
      let w: Uint8Array
      const kind = rng.int(5)
      if (kind === 0) {
        w = good.subarray(0, rng.int(good.length))
      } else if (kind === 1) {
        w = good.slice()
        for (let k = 0, m = 1 + rng.int(8); k < m; k++) w[rng.int(Math.min(w.length, readWireHeader(good).headerSize + 64))] ^= 1 << rng.int(8)
        if (rng.chance(0.7)) sealHeader(w)
      } else if (kind === 2) {
        w = new Uint8Array(64 + rng.int(4000))
        for (let i = 0; i < w.length; i++) w[i] = rng.int(256)
        w.set(WIRE_MAGIC)
        if (rng.chance(0.5)) new DataView(w.buffer).setUint16(WIRE_HEADER.at.major, 1, true)
        if (rng.chance(0.5)) sealHeader(w)
      } else if (kind === 3) {
        // every range field forged, header resealed, bundle checksum left: the payload checks or the checksum catch it
        w = good.slice()
        const i = rng.int(readWireHeader(good).ranges.length)
        const at = WIRE_HEADER.size + i * WIRE_RANGE.size + rng.pick([0, 8, 16, 20, 24, 28])
        new DataView(w.buffer).setUint32(at, rng.pick([0, 1, 2, 3, 4, 7, 8, 96, 0xffff, 0x10000, 0x10001, 0xffffffff, rng.int(1 << 30)]), true)
        sealHeader(w)
      } else {
        w = good.slice()
        w[rng.int(w.length)] ^= 1 << rng.int(8)
      }
      const { bytes, error } = decodeOrError(w)
      if (bytes) {
        decoded++
        // Whatever decodes is the original bundle: an unchanged wire file, or a change the checksum proves
        // harmless (a column-mask bit for a column that is zero in every record decodes to the same bytes).
        expect(Buffer.from(bytes).equals(Buffer.from(bundleOfWire.get(good)!))).toBe(true)
      } else {
        codes.set(error!.code, (codes.get(error!.code) ?? 0) + 1)
      }
    }
    console.log(`wire fuzz: 1500 cases, ${decoded} decoded to the original, errors ${JSON.stringify(Object.fromEntries(codes))}`)
    for (const code of ['TRUNCATED', 'CHECKSUM_MISMATCH', 'MALFORMED']) expect(codes.get(code) ?? 0, code).toBeGreaterThan(0)
  })
})
