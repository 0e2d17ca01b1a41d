/**
 * Marshal emission straight from the stored records (never through JS values):
 * raw float bits, bytecode and blobs copied from the mapping, strings from their
 * cached payloads, code objects in the field order of the bundle's CodeLayout
 * (@pybundle/cpython's CodeLayout, packages/cpython/src/value.ts; SPEC §13). Strings get FLAG_REF on first
 * use and 'r' afterwards, so CPython builds each once per emission. So do constants
 * other than None/True/False/.../StopIteration (singletons) and code objects (each
 * record is reached once): the first time a resolved CNST entry is emitted it is
 * written with FLAG_REF and later uses are 'r' back-references (SPEC §13), so the
 * output is linear in the bundle even when shared constants form a DAG with
 * exponentially many paths. Ref slots are numbered in pre-order, as CPython's
 * reader assigns them: a tuple takes its slot when created (before its items),
 * a frozenset or slice reserves its slot before its items; scalars take theirs
 * when read, which for a leaf is the same point.
 */
import { usesLocalsPlus } from '@pybundle/cpython'
import { fail } from '@pybundle/errors'
import { CODE, CONST_TAG, LIMITS, NONE, STRING_RECORD, STRING_SLICE, STRING_SLICE_FIXED } from '@pybundle/format-spec'
import type { Blobs } from './blobs.js'
import { checkCodeObject } from './code-check.js'
import type { CodeTable } from './code-table.js'
import {
  K_BYTES_BLOB_OFFSET, K_BYTES_LENGTH, K_COMPLEX_REAL_BITS, K_FLOAT_BITS, K_INT_VALUE, K_ITEM_SIZE, K_SEQUENCE_COUNT, K_SEQUENCE_SIZE, K_SLICE_START, K_STR_STRING,
} from './const-fields.js'
import type { ConstTable } from './const-table.js'
import type { Core } from './core.js'
import { FLAG_REF, MarshalOut, TYPE, TYPE_AND_LENGTH, asciiType, put32 } from './marshal-out.js'
import type { Mem } from './mem.js'
import type { StringTable } from './string-table.js'
import type { TableEntries } from './table-entries.js'

/** The high 32 bits of a little-endian i64 follow its low 32. */
const HIGH_HALF = 4
/** A marshal BINARY_FLOAT is the 8 bytes of the binary64, as CDAT stores them. */
const FLOAT_BYTES = 8
/**
 * What the emitter keeps per bundle between emissions (Core.emitState): the ref
 * tables, a cache of each string's marshal form, and the output buffer.
 *
 * The ref tables are numbered by a stamp, so an emission needs no Map and no
 * clearing: stamp[r] === the emission's id when resolved STRT entry r has ref
 * slot slot[r] in it (cstamp/cslot/cheight the same for resolved CNST entries;
 * cheight is the nesting height, written before the entry's stamp is read again:
 * items are earlier entries, no entry refers to an ancestor).
 *
 * sType[r] !== 0 once string r's record was checked: NOT_PLAIN when it is not plain
 * ASCII (its marshal form comes from StringTable.payload, cached there), else the
 * marshal type byte with FLAG_REF of a plain ASCII record in the mapping (its bytes
 * at sAbs[r], sLen[r] of them): later uses, in this emission or any other, copy the
 * bytes without a second look at the record. The arrays are allocated (zeroed, lazily
 * by the system) on the first emission, 17 bytes per string.
 */
interface EmitState {
  emissions: number
  buf: Uint8Array
  readonly stamp: Int32Array
  readonly slot: Int32Array
  readonly sAbs: Int32Array
  readonly sLen: Int32Array
  readonly sType: Uint8Array
  readonly cstamp: Int32Array
  readonly cslot: Int32Array
  readonly cheight: Uint16Array
}

/** sType of a checked string record that is not plain ASCII (type bytes with FLAG_REF are >= 0x80). */
const NOT_PLAIN = 1

