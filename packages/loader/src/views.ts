/**
 * Lazy handles: a view is (core, record index); getters read the mapping on each
 * call, lists resolve entries on demand. Every public member checks the bundle is
 * still open first (cached values must not outlive close() either).
 */
import type { PyCode, PyStr, PyValue } from '@pybundle/cpython'
import { usesLocalsPlus } from '@pybundle/cpython'
import { fail } from '@pybundle/errors'
import { CODE, MODULE, MODULE_FLAG, NONE, STRING_SLICE, STRING_SLICE_FIXED } from '@pybundle/format-spec'
import type { Core } from './core.js'
import { decodeName } from './strings.js'
import { emitCode } from './emit.js'
import { materializeCode } from './materialize.js'
import { PagedCache } from './paged.js'

/** A constant as CodeView.consts hands it out: code objects stay lazy. */
export type ConstValue = Exclude<PyValue, PyCode> | CodeView

/** A read-only list that resolves entries on demand. */
export interface LazyList<T> extends Iterable<T> {
  readonly length: number
  get(i: number): T
  toArray(): T[]
}

class ListImpl<T> implements LazyList<T> {
  constructor(
    private readonly core: Core,
    readonly length: number,
    private readonly fetch: (i: number) => T,
  ) {}
  get(i: number): T {
    this.core.mem.alive()
    checkIndex(i, this.length)
    return this.fetch(i)
  }
  toArray(): T[] {
    const out: T[] = []
    for (let i = 0; i < this.length; i++) out.push(this.get(i))
    return out
  }
  *[Symbol.iterator](): Iterator<T> {
    for (let i = 0; i < this.length; i++) yield this.get(i)
  }
}

/**
 * A slice of a code record's string list: STRT entries [first, first + length),
 * already checked to lie inside STRT, so get() checks only the bundle and i.
 */
class StrList extends ListImpl<PyStr> {
  constructor(
    private readonly c: Core,
    length: number,
    private readonly first: number,
    /** Absolute offset of the record's str_start field (for errors). */
    private readonly field: number,
  ) {
    super(c, length, unused)
  }
  override get(i: number): PyStr {
    const c = this.c
    if (c.mem.closed) c.mem.alive()
    checkIndex(i, this.length)
    return c.strings.str(this.first + i, this.field)
  }
}

/** co_consts of code record `code`: CNST entries [start, start + length), checked to lie inside CNST. */
class ConstList extends ListImpl<ConstValue> {
  constructor(
    private readonly c: Core,
    length: number,
    private readonly start: number,
    private readonly field: number,
    private readonly code: number,
  ) {
    super(c, length, unused)
  }
  override get(i: number): ConstValue {
    const c = this.c
    if (c.mem.closed) c.mem.alive()
    checkIndex(i, this.length)
    const v = c.consts.raw(this.start + i, this.field, this.code, 0)
    return typeof v === 'number' ? codeView(c, v) : (v as ConstValue)
  }
}

/** BAD_INDEX unless i is a whole number in [0, length): the one index check of every lazy list. */
function checkIndex(i: number, length: number): void {
  if (!(Number.isInteger(i) && i >= 0 && i < length)) fail('BAD_INDEX', `list index ${i} outside [0, ${length})`)
}

function unused(): never {
  throw new Error('unreachable')
}

export interface SourceInfo {
  /** Source size in bytes (0: unknown). */
  readonly size: number
  /** Source mtime, ns since the epoch (0n: unknown). */
  readonly mtimeNs: bigint
  /** xxh64 of the source (0n: unknown). */
  readonly hash: bigint
}

export class ModuleView {
  /** @internal */
  constructor(
    private readonly core: Core,
    /** Module record index (position in the sorted MODS). */
    readonly index: number,
  ) {}

