/**
 * The constant table: CNST entries (§7) and the CDAT constant records (§9) they
 * point at, resolved to one PyValue per resolved entry (paged cache, paged.ts).
 * Containers refer to earlier entries only, so a walk always terminates, and their
 * nesting counts against LIMITS.MAX_DEPTH even when a value comes from the cache.
 */
import { PY_ELLIPSIS, PY_FALSE, PY_NONE, PY_STOP_ITERATION, PY_TRUE, type PyValue } from '@pybundle/cpython'
import { fail } from '@pybundle/errors'
import { CONST_FLAG_NEGATIVE, CONST_HEADER_SIZE, CONST_RECORD_ALIGN, CONST_TAG, LIMITS, NONE } from '@pybundle/format-spec'
import type { Blobs } from './blobs.js'
import type { CodeTable } from './code-table.js'
import {
  K_BIGINT_COUNT, K_BIGINT_SIZE, K_BYTES_BLOB_OFFSET, K_BYTES_LENGTH, K_CODE_CODE, K_COMPLEX_IMAG_BITS, K_COMPLEX_REAL_BITS, K_FLOAT_BITS, K_INT_VALUE, K_ITEM_SIZE,
  K_SEQUENCE_COUNT, K_SEQUENCE_SIZE, K_SLICE_START, K_SLICE_STEP, K_SLICE_STOP, K_STR_STRING,
} from './const-fields.js'
import type { Section } from './mem.js'
import { PagedCache } from './paged.js'
import type { StringTable } from './string-table.js'
import { TableEntries } from './table-entries.js'

/**
 * What a constant resolves to before it becomes a public value: the value, or for a
 * CODE constant the index of its target code record (a number, so that resolving a
 * code constant allocates nothing and returns its target instead of leaving it in a field).
 */
export type RawConst = PyValue | number

const TAG_NAMES = new Map<number, string>(Object.entries(CONST_TAG).map(([k, v]) => [v, k]))

export function tagName(tag: number): string {
  return TAG_NAMES.get(tag) ?? `0x${tag.toString(16)}`
}

export class ConstTable {
  readonly entries: TableEntries
  /** Per resolved CNST index: the value. */
  readonly cache: PagedCache<PyValue>
  /** Nesting height of each cached container of height > 0 (by value: one object per resolved entry). */
  private readonly heights = new Map<PyValue, number>()

  constructor(
    cnst: Section,
    readonly cdat: Section,
    readonly count: number,
    private readonly marshalVersion: number,
    private readonly strings: StringTable,
    private readonly codes: CodeTable,
    private readonly blobs: Blobs,
  ) {
    this.entries = new TableEntries(cnst, count, CONST_RECORD_ALIGN, cdat)
    this.cache = new PagedCache<PyValue>(count)
  }

  clear(): void {
    this.cache.clear()
    this.heights.clear()
  }

  /** Nesting height of a value this table returned (0 for anything but a nested container). */
  heightOf(v: PyValue): number {
    const k = v.kind
    return k === 'tuple' || k === 'frozenset' || k === 'slice' ? (this.heights.get(v) ?? 0) : 0
  }

  /** Header u32 of the constant record at CDAT offset `off`: returns the tag, checks the reserved bits. */
  tag(off: number): number {
    const cdat = this.cdat
    const hdr = cdat.mem.u32(cdat.at(off, CONST_HEADER_SIZE))
    if ((hdr & 0xffffff00) === 0) return hdr // no flags: every record but a negative BIGINT
    const tag = hdr & 0xff
    const flags = hdr & 0xff00
    if (hdr >>> 16 !== 0) fail('MALFORMED', `constant header 0x${hdr.toString(16)}: bits 16-31 must be zero`, cdat.start + off)
    if (flags !== 0 && !(tag === CONST_TAG.BIGINT && flags === CONST_FLAG_NEGATIVE)) {
      fail('MALFORMED', `constant flags 0x${(flags >>> 8).toString(16)} on tag ${tagName(tag)}`, cdat.start + off)
    }
    return tag
  }