/** Output buffers up to this size are kept for the next emission (larger ones are dropped after use). */
const KEEP_BUFFER = 1 << 20
function emitState(core: Core): EmitState {
  let s = core.emitState as EmitState | undefined
  if (s === undefined) {
    const n = core.stringCount
    const k = core.constCount
    s = {
      emissions: 0,
      buf: new Uint8Array(1 << 16),
      stamp: new Int32Array(n),
      slot: new Int32Array(n),
      sAbs: new Int32Array(n),
      sLen: new Int32Array(n),
      sType: new Uint8Array(n),
      cstamp: new Int32Array(k),
      cslot: new Int32Array(k),
      cheight: new Uint16Array(k),
    }
    core.emitState = s
  }
  return s
}

const C_ARGCOUNT = CODE.at.argcount
const C_POSONLY = CODE.at.posonlyargcount
const C_KWONLY = CODE.at.kwonlyargcount
const C_NLOCALS = CODE.at.nlocals
const C_STACKSIZE = CODE.at.stacksize
const C_FLAGS = CODE.at.flags
const C_FIRSTLINENO = CODE.at.firstlineno
const C_STR_START = CODE.at.str_start
const C_N_NAMES = CODE.at.n_names
const C_N_LOCALS = CODE.at.n_locals
const C_N_FREE = CODE.at.n_freevars
const C_N_CELL = CODE.at.n_cellvars
const C_CONST_START = CODE.at.const_start
const C_N_CONSTS = CODE.at.n_consts
const C_CODE_OFFSET = CODE.at.code_offset
const C_CODE_LENGTH = CODE.at.code_length
const C_KINDS_OFFSET = CODE.at.kinds_offset
const C_KINDS_LENGTH = CODE.at.kinds_length
const C_LINETABLE_OFFSET = CODE.at.linetable_offset
const C_LINETABLE_LENGTH = CODE.at.linetable_length
const C_EXCEPTIONTABLE_OFFSET = CODE.at.exceptiontable_offset
const C_EXCEPTIONTABLE_LENGTH = CODE.at.exceptiontable_length
const S_SIZE = STRING_RECORD.size

/**
 * One emission. It reads through the tables' own methods (TableEntries.follow and
 * recordOffset for every entry, StringTable.plainAscii and payload for a string's
 * first use, ConstTable.tag for every constant), which make the checks in their
 * order and throw their errors, so a damaged bundle fails as the views fail; a code
 * record is checked and counted once (Section.at) and its fields read unchecked (Mem).
 */
class Emitter extends MarshalOut {
  private readonly s: EmitState
  private readonly id: number
  private nrefs = 0
  private readonly localsPlus: boolean
  private readonly mem: Mem
  private readonly strings: StringTable
  private readonly strt: TableEntries
  private readonly consts: ConstTable
  private readonly cnst: TableEntries
  private readonly codes: CodeTable
  private readonly blobs: Blobs

  constructor(private readonly core: Core) {
    super(emitState(core).buf)
    const s = emitState(core)
    this.s = s
    this.id = ++s.emissions
    this.localsPlus = usesLocalsPlus(core.layout)
    this.mem = core.mem
    this.strings = core.strings
    this.strt = core.strings.entries
    this.consts = core.consts
    this.cnst = core.consts.entries
    this.codes = core.codes
    this.blobs = core.blobs
  }

  /** The bytes written, copied out; the buffer stays with the bundle for the next emission. */
  result(): Uint8Array {
    const out = this.buf.slice(0, this.p)
    this.s.buf = this.buf.length <= KEEP_BUFFER ? this.buf : new Uint8Array(1 << 16)
    return out
  }

  /** STRT entry i as a marshal str: a back-reference when this emission already wrote it. */
  private str(i: number, from: number): void {
    const s = this.s
    const r = this.strt.follow(i, from)
    if (s.stamp[r] === this.id) return this.ref(s.slot[r])
    if (s.sType[r] === 0) this.checkStr(i, r)
    if (s.sType[r] === NOT_PLAIN) return this.strPayload(i, r)
    s.stamp[r] = this.id
    s.slot[r] = this.nrefs++
    const n = s.sLen[r]
    this.need(TYPE_AND_LENGTH + n)
    this.strHead(s.sType[r], n)
    this.copyIn(this.mem.u8, s.sAbs[r], n)
  }