  get name(): string {
    const c = this.core
    c.mem.alive()
    return decodeName(c.modules.nameBytes(this.index), c.sec.MODS.start + c.modules.rel(this.index, 'name_offset'))
  }
  get flags(): number {
    this.core.mem.alive()
    return this.core.modules.u32(this.index, 'flags')
  }
  get isPackage(): boolean {
    return (this.flags & MODULE_FLAG.PACKAGE) !== 0
  }
  get isNamespace(): boolean {
    return (this.flags & MODULE_FLAG.NAMESPACE) !== 0
  }
  get isSourceless(): boolean {
    return (this.flags & MODULE_FLAG.SOURCELESS) !== 0
  }
  get path(): string {
    const c = this.core
    c.mem.alive()
    const off = c.modules.u32(this.index, 'path_offset')
    const len = c.modules.u32(this.index, 'path_length')
    if (len === 0) return ''
    const field = c.sec.MODS.start + c.modules.rel(this.index, 'path_offset')
    return decodeName(c.blobs.view(off, len, field), field)
  }
  get source(): SourceInfo {
    const c = this.core
    c.mem.alive()
    const base = this.index * MODULE.size
    return {
      size: Number(c.sec.MODS.u64(base + MODULE.at.source_size)),
      mtimeNs: c.sec.MODS.i64(base + MODULE.at.source_mtime_ns),
      hash: c.sec.MODS.u64(base + MODULE.at.source_hash),
    }
  }
  /** Index of the top-level code record, or NONE. */
  get codeIndex(): number {
    this.core.mem.alive()
    return this.core.modules.u32(this.index, 'code')
  }
  get codeCount(): number {
    this.core.mem.alive()
    return this.core.modules.u32(this.index, 'code_count')
  }
  /** The module body, or null for a namespace package. */
  get code(): CodeView | null {
    const c = this.core
    c.mem.alive()
    const ci = c.modules.u32(this.index, 'code')
    const field = c.sec.MODS.start + c.modules.rel(this.index, 'code')
    if (ci === NONE) {
      if (!this.isNamespace) fail('MALFORMED', `module record ${this.index} has no code and is not a namespace package`, field)
      return null
    }
    if (this.isNamespace) fail('MALFORMED', `namespace package record ${this.index} has code`, field)
    c.codes.check(ci, field)
    if (c.codes.u32(ci, 'parent') !== NONE) fail('MALFORMED', `module body code record ${ci} has a parent`, c.codes.field(ci, 'parent'))
    if (c.codes.u32(ci, 'module') !== this.index) fail('MALFORMED', `code record ${ci} belongs to module ${c.codes.u32(ci, 'module')}, not ${this.index}`, c.codes.field(ci, 'module'))
    return codeView(c, ci)
  }
  toString(): string {
    return `ModuleView(${this.name})`
  }
}

/**
 * Each open bundle's CodeViews, one per code record (made on first use). Kept here,
 * not in the code table, so that the tables below the views need not know the views'
 * type (no import cycle); Bundle.close() drops them with dropCodeViews.
 */
const codeViews = new WeakMap<Core, PagedCache<CodeView>>()

/** The one CodeView of code record `index` (so identity is stable, like the cached constants). */
export function codeView(core: Core, index: number): CodeView {
  let m = codeViews.get(core)
  if (m === undefined) codeViews.set(core, (m = new PagedCache<CodeView>(core.codeCount)))
  let v = m.get(index)
  if (v === undefined) m.set(index, (v = new CodeView(core, index)))
  return v
}

/** Forget a bundle's CodeViews (close). */
export function dropCodeViews(core: Core): void {
  codeViews.delete(core)
}

type StrListKey = 'names' | 'locals' | 'free' | 'cell'

export class CodeView {
  private namesList: StrList | undefined = undefined
  private localsList: StrList | undefined = undefined
  private freeList: StrList | undefined = undefined
  private cellList: StrList | undefined = undefined
  private constList: ConstList | undefined = undefined

  /** @internal */
  constructor(
    private readonly core: Core,
    /** Code record index. */
    readonly index: number,
  ) {}

  private i32(f: 'argcount' | 'posonlyargcount' | 'kwonlyargcount' | 'nlocals' | 'stacksize' | 'firstlineno'): number {
    this.core.mem.alive()
    return this.core.codes.i32(this.index, f)
  }
  get argcount(): number {
    return this.i32('argcount')
  }
  get posonlyargcount(): number {
    return this.i32('posonlyargcount')
  }
  get kwonlyargcount(): number {
    return this.i32('kwonlyargcount')
  }
  get nlocals(): number {
    return this.i32('nlocals')
  }
  get stacksize(): number {
    return this.i32('stacksize')
  }
  get flags(): number {
    this.core.mem.alive()
    return this.core.codes.u32(this.index, 'flags')
  }
  get firstlineno(): number {
    return this.i32('firstlineno')
  }
  /** Index of the owning module record. */
  get moduleIndex(): number {
    this.core.mem.alive()
    return this.core.codes.u32(this.index, 'module')
  }
  /** Index of the parent code record, or NONE for a module body. */
  get parentIndex(): number {
    this.core.mem.alive()
    return this.core.codes.u32(this.index, 'parent')
  }

