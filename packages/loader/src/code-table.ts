/**
 * The code table: CODE records (§6), fixed-size and indexed by code record number,
 * with their string and constant slices (§6.1) and their BLOB fields. Also the
 * per-record caches: the materialized PyCode (each record's one CodeView is views.ts's).
 */
import type { PyCode } from '@pybundle/cpython'
import { fail } from '@pybundle/errors'
import { CODE, STRING_SLICE_FIXED } from '@pybundle/format-spec'
import type { Blobs } from './blobs.js'
import type { Section } from './mem.js'
import { PagedCache } from './paged.js'

export type CodeField = keyof typeof CODE.at
/** A code record's (x_offset, x_length) BLOB field pairs. */
export type CodeBlobField = 'code' | 'linetable' | 'exceptiontable' | 'kinds'

export class CodeTable {
  /** Per code record: its materialized PyCode (materialize.ts). */
  readonly codeCache: PagedCache<PyCode>
  /** Materialized co_localspluskinds views by BLOB offset (materialize.ts). */
  kindsViews: Map<number, Uint8Array> | undefined = undefined

  constructor(
    readonly sec: Section,
    readonly count: number,
    readonly blobs: Blobs,
    /** STRT and CNST entry counts, which the slices must lie within. */
    private readonly stringCount: number,
    private readonly constCount: number,
  ) {
    this.codeCache = new PagedCache<PyCode>(count)
  }

  clear(): void {
    this.codeCache.clear()
    this.kindsViews = undefined
  }

  check(c: number, from: number): void {
    if (!(c >= 0 && c < this.count)) fail('BAD_INDEX', `code record ${c} of ${this.count}`, from)
  }
  u32(c: number, field: CodeField): number {
    return this.sec.u32(c * CODE.size + CODE.at[field])
  }
  i32(c: number, field: CodeField): number {
    return this.sec.i32(c * CODE.size + CODE.at[field])
  }
  /** Absolute file offset of a field of code record c (for errors). */
  field(c: number, field: CodeField): number {
    return this.sec.start + c * CODE.size + CODE.at[field]
  }
  /** Absolute offset of the whole record c, bounds-checked once (its fields are then plain reads). */
  record(c: number): number {
    return this.sec.at(c * CODE.size, CODE.size)
  }
  /** A blob field pair of a code record (`x_offset`, `x_length`). */
  blob(c: number, which: CodeBlobField): Uint8Array {
    const off = this.u32(c, `${which}_offset`)
    const len = this.u32(c, `${which}_length`)
    return this.blobs.view(off, len, this.field(c, `${which}_offset`))
  }

  /** STRT index of entry `k` of code record c's string slice (§6.1), checked against STRT. */
  strIndex(c: number, k: number): number {
    const i = this.u32(c, 'str_start') + k
    if (i >= this.stringCount) fail('BAD_INDEX', `string slice entry ${i} of ${this.stringCount}`, this.field(c, 'str_start'))
    return i
  }

  /** Check the whole string slice of c lies in STRT (so list lengths can be trusted). */
  checkStrSlice(c: number): void {
    const start = this.u32(c, 'str_start')
    const end = start + STRING_SLICE_FIXED + this.u32(c, 'n_names') + this.u32(c, 'n_locals') + this.u32(c, 'n_freevars') + this.u32(c, 'n_cellvars')
    if (end > this.stringCount) fail('BAD_INDEX', `string slice [${start}, ${end}) beyond STRT (${this.stringCount})`, this.field(c, 'str_start'))
  }
  checkConstSlice(c: number): void {
    const start = this.u32(c, 'const_start')
    const end = start + this.u32(c, 'n_consts')
    if (end > this.constCount) fail('BAD_INDEX', `constant slice [${start}, ${end}) beyond CNST (${this.constCount})`, this.field(c, 'const_start'))
  }
}