  /** The first use of string record r (entry i resolved to r) in this bundle: its sType (and bytes, when plain ASCII). */
  private checkStr(i: number, r: number): void {
    const s = this.s
    const off = this.strt.recordOffset(i, r)
    const plain = this.strings.plainAscii(off)
    if (plain < 0) {
      s.sType[r] = NOT_PLAIN
      return
    }
    const interned = (plain & 1) === 1
    const n = (plain - (plain & 1)) / 2
    s.sAbs[r] = this.core.sec.STRD.start + off + S_SIZE
    s.sLen[r] = n
    s.sType[r] = asciiType(n, interned)
  }

  /** A string that is not plain ASCII, not yet written in this emission: its payload (StringTable checks the record and throws its error). */
  private strPayload(i: number, r: number): void {
    const s = this.s
    const p = this.strings.payload(i, r) // a Latin-1/UCS payload, or ASCII with the surrogate flag
    s.stamp[r] = this.id
    s.slot[r] = this.nrefs++
    const n = p.length
    this.need(TYPE_AND_LENGTH + n)
    this.strHead(p.ascii ? asciiType(n, p.interned) : (p.interned ? TYPE.INTERNED : TYPE.UNICODE) | FLAG_REF, n)
    this.copyIn(p.src, p.start, n)
  }

  /** A bytes object ('s') from a checked BLOB range; `field` = absolute offset of the offset field (for errors). */
  private blobObj(offset: number, length: number, field: number, flag: number): void {
    const a = this.blobs.abs(offset, length, field)
    this.need(TYPE_AND_LENGTH + length)
    const b = this.buf
    b[this.p] = TYPE.STRING | flag
    this.p = put32(b, this.p + 1, length)
    this.copyIn(this.mem.u8, a, length)
  }

  /** A bytes object from one of a code record's blob field pairs (rec = absolute offset of the record). */
  private codeBlob(rec: number, offField: number, lenField: number): void {
    const m = this.mem
    this.blobObj(m.u32(rec + offField), m.u32(rec + lenField), rec + offField, 0)
  }

  /**
   * Emit CNST entry i; returns its nesting height (0 for a scalar), which counts against MAX_DEPTH even when referenced.
   * Nested containers recurse through here and container() only, up to MAX_DEPTH levels on Node's
   * default stack, cold (interpreted) too: both keep few locals; leaves are written by leaf(), which
   * returns before any recursion.
   */
  const(i: number, from: number, ctx: number, depth: number): number {
    if (depth > LIMITS.MAX_DEPTH) depthFail('constants', depth, from)
    const e = this.cnst
    const r = e.follow(i, from)
    const off = e.recordOffset(i, r)
    const tag = this.consts.tag(off)
    switch (tag) {
      case CONST_TAG.NONE:
        this.byte(TYPE.NONE)
        return 0
      case CONST_TAG.FALSE:
        this.byte(TYPE.FALSE)
        return 0
      case CONST_TAG.TRUE:
        this.byte(TYPE.TRUE)
        return 0
      case CONST_TAG.ELLIPSIS:
        this.byte(TYPE.ELLIPSIS)
        return 0
      case CONST_TAG.STOP_ITERATION:
        this.byte(TYPE.STOPITER)
        return 0
      case CONST_TAG.STR:
        this.strConst(off)
        return 0
      case CONST_TAG.CODE:
        this.code(this.consts.codeTarget(r, off, ctx), depth + 1)
        return 0
    }
    // Every other constant: once with FLAG_REF, then 'r' (its slot is taken here, before any items: pre-order).
    if (this.s.cstamp[r] === this.id) return this.constRef(r, from, depth)
    if (tag === CONST_TAG.TUPLE || tag === CONST_TAG.FROZENSET || tag === CONST_TAG.SLICE) return this.container(r, off, tag, depth)
    this.leaf(r, off, tag)
    return 0
  }

  private strConst(off: number): void {
    const cdat = this.core.sec.CDAT
    this.str(cdat.u32(off + K_STR_STRING), cdat.start + off + K_STR_STRING)
  }

  /** A back-reference to constant r, already written in this emission (its height still counts). */
  private constRef(r: number, from: number, depth: number): number {
    const s = this.s
    const h = s.cheight[r]
    if (depth + h > LIMITS.MAX_DEPTH) depthFail('constants', depth + h, from)
    this.ref(s.cslot[r])
    return h
  }

