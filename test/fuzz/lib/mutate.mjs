// @ts-check
/**
 * Mutations of a good bundle. Each returns a new buffer and a description that,
 * with (seed, case), is enough to replay the case. Some cases are "repaired":
 * after the mutation every section checksum and the header checksum are
 * recomputed, so the forged bytes get past the checksums and reach the
 * structural checks (those files may be valid bundles with other contents, so
 * they do not count toward the verify detection rate).
 */
import { HEADER, SECTION_ENTRY, TABLE_ENTRY_SIZE } from '@pybundle/format-spec'
import xxhash from 'xxhash-wasm'
import { regionOf } from './layout-map.mjs'

/** @typedef {import('./layout-map.mjs').LayoutMap} LayoutMap */
/** @typedef {import('./layout-map.mjs').Field} Field */
/** @typedef {import('./rng.mjs').Rng} Rng */
/** @typedef {{bytes: Uint8Array, desc: string, kind: string, repaired: boolean}} Mutant */

/** @type {import('xxhash-wasm').XXHashAPI | undefined} */
let xxh
export async function initMutators() {
  xxh ??= await xxhash()
}

const SPECIAL_BYTES = [0x00, 0xff, 0x7f, 0x80]

/** @param {Uint8Array} b */
function dvOf(b) {
  return new DataView(b.buffer, b.byteOffset, b.byteLength)
}

/** @param {Uint8Array} b @param {number} at @param {number} size @returns {bigint} */
function readField(b, at, size) {
  const dv = dvOf(b)
  if (size === 1) return BigInt(dv.getUint8(at))
  if (size === 2) return BigInt(dv.getUint16(at, true))
  if (size === 4) return BigInt(dv.getUint32(at, true))
  return dv.getBigUint64(at, true)
}

/** @param {Uint8Array} b @param {number} at @param {number} size @param {bigint} v */
function writeField(b, at, size, v) {
  const dv = dvOf(b)
  const bits = BigInt(size * 8)
  v = BigInt.asUintN(Number(bits), v)
  if (size === 1) dv.setUint8(at, Number(v))
  else if (size === 2) dv.setUint16(at, Number(v), true)
  else if (size === 4) dv.setUint32(at, Number(v), true)
  else if (size === 8) dv.setBigUint64(at, v, true)
  else for (let i = 0; i < size; i++) b[at + i] = Number((v >> BigInt(8 * i)) & 0xffn)
}

/**
 * Values a forger would try for a field: boundaries of the type, the file, the
 * original value nudged, and other positions in the file.
 * @param {Rng} rng @param {Field} f @param {bigint} orig @param {LayoutMap} map
 */
function forgedValue(rng, f, orig, map) {
  const size = BigInt(map.fileSize)
  const max = (1n << BigInt(f.size * 8)) - 1n
  const sec = map.sections.length ? rng.pick(map.sections) : undefined
  const cands = [
    0n, 1n, 2n, 3n, 4n, 7n, 8n, 63n, 64n, max, max - 1n, max >> 1n, (max >> 1n) + 1n,
    size, size - 1n, size + 1n, size / 2n, size * 2n,
    orig + 1n, orig - 1n, orig + 2n, orig + 4n, orig - 4n, orig + 8n, orig - 8n, orig * 2n, orig ^ 0x80n, orig << 8n,
    BigInt(rng.u32()), BigInt(rng.int(map.fileSize)),
    sec ? BigInt(sec.offset) : 0n, sec ? BigInt(sec.size) : 0n, sec ? BigInt(sec.offset + sec.size) : 0n,
  ]
  if (f.size >= 4) cands.push(0xffffffffn, 0xfffffffen, 0x7fffffffn, 0x80000000n, 0x10000n)
  if (f.size === 8) cands.push(1n << 53n, (1n << 53n) + 1n, 1n << 63n, 1n << 32n)
  if (f.index !== undefined) cands.push(BigInt(f.index), BigInt(f.index + 1), BigInt(f.index) << 1n | 1n)
  return BigInt.asUintN(f.size * 8, rng.pick(cands))
}

/** @param {Rng} rng @param {LayoutMap} map @param {string[]} kinds */
function pickField(rng, map, kinds) {
  const avail = kinds.filter((k) => map.fieldsByKind[k]?.length)
  if (!avail.length) return undefined
  return rng.pick(map.fieldsByKind[rng.pick(avail)])
}

