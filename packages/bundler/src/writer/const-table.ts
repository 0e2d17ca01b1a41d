/**
 * CNST and CDAT (§7, §9).
 *
 * Each code object owns a contiguous slice of CNST holding its co_consts in
 * order. Elements of tuples, frozensets and slices are entries of their own,
 * placed before the slice that first needs them, so an element's index is
 * always less than the index of the entry that refers to it.
 *
 * Constants are shared across the whole file only where Python cannot tell:
 * the dedupe key is the kind plus the exact bits (§9.2), so 0, 0.0, False,
 * -0.0, NaNs with different payloads, (0.0,) and (-0.0,) all stay apart. A
 * repeated constant is a redirect to the first (data) entry. Code objects are
 * never shared: a CODE entry appears only in its parent's slice.
 */
import type { PyValue } from '@pybundle/cpython'
import { PyBundleError, fail } from '@pybundle/errors'
import {
  CONST_FLAG_NEGATIVE, CONST_HEADER_SIZE, CONST_RECORD_ALIGN, CONST_RECORD_SIZE, CONST_TAG, LIMITS, REDIRECT_BIT,
} from '@pybundle/format-spec'
import type { BlobStore } from './blob-store.js'
import { alignUp, checkU32 } from './bytes.js'
import { SharingCounter } from './sharing.js'
import type { StringTable } from './string-table.js'

/** One CDAT record, described; written by write(). */
export interface ConstRecord {
  /** Offset from the start of CDAT (a multiple of CONST_RECORD_ALIGN). */
  readonly offset: number
  /** Padded size in bytes. */
  readonly size: number
  /** The header u32: tag | tag flags. */
  readonly header: number
  /** u32 words that follow the header, from byte 4. */
  readonly words: readonly number[]
  /** 64-bit payloads from byte 8 (INT: one i64; FLOAT: one u64; COMPLEX: two u64). */
  readonly wide: readonly bigint[] | null
}

const INT64_MIN = -(1n << 63n)
const INT64_MAX = (1n << 63n) - 1n

function simple(tag: number): { header: number; words: number[]; wide: null } {
  return { header: tag, words: [0], wide: null }
}

export class ConstTable {
  /** CNST entries: the u32 values as written. */
  readonly entries: number[] = []
  readonly records: ConstRecord[] = []
  /** Bytes of CDAT so far. */
  dataSize = 0
  redirects = 0
  /** Bytes the redirects' targets' records would take if each redirect stored its own copy (sharing.savedVsNone). */
  redirectBytes = 0
  readonly sharing = new SharingCounter()
  private readonly canonical = new Map<string, number>()
  /** data entry index -> its record (for the sharing counter). */
  private readonly recordOf = new Map<number, ConstRecord>()
  /** Values are immutable and often shared (marshal refs): skip re-keying them. */
  private readonly byObject = new Map<PyValue, number>()

  constructor(
    private readonly strings: StringTable,
    private readonly blobs: BlobStore,
    /** Whether slice constants exist in the target Python (3.14+). */
    private readonly slicesAllowed: boolean,
  ) {}

  /**
   * Append the slice for one code object's co_consts. `childCodes[k]` is the
   * CODE index of the k-th code object among `consts`. Returns the slice start.
   */
  appendSlice(consts: readonly PyValue[], childCodes: readonly number[], depth: number): number {
    // Elements first, so that everything in the slice refers backwards.
    for (const c of consts) {
      if (c.kind === 'tuple' || c.kind === 'frozenset') {
        for (const item of c.items) this.ensure(item, depth + 2)
      } else if (c.kind === 'slice') {
        this.ensure(c.start, depth + 2)
        this.ensure(c.stop, depth + 2)
        this.ensure(c.step, depth + 2)
      }
    }
    const start = this.entries.length
    let nextChild = 0
    for (const c of consts) {
      const at = this.entries.length
      if (c.kind === 'code') {
        const code = childCodes[nextChild++]
        this.addData({ header: CONST_TAG.CODE, words: [code], wide: null }, null)
        this.sharing.note('code:' + code, CONST_RECORD_SIZE.CODE!)
        continue
      }
      const index = this.ensure(c, depth + 1)
      if (index < at) {
        this.entries.push(index * 2 + REDIRECT_BIT)
        this.redirects++
        this.redirectBytes += this.recordOf.get(index)!.size
      } else if (index !== at || this.entries.length !== at + 1) {
        throw new Error('const-table: a new constant did not land in its slice') // a bug, not bad input
      }
    }
    return start
  }