  /** co_code: a zero-copy view into the mapping. */
  get bytecode(): Uint8Array {
    this.core.mem.alive()
    return this.core.codes.blob(this.index, 'code')
  }
  /** co_lnotab (3.8/3.9) or co_linetable (3.10+): zero-copy. */
  get linetable(): Uint8Array {
    this.core.mem.alive()
    return this.core.codes.blob(this.index, 'linetable')
  }
  /** co_exceptiontable (3.11+; empty before): zero-copy. */
  get exceptiontable(): Uint8Array {
    this.core.mem.alive()
    return this.core.codes.blob(this.index, 'exceptiontable')
  }
  /** co_localspluskinds (3.11+; empty before): zero-copy. */
  get localspluskinds(): Uint8Array {
    this.core.mem.alive()
    return this.core.codes.blob(this.index, 'kinds')
  }

  private fixedStr(k: number): PyStr {
    const c = this.core
    c.mem.alive()
    return c.strings.str(c.codes.strIndex(this.index, k), c.codes.field(this.index, 'str_start'))
  }
  get filename(): PyStr {
    return this.fixedStr(STRING_SLICE.FILENAME)
  }
  get name(): PyStr {
    return this.fixedStr(STRING_SLICE.NAME)
  }
  /** co_qualname (3.11+); null before. */
  get qualname(): PyStr | null {
    return usesLocalsPlus(this.core.layout) ? this.fixedStr(STRING_SLICE.QUALNAME) : (this.core.mem.alive(), null)
  }

  private strList(key: StrListKey): LazyList<PyStr> {
    const c = this.core
    c.mem.alive()
    const have = key === 'names' ? this.namesList : key === 'locals' ? this.localsList : key === 'free' ? this.freeList : this.cellList
    if (have !== undefined) return have
    // one bounds check for the record, then unchecked reads (CODE holds exactly codeCount records)
    const rec = c.sec.CODE.at(this.index * CODE.size, CODE.size)
    const m = c.mem
    const start = m.u32(rec + CODE.at.str_start)
    const nNames = m.u32(rec + CODE.at.n_names)
    const nLocals = m.u32(rec + CODE.at.n_locals)
    const nFree = m.u32(rec + CODE.at.n_freevars)
    const nCell = m.u32(rec + CODE.at.n_cellvars)
    const field = rec + CODE.at.str_start
    const end = start + STRING_SLICE_FIXED + nNames + nLocals + nFree + nCell
    if (end > c.stringCount) c.codes.checkStrSlice(this.index) // throws its error
    const first = start + STRING_SLICE_FIXED
    let list: StrList
    if (key === 'names') list = this.namesList = new StrList(c, nNames, first, field)
    else if (key === 'locals') list = this.localsList = new StrList(c, nLocals, first + nNames, field)
    else if (key === 'free') list = this.freeList = new StrList(c, nFree, first + nNames + nLocals, field)
    else list = this.cellList = new StrList(c, nCell, first + nNames + nLocals + nFree, field)
    return list
  }
  get names(): LazyList<PyStr> {
    return this.strList('names')
  }
  /** co_varnames (3.8-3.10). */
  get varnames(): LazyList<PyStr> {
    return usesLocalsPlus(this.core.layout) ? this.empty() : this.strList('locals')
  }
  /** co_freevars (3.8-3.10). */
  get freevars(): LazyList<PyStr> {
    return usesLocalsPlus(this.core.layout) ? this.empty() : this.strList('free')
  }
  /** co_cellvars (3.8-3.10). */
  get cellvars(): LazyList<PyStr> {
    return usesLocalsPlus(this.core.layout) ? this.empty() : this.strList('cell')
  }
  /** co_localsplusnames (3.11+). */
  get localsplusnames(): LazyList<PyStr> {
    return usesLocalsPlus(this.core.layout) ? this.strList('locals') : this.empty()
  }
  private empty(): LazyList<PyStr> {
    this.core.mem.alive()
    return new ListImpl<PyStr>(this.core, 0, () => fail('BAD_INDEX', 'empty list'))
  }

  get consts(): LazyList<ConstValue> {
    const c = this.core
    c.mem.alive()
    const have = this.constList
    if (have !== undefined) return have
    const rec = c.sec.CODE.at(this.index * CODE.size, CODE.size)
    const m = c.mem
    const start = m.u32(rec + CODE.at.const_start)
    const n = m.u32(rec + CODE.at.n_consts)
    const field = rec + CODE.at.const_start
    if (start + n > c.constCount) c.codes.checkConstSlice(this.index) // throws its error
    return (this.constList = new ConstList(c, n, start, field, this.index))
  }

  /** The exact PyCode, recursively (the same object on every call). */
  materialize(): PyCode {
    this.core.mem.alive()
    return materializeCode(this.core, this.index) // one pass per record, cached per bundle (materialize.ts)
  }

  /** Marshal bytes of this code object (no pyc header). */
  toMarshal(): Uint8Array {
    this.core.mem.alive()
    return emitCode(this.core, this.index)
  }

  toString(): string {
    return `CodeView(#${this.index})`
  }
}