/** @type {Record<string, (rng: Rng, b: Uint8Array, map: LayoutMap) => string | Uint8Array | [Uint8Array, string]>} */
const RAW = {
  bitflip(rng, b) {
    const n = 1 + rng.int(rng.chance(0.7) ? 1 : 8)
    const at = []
    for (let i = 0; i < n; i++) {
      const p = rng.int(b.length)
      const bit = rng.int(8)
      b[p] ^= 1 << bit
      at.push(`${p}.${bit}`)
    }
    return `bitflip ${at.join(',')}`
  },
  setbyte(rng, b) {
    const n = 1 + (rng.chance(0.7) ? 0 : rng.int(16))
    const v = rng.pick(SPECIAL_BYTES)
    const p = rng.int(b.length)
    const run = rng.chance(0.5)
    for (let i = 0; i < n; i++) {
      const q = run ? Math.min(b.length - 1, p + i) : rng.int(b.length)
      b[q] = v
    }
    return `setbyte 0x${v.toString(16)} x${n} ${run ? 'run' : 'scattered'} at ${p}`
  },
  truncate(rng, b) {
    const at = rng.int(b.length)
    return [b.subarray(0, at), `truncate at ${at}`]
  },
  truncateBoundary(rng, b, map) {
    const points = [0, 1, 7, 8, HEADER.size - 1, HEADER.size, map.headerSize - 1, map.headerSize, b.length - 1]
    for (const s of map.sections) points.push(s.offset, s.offset + 1, s.offset + s.size, s.offset + s.size - 1)
    const at = Math.max(0, Math.min(b.length - 1, rng.pick(points)))
    return [b.subarray(0, at), `truncate at boundary ${at}`]
  },
  append(rng, b) {
    const n = rng.pick([1, 7, 8, 64, 1000, 1 + rng.int(5000)])
    const out = new Uint8Array(b.length + n)
    out.set(b)
    const fill = rng.pick(['zero', 'random', 'copy'])
    for (let i = 0; i < n; i++) out[b.length + i] = fill === 'zero' ? 0 : fill === 'random' ? rng.int(256) : b[i % b.length]
    return [out, `append ${n} ${fill} bytes`]
  },
  field(rng, b, map) {
    const f = pickField(rng, map, ['header', 'table', 'midx', 'midxslot', 'mods', 'code', 'strt', 'cnst', 'strd', 'cdat', 'owner', 'file', 'srcs'])
    if (!f) return RAW.bitflip(rng, b, map)
    const orig = readField(b, f.offset, f.size)
    const v = forgedValue(rng, f, orig, map)
    writeField(b, f.offset, f.size, v)
    return `forge ${f.name} ${orig} -> ${v}`
  },
  redirect(rng, b, map) {
    const kind = rng.pick(['strt', 'cnst'])
    const entries = map.fieldsByKind[kind]
    if (!entries?.length) return RAW.field(rng, b, map)
    const n = entries.length
    const e = rng.pick(entries)
    const i = /** @type {number} */ (e.index)
    const how = rng.pick(['self', 'forward', 'cycle2', 'chain', 'huge', 'odd-data', 'misaligned', 'past-data'])
    const dv = dvOf(b)
    let v
    if (how === 'self') v = (i << 1) | 1
    else if (how === 'forward') v = ((i + 1 + rng.int(Math.max(1, n - i))) << 1) | 1
    else if (how === 'cycle2') {
      const j = rng.int(n)
      dv.setUint32(entries[j].offset, ((i << 1) | 1) >>> 0, true)
      v = (j << 1) | 1
    } else if (how === 'chain') {
      // Point at an earlier redirect (two hops), or make an earlier entry a redirect first.
      const j = i > 0 ? rng.int(i) : 0
      if ((dv.getUint32(entries[j].offset, true) & 1) === 0 && j > 0) dv.setUint32(entries[j].offset, ((rng.int(j) << 1) | 1) >>> 0, true)
      v = (j << 1) | 1
    } else if (how === 'huge') v = rng.pick([0xffffffff, 0xfffffffe, 0x7fffffff, 0x80000000])
    else if (how === 'odd-data') v = rng.int(0x10000) << 1
    else if (how === 'misaligned') v = (dv.getUint32(e.offset, true) & ~1) + 2
    else v = ((kind === 'strt' ? map.byName.STRD : map.byName.CDAT)?.size ?? 0) & ~1
    const orig = dv.getUint32(e.offset, true)
    dv.setUint32(e.offset, v >>> 0, true)
    return `redirect ${e.name} ${how} ${orig} -> ${v >>> 0}`
  },
  midx(rng, b, map) {
    const f = pickField(rng, map, ['midxslot', 'midx'])
    if (!f) return RAW.field(rng, b, map)
    const dv = dvOf(b)
    const orig = dv.getUint32(f.offset, true)
    const nmods = Math.floor((map.byName.MODS?.size ?? 0) / 64)
    const v = rng.pick([0, 1, nmods, nmods + 1, 0xffffffff, rng.u32(), orig + 1, orig - 1, rng.int(nmods + 2)])
    dv.setUint32(f.offset, v >>> 0, true)
    return `midx ${f.name} ${orig} -> ${v >>> 0}`
  },
  copyChunk(rng, b) {
    const n = 1 + rng.int(64)
    const from = rng.int(Math.max(1, b.length - n))
    const to = rng.int(Math.max(1, b.length - n))
    b.copyWithin(to, from, from + n)
    return `copy ${n} bytes ${from} -> ${to}`
  },
  shift(rng, b) {
    const at = rng.int(b.length)
    const n = 1 + rng.int(16)
    if (rng.chance(0.5)) {
      const out = new Uint8Array(b.length + n)
      out.set(b.subarray(0, at))
      out.set(b.subarray(at), at + n)
      return [out, `insert ${n} zero bytes at ${at}`]
    }
    const cut = Math.min(n, b.length - 1)
    const from = rng.int(b.length - cut)
    const out = new Uint8Array(b.length - cut)
    out.set(b.subarray(0, from))
    out.set(b.subarray(from + cut), from)
    return [out, `delete ${cut} bytes at ${from}`]
  },
  padding(rng, b, map) {
    if (!map.padding.length) return RAW.setbyte(rng, b, map)
    const [lo, hi] = rng.pick(map.padding)
    const p = lo + rng.int(hi - lo)
    b[p] = 1 + rng.int(255)
    return `padding byte ${p} -> ${b[p]}`
  },
}