  /** The data entry for `v`, appended at the end of the table if `v` is new. */
  private ensure(v: PyValue, depth: number): number {
    const known = this.byObject.get(v)
    if (known !== undefined) {
      this.reference(known)
      return known
    }
    if (depth > LIMITS.MAX_DEPTH) {
      fail('LIMIT_EXCEEDED', `constants nest deeper than MAX_DEPTH (${LIMITS.MAX_DEPTH}): depth ${depth} reached (SPEC.md §11.4)`, undefined, {
        limit: 'MAX_DEPTH', max: LIMITS.MAX_DEPTH, value: depth,
      })
    }
    let key: string
    let build: () => { header: number; words: number[]; wide: bigint[] | null }
    switch (v.kind) {
      case 'none': key = 'N'; build = () => simple(CONST_TAG.NONE); break
      case 'bool':
        key = v.value ? 'T' : 'F'
        build = () => simple(v.value ? CONST_TAG.TRUE : CONST_TAG.FALSE)
        break
      case 'ellipsis': key = 'E'; build = () => simple(CONST_TAG.ELLIPSIS); break
      case 'stopiteration': key = 'S'; build = () => simple(CONST_TAG.STOP_ITERATION); break
      case 'int': {
        const value = v.value
        key = 'i' + value.toString(16)
        build = () => intRecord(value)
        break
      }
      case 'float': {
        const bits = BigInt.asUintN(64, v.bits)
        key = 'f' + bits.toString(16)
        build = () => ({ header: CONST_TAG.FLOAT, words: [0], wide: [bits] })
        break
      }
      case 'complex': {
        const re = BigInt.asUintN(64, v.realBits)
        const im = BigInt.asUintN(64, v.imagBits)
        key = 'c' + re.toString(16) + ':' + im.toString(16)
        build = () => ({ header: CONST_TAG.COMPLEX, words: [0], wide: [re, im] })
        break
      }
      case 'str': {
        const s = this.strings.ensure(v)
        key = 's' + s
        build = () => ({ header: CONST_TAG.STR, words: [s], wide: null })
        break
      }
      case 'bytes': {
        const ref = this.blobs.add(v.value)
        key = 'b' + ref.offset + ':' + ref.length
        build = () => ({ header: CONST_TAG.BYTES, words: [ref.length, ref.offset, 0], wide: null })
        break
      }
      case 'tuple':
      case 'frozenset': {
        const items = v.items.map((x) => this.ensure(x, depth + 1))
        key = (v.kind === 'tuple' ? 't' : 'z') + items.join(',')
        const tag = v.kind === 'tuple' ? CONST_TAG.TUPLE : CONST_TAG.FROZENSET
        build = () => ({ header: tag, words: [items.length, ...items], wide: null })
        break
      }
      case 'slice': {
        if (!this.slicesAllowed) {
          fail('UNSUPPORTED_VALUE', 'slice constants exist only from Python 3.14 (marshal version 5)')
        }
        const parts = [this.ensure(v.start, depth + 1), this.ensure(v.stop, depth + 1), this.ensure(v.step, depth + 1)]
        key = 'l' + parts.join(',')
        build = () => ({ header: CONST_TAG.SLICE, words: parts, wide: null })
        break
      }
      case 'code':
        fail('UNSUPPORTED_VALUE', 'a code object inside a tuple, frozenset or slice constant cannot be stored in .pyb v1')
      // falls through: fail() never returns
      case 'list':
      case 'dict':
      case 'set':
        fail('UNSUPPORTED_VALUE', `a ${v.kind} is not a constant .pyb v1 can hold (CPython never puts one in co_consts)`, undefined, {
          kind: v.kind,
        })
      // falls through
      default: {
        const never: never = v
        throw new PyBundleError('UNSUPPORTED_VALUE', `unknown value kind ${(never as { kind: string }).kind}`)
      }
    }
    let index = this.canonical.get(key)
    if (index === undefined) {
      index = this.addData(build(), key)
      if (this.entries.length - 1 !== index) throw new Error('const-table: entry order') // a bug
    } else {
      this.reference(index)
    }
    this.byObject.set(v, index)
    return index
  }

