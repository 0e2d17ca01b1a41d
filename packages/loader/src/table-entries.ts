/**
 * §7 tables (STRT, CNST): entry i holds a data-section offset, or a redirect
 * `(j << 1) | REDIRECT_BIT` to an earlier entry j that holds one. Resolving is two
 * steps so that a cache hit reads one entry: follow() checks the index and the hop
 * and returns the resolved index; recordOffset() reads and checks the resolved
 * entry, which a caller needs only when the record is not in its cache (the caches
 * hold only entries recordOffset accepted, and the mapping is read-only).
 */
import { fail } from '@pybundle/errors'
import { REDIRECT_BIT, TABLE_ENTRY_SIZE } from '@pybundle/format-spec'
import type { Mem, Section } from './mem.js'

export class TableEntries {
  // hoisted out of the per-entry path
  private readonly mem: Mem
  private readonly start: number

  constructor(
    readonly table: Section,
    /** Entries in the table (open checked the section holds exactly this many). */
    readonly count: number,
    /** Alignment of the records the entries point at. */
    private readonly align: number,
    /** The section the entries point into. */
    private readonly data: Section,
  ) {
    this.mem = table.mem
    this.start = table.start
  }

  /**
   * The resolved index of entry i (i itself, or its redirect target): BAD_INDEX for
   * an index outside the table, BAD_REDIRECT for a redirect that does not point
   * strictly earlier. Counts both entries as touched, as the reader of a redirect
   * must read its target (recordOffset reads it when the caller's cache misses).
   * This runs for every string and constant lookup, the emitter's included: the index
   * check here is the bounds check (open checked the table holds `count` entries), and
   * Mem.entry reads, counts and checks for a closed bundle in one call (Section.at's
   * second bounds check cost toPyc ~6% more instructions, measured with callgrind:
   * the emitter's large functions run out of V8's inlining budget).
   */
  follow(i: number, from: number): number {
    if (!(i >= 0 && i < this.count)) fail('BAD_INDEX', `${this.table.name} index ${i} of ${this.count}`, from)
    const v = this.mem.entry(this.start + i * TABLE_ENTRY_SIZE)
    if ((v & REDIRECT_BIT) === 0) return i
    const j = v >>> 1
    if (j >= i) fail('BAD_REDIRECT', `${this.table.name}[${i}] redirects to ${j}, not an earlier entry`, this.start + i * TABLE_ENTRY_SIZE)
    this.mem.entry(this.start + j * TABLE_ENTRY_SIZE)
    return j
  }

  /** follow() then recordOffset(): the resolved index and its record's offset, for callers without a cache (verify, the emitter). */
  resolve(i: number, from: number): readonly [r: number, offset: number] {
    const r = this.follow(i, from)
    return [r, this.recordOffset(i, r)]
  }

  /**
   * Data-section offset of the record of entry i, resolved to r by follow(i): BAD_REDIRECT
   * when r is itself a redirect, MISALIGNED/OUT_OF_BOUNDS for an offset the data section
   * cannot hold. (follow checked and counted entry r: an unchecked read.)
   */
  recordOffset(i: number, r: number): number {
    const at = this.start + r * TABLE_ENTRY_SIZE
    const m = this.mem
    if (m.closed) m.alive()
    const v = m.u32(at)
    if (r !== i && (v & REDIRECT_BIT) !== 0) {
      fail('BAD_REDIRECT', `${this.table.name}[${i}] redirects to ${r}, itself a redirect`, this.table.start + i * TABLE_ENTRY_SIZE)
    }
    if (v % this.align !== 0) fail('MISALIGNED', `${this.table.name}[${r}] offset ${v} is not ${this.align}-aligned`, at)
    if (v >= this.data.size) fail('OUT_OF_BOUNDS', `${this.table.name}[${r}] offset ${v} is outside ${this.data.name} (size ${this.data.size})`, at)
    return v
  }
}