/** Mutations that keep going after checksum repair (aimed at structure, not at checksums). */
const REPAIRABLE = ['field', 'field', 'field', 'redirect', 'redirect', 'midx', 'bitflip', 'setbyte', 'copyChunk', 'padding']
const WEIGHTED_RAW = ['bitflip', 'bitflip', 'setbyte', 'setbyte', 'truncate', 'truncateBoundary', 'append', 'field', 'field', 'redirect', 'midx', 'copyChunk', 'shift', 'padding']

/** Recompute every section checksum the (possibly forged) table describes, then the header checksum. @param {Uint8Array} b */
export function repairChecksums(b) {
  if (!xxh) throw new Error('initMutators() first')
  if (b.length < HEADER.size) return
  const dv = dvOf(b)
  const headerSize = dv.getUint32(HEADER.at.header_size, true)
  const count = dv.getUint16(HEADER.at.section_count, true)
  for (let i = 0; i < count; i++) {
    const e = HEADER.size + i * SECTION_ENTRY.size
    if (e + SECTION_ENTRY.size > b.length) break
    const off = dv.getBigUint64(e + SECTION_ENTRY.at.offset, true)
    const size = dv.getBigUint64(e + SECTION_ENTRY.at.size, true)
    if (off + size > BigInt(b.length)) continue
    dv.setBigUint64(e + SECTION_ENTRY.at.checksum, xxh.h64Raw(b.subarray(Number(off), Number(off + size))), true)
  }
  if (headerSize <= b.length && headerSize >= HEADER.size) {
    dv.setBigUint64(HEADER.at.header_checksum, 0n, true)
    dv.setBigUint64(HEADER.at.header_checksum, xxh.h64Raw(b.subarray(0, headerSize)), true)
  }
}

/**
 * One mutant of `seed`.
 * @param {Rng} rng @param {Uint8Array} seed @param {LayoutMap} map
 * @returns {Mutant & {changed: number[], regions: string[]}}
 */
export function mutate(rng, seed, map) {
  const repaired = rng.chance(0.35)
  let b = seed.slice()
  const kind = rng.pick(repaired ? REPAIRABLE : WEIGHTED_RAW)
  const steps = repaired && rng.chance(0.2) ? 2 : 1
  /** @type {string[]} */
  const descs = []
  for (let s = 0; s < steps; s++) {
    const k = s === 0 ? kind : rng.pick(REPAIRABLE)
    const r = RAW[k](rng, b, map)
    if (typeof r === 'string') descs.push(r)
    else if (r instanceof Uint8Array) b = r
    else {
      b = r[0]
      descs.push(r[1])
    }
  }
  if (repaired) repairChecksums(b)
  // Which original bytes changed (a length change counts as changing the tail).
  /** @type {number[]} */
  const changed = []
  const n = Math.min(b.length, seed.length)
  for (let i = 0; i < n; i++) if (b[i] !== seed[i]) changed.push(i)
  if (b.length !== seed.length) changed.push(n)
  const regions = [...new Set(changed.map((i) => (i >= seed.length ? 'beyond' : regionOf(map, i))))]
  return { bytes: b, desc: `${repaired ? '[repaired] ' : ''}${descs.join('; ')}`, kind, repaired, changed, regions }
}

export { TABLE_ENTRY_SIZE }