  /**
   * The value of CNST entry i, or the target code record of a CODE constant. `ctx` is
   * the code record whose slice the entry comes from (NONE inside containers); depth
   * counts nesting for LIMITS.MAX_DEPTH. Containers are cached per resolved entry, so a
   * shared constant is one object.
   */
  raw(i: number, from: number, ctx: number, depth: number): RawConst {
    // Nested tuples recurse through here and container() only, up to MAX_DEPTH levels
    // on Node's default stack, cold (interpreted) too: both keep few locals, and the
    // rest (resolving, leaves) happens in calls that return before the recursion.
    if (depth > LIMITS.MAX_DEPTH) tooDeep(depth, from)
    const e = this.entries
    const r = e.follow(i, from)
    const hit = this.cache.get(r)
    if (hit !== undefined) {
      // At depth 0 a cached value cannot exceed MAX_DEPTH (it was built within the limit).
      if (depth !== 0 && depth + this.heightOf(hit) > LIMITS.MAX_DEPTH) tooDeep(depth + this.heightOf(hit), from)
      return hit
    }
    const off = e.recordOffset(i, r)
    const tag = this.tag(off)
    if (tag === CONST_TAG.CODE) return this.codeTarget(r, off, ctx)
    if (tag === CONST_TAG.TUPLE || tag === CONST_TAG.FROZENSET || tag === CONST_TAG.SLICE) return this.container(r, off, tag, depth)
    const v = this.leaf(tag, off)
    this.cache.set(r, v)
    return v
  }

  /** A constant that holds no other constant (tag already checked by tag()). */
  private leaf(tag: number, off: number): PyValue {
    const cdat = this.cdat
    switch (tag) {
      case CONST_TAG.NONE:
        return PY_NONE
      case CONST_TAG.FALSE:
        return PY_FALSE
      case CONST_TAG.TRUE:
        return PY_TRUE
      case CONST_TAG.ELLIPSIS:
        return PY_ELLIPSIS
      case CONST_TAG.STOP_ITERATION:
        return PY_STOP_ITERATION
      case CONST_TAG.INT:
        return { kind: 'int', value: cdat.i64(off + K_INT_VALUE) }
      case CONST_TAG.BIGINT:
        return { kind: 'int', value: this.bigint(off) }
      case CONST_TAG.FLOAT:
        return { kind: 'float', bits: cdat.u64(off + K_FLOAT_BITS) }
      case CONST_TAG.COMPLEX:
        return { kind: 'complex', realBits: cdat.u64(off + K_COMPLEX_REAL_BITS), imagBits: cdat.u64(off + K_COMPLEX_IMAG_BITS) }
      case CONST_TAG.STR:
        return this.strings.str(cdat.u32(off + K_STR_STRING), cdat.start + off + K_STR_STRING)
      case CONST_TAG.BYTES: {
        const len = cdat.u32(off + K_BYTES_LENGTH)
        return { kind: 'bytes', value: this.blobs.view(cdat.u32(off + K_BYTES_BLOB_OFFSET), len, cdat.start + off + K_BYTES_BLOB_OFFSET) }
      }
      default:
        return fail('MALFORMED', `unknown constant tag 0x${tag.toString(16)}`, cdat.start + off)
    }
  }

  /** TUPLE, FROZENSET or SLICE record of CNST entry r: builds and caches it, with its height. */
  private container(r: number, off: number, tag: number, depth: number): PyValue {
    const cdat = this.cdat
    let height = 0
    let v: PyValue
    if (tag === CONST_TAG.SLICE) {
      if (this.marshalVersion < 5) fail('MALFORMED', 'slice constant in a bundle for marshal version < 5', cdat.start + off)
      const start = this.item(r, off + K_SLICE_START, depth)
      const stop = this.item(r, off + K_SLICE_STOP, depth)
      const step = this.item(r, off + K_SLICE_STEP, depth)
      height = Math.max(this.heightOf(start), this.heightOf(stop), this.heightOf(step)) + 1
      v = { kind: 'slice', start, stop, step }
    } else {
      const n = cdat.u32(off + K_SEQUENCE_COUNT)
      // the whole item list must be inside CDAT before anything is allocated; then unchecked reads
      const first = cdat.at(off + K_SEQUENCE_SIZE, K_ITEM_SIZE * n)
      const m = cdat.mem
      const items = new Array<PyValue>(n)
      for (let k = 0; k < n; k++) {
        // item() inline (one frame less per nesting level), its checks and errors
        const at = first + K_ITEM_SIZE * k
        const j = m.u32(at)
        if (j >= r) notEarlier(r, j, at)
        const x = this.raw(j, at, NONE, depth + 1)
        if (typeof x === 'number') codeInContainer(j, at)
        items[k] = x
        height = Math.max(height, this.heightOf(x) + 1)
      }
      v = tag === CONST_TAG.TUPLE ? { kind: 'tuple', items } : { kind: 'frozenset', items }
    }
    this.cache.set(r, v)
    if (height > 0) this.heights.set(v, height)
    return v
  }