  /** A scalar constant (not a singleton, STR or CODE) at CDAT offset off, written with FLAG_REF. */
  private leaf(r: number, off: number, tag: number): void {
    const c = this.core
    const cdat = c.sec.CDAT
    switch (tag) {
      case CONST_TAG.INT: {
        this.claim(r)
        const lo = cdat.u32(off + K_INT_VALUE)
        const hi = cdat.i32(off + K_INT_VALUE + HIGH_HALF)
        if ((hi === 0 && lo < 0x80000000) || (hi === -1 && lo >= 0x80000000)) {
          this.byte(TYPE.INT | FLAG_REF)
          this.i32(lo)
          return
        }
        this.long(cdat.i64(off + K_INT_VALUE), FLAG_REF)
        return
      }
      case CONST_TAG.BIGINT: {
        const v = this.consts.bigint(off)
        this.claim(r)
        this.long(v, FLAG_REF)
        return
      }
      case CONST_TAG.FLOAT: {
        const a = cdat.at(off + K_FLOAT_BITS, FLOAT_BYTES)
        this.claim(r)
        this.need(1 + FLOAT_BYTES)
        this.buf[this.p++] = TYPE.BINARY_FLOAT | FLAG_REF
        this.copyIn(this.mem.u8, a, FLOAT_BYTES)
        return
      }
      case CONST_TAG.COMPLEX: {
        const a = cdat.at(off + K_COMPLEX_REAL_BITS, 2 * FLOAT_BYTES)
        this.claim(r)
        this.need(1 + 2 * FLOAT_BYTES)
        this.buf[this.p++] = TYPE.BINARY_COMPLEX | FLAG_REF
        this.copyIn(this.mem.u8, a, 2 * FLOAT_BYTES)
        return
      }
      case CONST_TAG.BYTES: {
        const len = cdat.u32(off + K_BYTES_LENGTH)
        const boff = cdat.u32(off + K_BYTES_BLOB_OFFSET)
        this.claim(r) // blobObj checks the range (an error ends the emission; its stamps match no later one)
        this.blobObj(boff, len, cdat.start + off + K_BYTES_BLOB_OFFSET, FLAG_REF)
        return
      }
      default:
        fail('MALFORMED', `unknown constant tag 0x${tag.toString(16)}`, cdat.start + off)
    }
  }

  /** A TUPLE, FROZENSET or SLICE constant: its head with FLAG_REF, then its items (earlier entries). */
  private container(r: number, off: number, tag: number, depth: number): number {
    const cdat = this.core.sec.CDAT
    let n = 3
    let rel = off + K_SLICE_START
    if (tag === CONST_TAG.SLICE) {
      if (this.core.header.marshalVersion < 5) fail('MALFORMED', 'slice constant in a bundle for marshal version < 5', cdat.start + off)
      this.claim(r)
      this.byte(TYPE.SLICE | FLAG_REF)
    } else {
      n = cdat.u32(off + K_SEQUENCE_COUNT)
      rel = off + K_SEQUENCE_SIZE
      cdat.at(rel, K_ITEM_SIZE * n)
      this.claim(r)
      if (tag === CONST_TAG.TUPLE) this.tupleHead(n, FLAG_REF)
      else {
        this.byte(TYPE.FROZENSET | FLAG_REF)
        this.i32(n)
      }
    }
    let h = 0
    for (let k = 0; k < n; k++, rel += K_ITEM_SIZE) {
      const j = cdat.u32(rel)
      if (j >= r) fail('BAD_INDEX', `container CNST[${r}] refers to CNST[${j}], not an earlier entry`, cdat.start + rel)
      h = Math.max(h, this.const(j, cdat.start + rel, NONE, depth + 1) + 1)
    }
    return (this.s.cheight[r] = h)
  }

  /** Give resolved CNST entry r the next ref slot of this emission. */
  private claim(r: number): void {
    const s = this.s
    s.cstamp[r] = this.id
    s.cslot[r] = this.nrefs++
    s.cheight[r] = 0
  }

  private strRun(start: number, n: number, field: number): void {
    this.tupleHead(n, 0)
    for (let k = 0; k < n; k++) this.str(start + k, field)
  }

