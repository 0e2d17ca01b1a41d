/**
 * The MIDX hash choice (format-spec §4): FNV-1a 32 (moduleNameHash, inline over
 * char codes) against xxhash-wasm h32 / h64 over the stdlib's module names: the
 * time to hash every name from a JS string (what a lookup pays), and the
 * quality each gives the table the writer builds (linear probing, slot count
 * the smallest power of two >= 2 x modules).
 */
import xxhash from 'xxhash-wasm'
import { moduleNameHash } from '@pybundle/format-spec'
import { measure, type MeasureOptions } from '../harness.js'
import { lines, type CaseResult, type Table } from '../case.js'
import type { Fixture } from '../fixtures.js'

function probeStats(hashes: readonly number[]): { slots: number; avgHit: number; maxHit: number; avgMiss: number; collisions32: number } {
  let slots = 1
  while (slots < 2 * hashes.length) slots *= 2
  const mask = slots - 1
  const used = new Uint8Array(slots)
  let total = 0
  let max = 0
  for (const h of hashes) {
    let s = h & mask
    let p = 1
    while (used[s]) {
      s = (s + 1) & mask
      p++
    }
    used[s] = 1
    total += p
    max = Math.max(max, p)
  }
  // A miss probes from its home slot to the next empty one; average over all home slots.
  let miss = 0
  for (let s0 = 0; s0 < slots; s0++) {
    let s = s0
    let p = 1
    while (used[s]) {
      s = (s + 1) & mask
      p++
    }
    miss += p
  }
  const distinct = new Set(hashes).size
  return { slots, avgHit: total / hashes.length, maxHit: max, avgMiss: miss / slots, collisions32: hashes.length - distinct }
}

export async function hashCase(stdlib: Fixture, quick: boolean): Promise<CaseResult> {
  // Flat strings, as a host passes them (names decoded by the loader char by char are V8 cons strings, slower to index).
  const names = stdlib.modules.map((m) => Buffer.from(m.name, 'latin1').toString('latin1'))
  const x = await xxhash()
  const enc = new TextEncoder()
  const encoded = names.map((n) => enc.encode(n))
  const opts: MeasureOptions = quick ? { rounds: 7, budgetMs: 2000, warmupMs: 100 } : { rounds: 21, budgetMs: 6000, warmupMs: 300 }
  const samples = await measure(
    [
      { name: 'FNV-1a 32 (moduleNameHash)', note: 'inline over char codes, no encoding for ASCII names', run: () => { let a = 0; for (const n of names) a ^= moduleNameHash(n); return a } },
      { name: 'xxhash-wasm h32(string)', note: 'encodes the string into wasm memory, then hashes', run: () => { let a = 0; for (const n of names) a ^= x.h32(n); return a } },
      { name: 'xxhash-wasm h64(string)', note: 'returns a BigInt', run: () => { let a = 0n; for (const n of names) a ^= x.h64(n); return a } },
      { name: 'xxhash-wasm h32Raw(bytes)', note: 'names pre-encoded to UTF-8 (encoding not counted): the best case for xxh32', run: () => { let a = 0; for (const b of encoded) a ^= x.h32Raw(b); return a } },
      { name: 'TextEncoder.encode + xxhash-wasm h32Raw', note: 'what a lookup from a JS string pays with xxh32 on bytes', run: () => { let a = 0; for (const n of names) a ^= x.h32Raw(enc.encode(n)); return a } },
    ],
    opts,
  )
  const g = `${names.length} stdlib names`
  const ls = lines(samples.map((s, i) => ({ sample: s, group: g, baseline: i === 0 })))
  const quality: Table = {
    title: `table quality over the ${names.length} stdlib names (linear probing, load factor <= 1/2)`,
    columns: ['hash', 'ns per name', 'slots', 'avg probes (hit)', 'max probes (hit)', 'avg probes (miss)', '32-bit collisions'],
    rows: [],
    note: 'A probe compares one 8-byte slot; a hit then compares the name bytes of the candidate record.',
  }
  const variants: [string, number[], number][] = [
    ['FNV-1a 32', names.map((n) => moduleNameHash(n)), ls[0].median],
    ['xxh32', names.map((n) => x.h32(n)), ls[1].median],
    ['xxh64 (low 32 bits)', names.map((n) => Number(x.h64(n) & 0xffffffffn)), ls[2].median],
  ]
  for (const [name, hs, med] of variants) {
    const p = probeStats(hs)
    quality.rows.push([name, (med / names.length).toFixed(1), p.slots, p.avgHit.toFixed(3), p.maxHit, p.avgMiss.toFixed(3), p.collisions32])
  }
  const fnv = ls[0].median
  const best = Math.min(...ls.slice(1).map((l) => l.median))
  return {
    id: 'midx-hash',
    title: '8. MIDX hash: FNV-1a 32 vs xxhash-wasm',
    description: 'one operation: hash every stdlib module name from its JS string',
    lines: ls,
    tables: [quality],
    targets: [],
    notes: [
      fnv <= best
        ? `FNV-1a is ${(best / fnv).toFixed(1)}x faster per name than the fastest xxhash-wasm variant on these short names, with comparable probe counts: the spec's choice holds.`
        : `xxhash-wasm is faster than FNV-1a here (${(fnv / best).toFixed(2)}x): the spec's reasoning does not hold on this machine.`,
    ],
  }
}