  /** An element of a container constant at CDAT offset `rel`: must name an entry before `r`, and not a code object. */
  private item(r: number, rel: number, depth: number): PyValue {
    const cdat = this.cdat
    const at = cdat.start + rel
    const j = cdat.u32(rel)
    if (j >= r) notEarlier(r, j, at)
    const v = this.raw(j, at, NONE, depth + 1)
    if (typeof v === 'number') codeInContainer(j, at)
    return v
  }

  /** |value| words -> bigint, with the §9 rules: n >= 1, top word nonzero, outside int64. */
  bigint(off: number): bigint {
    const cdat = this.cdat
    const neg = (cdat.u32(off) & CONST_FLAG_NEGATIVE) !== 0
    const n = cdat.u32(off + K_BIGINT_COUNT)
    if (n === 0) fail('MALFORMED', 'BIGINT with no words', cdat.start + off + K_BIGINT_COUNT)
    const digits = off + K_BIGINT_SIZE
    cdat.at(digits, K_ITEM_SIZE * n)
    let v = 0n
    for (let k = n - 1; k >= 0; k--) v = (v << 32n) | BigInt(cdat.u32(digits + K_ITEM_SIZE * k))
    const top = digits + K_ITEM_SIZE * (n - 1)
    if (cdat.u32(top) === 0) fail('MALFORMED', 'BIGINT with a zero top word', cdat.start + top)
    if (neg) v = -v
    if (v >= -(1n << 63n) && v < 1n << 63n) fail('MALFORMED', 'BIGINT for a value in int64 range', cdat.start + off)
    return v
  }

  /**
   * Target code record of a CODE constant (CNST entry r at CDAT offset off), checked:
   * only directly in code record ctx's own slice, and the target's parent is ctx.
   */
  codeTarget(r: number, off: number, ctx: number): number {
    const cdat = this.cdat
    const codes = this.codes
    const at = cdat.start + off
    if (ctx === NONE) fail('MALFORMED', `code constant CNST[${r}] outside a code object's constant slice`, at)
    const start = codes.u32(ctx, 'const_start')
    if (r < start || r >= start + codes.u32(ctx, 'n_consts')) fail('MALFORMED', `code constant CNST[${r}] is not in the slice of code record ${ctx}`, at)
    const t = cdat.u32(off + K_CODE_CODE)
    codes.check(t, at + K_CODE_CODE)
    if (codes.u32(t, 'parent') !== ctx || t <= ctx) {
      fail('MALFORMED', `code constant CNST[${r}] names code record ${t}, whose parent is not ${ctx}`, at + K_CODE_CODE)
    }
    return t
  }
}

/** LIMIT_EXCEEDED for constants nested past LIMITS.MAX_DEPTH, naming the limit (SPEC §11.4). */
function tooDeep(depth: number, at: number): never {
  fail('LIMIT_EXCEEDED', `constants nested deeper than MAX_DEPTH (${LIMITS.MAX_DEPTH})`, at, { limit: 'MAX_DEPTH', value: depth, max: LIMITS.MAX_DEPTH })
}
function notEarlier(r: number, j: number, at: number): never {
  fail('BAD_INDEX', `container CNST[${r}] refers to CNST[${j}], not an earlier entry`, at)
}
function codeInContainer(j: number, at: number): never {
  fail('MALFORMED', `code constant CNST[${j}] inside a container`, at)
}