  private addData(r: { header: number; words: number[]; wide: bigint[] | null }, key: string | null): number {
    const index = this.entries.length
    checkU32(index * 2 + REDIRECT_BIT, 'CNST entry index (redirects store index x 2 + 1)')
    const body = r.wide === null ? 4 * r.words.length : 4 + 8 * r.wide.length
    const size = alignUp(CONST_HEADER_SIZE + body, CONST_RECORD_ALIGN)
    const record: ConstRecord = { offset: this.dataSize, size, header: r.header, words: r.words, wide: r.wide }
    this.dataSize = checkU32(this.dataSize + size, 'CDAT section size')
    this.records.push(record)
    this.entries.push(record.offset)
    if (key !== null) {
      this.canonical.set(key, index)
      this.recordOf.set(index, record)
      this.sharing.note(index, size)
    }
    return index
  }

  /**
   * The current module uses the shared data entry `index`: count it, and
   * what it refers to, once per module for the sharing statistics.
   */
  private reference(index: number): void {
    const r = this.recordOf.get(index)!
    if (!this.sharing.note(index, r.size)) return
    const tag = r.header & 0xff
    if (tag === CONST_TAG.TUPLE || tag === CONST_TAG.FROZENSET) {
      for (let i = 1; i < r.words.length; i++) this.reference(r.words[i])
    } else if (tag === CONST_TAG.SLICE) {
      for (const w of r.words) this.reference(w)
    } else if (tag === CONST_TAG.STR) {
      this.strings.noteShared(r.words[0])
    } else if (tag === CONST_TAG.BYTES) {
      this.blobs.noteShared({ length: r.words[0], offset: r.words[1] })
    }
  }

  /** Write every CDAT record at `base` (the CDAT section's file offset); padding stays zero. */
  write(view: DataView, base: number): void {
    for (const r of this.records) {
      const at = base + r.offset
      view.setUint32(at, r.header, true)
      for (let i = 0; i < r.words.length; i++) view.setUint32(at + 4 + 4 * i, r.words[i], true)
      if (r.wide !== null) {
        if ((r.header & 0xff) === CONST_TAG.INT) view.setBigInt64(at + 8, r.wide[0], true)
        else for (let i = 0; i < r.wide.length; i++) view.setBigUint64(at + 8 + 8 * i, r.wide[i], true)
      }
    }
  }
}

/** INT for int64 values, BIGINT (magnitude in base 2**32, least significant first) otherwise (§9.1). */
function intRecord(value: bigint): { header: number; words: number[]; wide: bigint[] | null } {
  if (value >= INT64_MIN && value <= INT64_MAX) return { header: CONST_TAG.INT, words: [0], wide: [value] }
  const negative = value < 0n
  let mag = negative ? -value : value
  const digits: number[] = []
  while (mag > 0n) {
    digits.push(Number(mag & 0xffffffffn))
    mag >>= 32n
  }
  return { header: CONST_TAG.BIGINT | (negative ? CONST_FLAG_NEGATIVE : 0), words: [digits.length, ...digits], wide: null }
}