  code(ci: number, depth: number): void {
    const c = this.core
    const sec = c.sec.CODE
    const base = ci * CODE.size
    if (depth > LIMITS.MAX_DEPTH) depthFail('code objects', depth, sec.start + base)
    this.codes.check(ci, sec.start + base)
    const rec = sec.at(base, CODE.size) // one bounds check for the whole record
    checkCodeObject(c, ci, rec)
    const m = this.mem
    const lp = this.localsPlus
    const strStart = m.u32(rec + C_STR_START)
    const nNames = m.u32(rec + C_N_NAMES)
    const nLocals = m.u32(rec + C_N_LOCALS)
    const nFree = lp ? 0 : m.u32(rec + C_N_FREE)
    const nCell = lp ? 0 : m.u32(rec + C_N_CELL)
    const sField = rec + C_STR_START
    if (strStart + STRING_SLICE_FIXED + nNames + nLocals + nFree + nCell > c.stringCount) this.codes.checkStrSlice(ci)
    const cStart = m.u32(rec + C_CONST_START)
    const nConsts = m.u32(rec + C_N_CONSTS)
    const cField = rec + C_CONST_START
    if (cStart + nConsts > c.constCount) this.codes.checkConstSlice(ci)

    this.need(1 + 6 * 4)
    const b = this.buf
    let p = this.p
    b[p++] = TYPE.CODE
    p = put32(b, p, m.i32(rec + C_ARGCOUNT))
    p = put32(b, p, m.i32(rec + C_POSONLY))
    p = put32(b, p, m.i32(rec + C_KWONLY))
    if (!lp) p = put32(b, p, m.i32(rec + C_NLOCALS))
    p = put32(b, p, m.i32(rec + C_STACKSIZE))
    p = put32(b, p, m.u32(rec + C_FLAGS))
    this.p = p
    this.codeBlob(rec, C_CODE_OFFSET, C_CODE_LENGTH)
    this.tupleHead(nConsts, 0)
    for (let k = 0; k < nConsts; k++) this.const(cStart + k, cField, ci, depth)
    const F = strStart + STRING_SLICE_FIXED
    this.strRun(F, nNames, sField)
    this.strRun(F + nNames, nLocals, sField)
    if (lp) {
      this.codeBlob(rec, C_KINDS_OFFSET, C_KINDS_LENGTH)
    } else {
      this.strRun(F + nNames + nLocals, nFree, sField)
      this.strRun(F + nNames + nLocals + nFree, nCell, sField)
    }
    this.str(strStart + STRING_SLICE.FILENAME, sField)
    this.str(strStart + STRING_SLICE.NAME, sField)
    if (lp) this.str(strStart + STRING_SLICE.QUALNAME, sField)
    this.i32(m.i32(rec + C_FIRSTLINENO))
    this.codeBlob(rec, C_LINETABLE_OFFSET, C_LINETABLE_LENGTH)
    if (lp) this.codeBlob(rec, C_EXCEPTIONTABLE_OFFSET, C_EXCEPTIONTABLE_LENGTH)
  }
}

function depthFail(what: string, depth: number, at: number): never {
  fail('LIMIT_EXCEEDED', `${what} nested deeper than MAX_DEPTH (${LIMITS.MAX_DEPTH})`, at, { limit: 'MAX_DEPTH', value: depth, max: LIMITS.MAX_DEPTH })
}

/** Marshal bytes of code record `ci` after `prefix` bytes reserved at the front (for a pyc header). */
export function emitCode(core: Core, ci: number, prefix = 0): Uint8Array {
  const e = new Emitter(core)
  e.need(prefix)
  e.buf.fill(0, 0, prefix)
  e.p = prefix
  e.code(ci, 0)
  return e.result()
}

/**
 * A .pyc of code record `ci`: the 16-byte header (the bundle's magic, flags 0, the
 * source's mtime in seconds and size, both masked to 32 bits), then the marshal bytes.
 */
export function emitPyc(core: Core, ci: number, src: { readonly mtimeNs: bigint; readonly size: number }): Uint8Array {
  const out = emitCode(core, ci, 16)
  const dv = new DataView(out.buffer, out.byteOffset, 16)
  dv.setUint16(0, core.header.pythonMagic, true)
  out[2] = 0x0d
  out[3] = 0x0a
  dv.setUint32(4, 0, true)
  dv.setUint32(8, Number(BigInt.asUintN(32, src.mtimeNs / 1_000_000_000n)), true)
  dv.setUint32(12, src.size >>> 0, true)
  return out
}
