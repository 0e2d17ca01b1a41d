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
import { longDigits } from '@pybundle/cpython'
import { fail } from '@pybundle/errors'
import {
  CODE, CONST_BYTES, CONST_COMPLEX, CONST_FLOAT, CONST_INT, CONST_ITEM_SIZE, CONST_SEQUENCE, CONST_SLICE, CONST_STR, CONST_TAG, LIMITS, NONE,
  STRING_SLICE, STRING_SLICE_FIXED,
} from '@pybundle/format-spec'
import { checkCodeObject } from './code-check.js'
import type { Core } from './core.js'

/** The high 32 bits of a little-endian i64 follow its low 32. */
const HIGH_HALF = 4
/** A marshal BINARY_FLOAT is the 8 bytes of the binary64, as CDAT stores them. */
const FLOAT_BYTES = 8
// Field offsets of the constant records (layout.ts), hoisted out of the per-constant paths.
const K_BYTES_BLOB_OFFSET = CONST_BYTES.at.blob_offset
const K_BYTES_LENGTH = CONST_BYTES.at.length
const K_COMPLEX_REAL_BITS = CONST_COMPLEX.at.real_bits
const K_FLOAT_BITS = CONST_FLOAT.at.bits
const K_INT_VALUE = CONST_INT.at.value
const K_SEQUENCE_COUNT = CONST_SEQUENCE.at.count
const K_SEQUENCE_SIZE = CONST_SEQUENCE.size
const K_SLICE_START = CONST_SLICE.at.start
const K_SLICE_STEP = CONST_SLICE.at.step
const K_SLICE_STOP = CONST_SLICE.at.stop
const K_STR_STRING = CONST_STR.at.string
const K_ITEM_SIZE = CONST_ITEM_SIZE

const FLAG_REF = 0x80
const T = (s: string): number => s.charCodeAt(0)
const TYPE = {
  NONE: T('N'),
  FALSE: T('F'),
  TRUE: T('T'),
  STOPITER: T('S'),
  ELLIPSIS: T('.'),
  INT: T('i'),
  LONG: T('l'),
  BINARY_FLOAT: T('g'),
  BINARY_COMPLEX: T('y'),
  STRING: T('s'),
  UNICODE: T('u'),
  INTERNED: T('t'),
  ASCII: T('a'),
  ASCII_INTERNED: T('A'),
  SHORT_ASCII: T('z'),
  SHORT_ASCII_INTERNED: T('Z'),
  TUPLE: T('('),
  SMALL_TUPLE: T(')'),
  FROZENSET: T('>'),
  CODE: T('c'),
  REF: T('r'),
  SLICE: T(':'),
} as const

/** A growable output buffer: doubles on demand, no per-byte allocation. */
class Out {
  buf: Uint8Array
  p = 0
  constructor(initial: number) {
    this.buf = new Uint8Array(Math.max(256, initial))
  }
  need(n: number): void {
    if (this.p + n <= this.buf.length) return
    let size = this.buf.length * 2
    while (size < this.p + n) size *= 2
    const b = new Uint8Array(size)
    b.set(this.buf.subarray(0, this.p))
    this.buf = b
  }
  byte(v: number): void {
    this.need(1)
    this.buf[this.p++] = v
  }
  i32(v: number): void {
    this.need(4)
    const b = this.buf
    const p = this.p
    b[p] = v
    b[p + 1] = v >>> 8
    b[p + 2] = v >>> 16
    b[p + 3] = v >>> 24
    this.p = p + 4
  }
  /** Copy src[start, start + n). Short runs by hand (no view allocated), long ones by set(). */
  copy(src: Uint8Array, start: number, n: number): void {
    this.need(n)
    if (n < 32) {
      const b = this.buf
      let p = this.p
      for (let i = start, end = start + n; i < end; i++) b[p++] = src[i]
      this.p = p
    } else {
      this.buf.set(src.subarray(start, start + n), this.p)
      this.p += n
    }
  }
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

class Emitter {
  readonly out: Out
  private readonly stamp: Int32Array
  private readonly slot: Int32Array
  /** The same for resolved CNST entries. */
  private readonly cstamp: Int32Array
  private readonly cslot: Int32Array
  private readonly cheight: Uint16Array
  private readonly id: number
  private nrefs = 0
  private readonly modern: boolean
  private readonly hasNlocals: boolean

  constructor(private readonly core: Core, sizeHint: number) {
    this.out = new Out(sizeHint)
    this.modern = core.layout === '3.11'
    this.hasNlocals = !this.modern
    // One ref table per bundle, reused by every emission through a stamp (no Map per emission).
    this.stamp = core.refStamp ??= new Int32Array(core.stringCount)
    this.slot = core.refSlot ??= new Int32Array(core.stringCount)
    this.cstamp = core.constRefStamp ??= new Int32Array(core.constCount)
    this.cslot = core.constRefSlot ??= new Int32Array(core.constCount)
    // Written before the entry's stamp is read again (items are earlier entries: no entry refers to an ancestor).
    this.cheight = core.constRefHeight ??= new Uint16Array(core.constCount)
    this.id = ++core.emissions
  }

  private str(i: number, from: number): void {
    const c = this.core
    const o = this.out
    const p = c.payload(i, from)
    const r = c.lastResolved
    if (this.stamp[r] === this.id) {
      o.byte(TYPE.REF)
      o.i32(this.slot[r])
      return
    }
    this.stamp[r] = this.id
    this.slot[r] = this.nrefs++
    const n = p.length
    if (p.ascii) {
      if (n < 256) {
        o.byte((p.interned ? TYPE.SHORT_ASCII_INTERNED : TYPE.SHORT_ASCII) | FLAG_REF)
        o.byte(n)
      } else {
        o.byte((p.interned ? TYPE.ASCII_INTERNED : TYPE.ASCII) | FLAG_REF)
        o.i32(n)
      }
    } else {
      o.byte((p.interned ? TYPE.INTERNED : TYPE.UNICODE) | FLAG_REF)
      o.i32(n)
    }
    o.copy(p.src, p.start, n)
  }

  /** A bytes object ('s') from a checked BLOB range. */
  private blobObj(offset: number, length: number, field: number, flag = 0): void {
    const a = this.core.blobAbs(offset, length, field)
    this.out.byte(TYPE.STRING | flag)
    this.out.i32(length)
    this.out.copy(this.core.mem.u8, a, length)
  }

  /** A bytes object from one of a code record's blob field pairs (base = record offset in CODE). */
  private codeBlobObj(base: number, offField: number, lenField: number): void {
    const sec = this.core.sec.CODE
    this.blobObj(sec.u32(base + offField), sec.u32(base + lenField), sec.start + base + offField)
  }

  private tupleHead(n: number, flag = 0): void {
    if (n < 256) {
      this.out.byte(TYPE.SMALL_TUPLE | flag)
      this.out.byte(n)
    } else {
      this.out.byte(TYPE.TUPLE | flag)
      this.out.i32(n)
    }
  }

  private long(v: bigint, flag: number): void {
    const o = this.out
    const digits = longDigits(v)
    o.byte(TYPE.LONG | flag)
    o.i32(v < 0n ? -digits.length : digits.length)
    o.need(2 * digits.length)
    for (const d of digits) {
      o.buf[o.p++] = d & 0xff
      o.buf[o.p++] = d >>> 8
    }
  }

  /** Emit CNST entry i; returns its nesting height (0 for a scalar), which counts against MAX_DEPTH even when referenced. */
  const(i: number, from: number, ctx: number, depth: number): number {
    if (depth > LIMITS.MAX_DEPTH) depthFail('constants', depth, from)
    const c = this.core
    const o = this.out
    const cdat = c.sec.CDAT
    const r = c.resolveConst(i, from)
    const off = c.lastOffset
    const tag = c.constTag(off)
    switch (tag) {
      case CONST_TAG.NONE:
        o.byte(TYPE.NONE)
        return 0
      case CONST_TAG.FALSE:
        o.byte(TYPE.FALSE)
        return 0
      case CONST_TAG.TRUE:
        o.byte(TYPE.TRUE)
        return 0
      case CONST_TAG.ELLIPSIS:
        o.byte(TYPE.ELLIPSIS)
        return 0
      case CONST_TAG.STOP_ITERATION:
        o.byte(TYPE.STOPITER)
        return 0
      case CONST_TAG.STR:
        this.str(cdat.u32(off + K_STR_STRING), cdat.start + off + K_STR_STRING)
        return 0
      case CONST_TAG.CODE:
        this.code(c.codeTarget(r, off, ctx), depth + 1)
        return 0
    }
    // Every other constant: once with FLAG_REF, then 'r' (its slot is taken here, before any items: pre-order).
    if (this.cstamp[r] === this.id) {
      const h = this.cheight[r]
      if (depth + h > LIMITS.MAX_DEPTH) depthFail('constants', depth + h, from)
      o.byte(TYPE.REF)
      o.i32(this.cslot[r])
      return h
    }
    switch (tag) {
      case CONST_TAG.INT: {
        this.claim(r)
        const lo = cdat.u32(off + K_INT_VALUE)
        const hi = cdat.i32(off + K_INT_VALUE + HIGH_HALF)
        if ((hi === 0 && lo < 0x80000000) || (hi === -1 && lo >= 0x80000000)) {
          o.byte(TYPE.INT | FLAG_REF)
          o.i32(lo)
          return 0
        }
        this.long(cdat.i64(off + K_INT_VALUE), FLAG_REF)
        return 0
      }
      case CONST_TAG.BIGINT: {
        const v = c.bigint(off)
        this.claim(r)
        this.long(v, FLAG_REF)
        return 0
      }
      case CONST_TAG.FLOAT: {
        const a = cdat.at(off + K_FLOAT_BITS, FLOAT_BYTES)
        this.claim(r)
        o.byte(TYPE.BINARY_FLOAT | FLAG_REF)
        o.copy(c.mem.u8, a, FLOAT_BYTES)
        return 0
      }
      case CONST_TAG.COMPLEX: {
        const a = cdat.at(off + K_COMPLEX_REAL_BITS, 2 * FLOAT_BYTES)
        this.claim(r)
        o.byte(TYPE.BINARY_COMPLEX | FLAG_REF)
        o.copy(c.mem.u8, a, 2 * FLOAT_BYTES)
        return 0
      }
      case CONST_TAG.BYTES: {
        const len = cdat.u32(off + K_BYTES_LENGTH)
        const boff = cdat.u32(off + K_BYTES_BLOB_OFFSET)
        c.blobAbs(boff, len, cdat.start + off + K_BYTES_BLOB_OFFSET)
        this.claim(r)
        this.blobObj(boff, len, cdat.start + off + K_BYTES_BLOB_OFFSET, FLAG_REF)
        return 0
      }
      case CONST_TAG.TUPLE:
      case CONST_TAG.FROZENSET: {
        const n = cdat.u32(off + K_SEQUENCE_COUNT)
        cdat.at(off + K_SEQUENCE_SIZE, K_ITEM_SIZE * n)
        this.claim(r)
        if (tag === CONST_TAG.TUPLE) this.tupleHead(n, FLAG_REF)
        else {
          o.byte(TYPE.FROZENSET | FLAG_REF)
          o.i32(n)
        }
        let h = 0
        for (let k = 0; k < n; k++) h = Math.max(h, this.item(r, off + K_SEQUENCE_SIZE + K_ITEM_SIZE * k, depth) + 1)
        return (this.cheight[r] = h)
      }
      case CONST_TAG.SLICE:
        if (c.header.marshalVersion < 5) fail('MALFORMED', 'slice constant in a bundle for marshal version < 5', cdat.start + off)
        this.claim(r)
        o.byte(TYPE.SLICE | FLAG_REF)
        return (this.cheight[r] = Math.max(this.item(r, off + K_SLICE_START, depth), this.item(r, off + K_SLICE_STOP, depth), this.item(r, off + K_SLICE_STEP, depth)) + 1)
      default:
        fail('MALFORMED', `unknown constant tag 0x${tag.toString(16)}`, cdat.start + off)
    }
  }

  /** Give resolved CNST entry r the next ref slot of this emission. */
  private claim(r: number): void {
    this.cstamp[r] = this.id
    this.cslot[r] = this.nrefs++
    this.cheight[r] = 0
  }

  private item(r: number, at: number, depth: number): number {
    const cdat = this.core.sec.CDAT
    const j = cdat.u32(at)
    if (j >= r) fail('BAD_INDEX', `container CNST[${r}] refers to CNST[${j}], not an earlier entry`, cdat.start + at)
    return this.const(j, cdat.start + at, NONE, depth + 1)
  }

  private strRun(start: number, n: number, field: number): void {
    this.tupleHead(n)
    for (let k = 0; k < n; k++) this.str(start + k, field)
  }

  code(ci: number, depth: number): void {
    const c = this.core
    const o = this.out
    const sec = c.sec.CODE
    const base = ci * CODE.size
    if (depth > LIMITS.MAX_DEPTH) depthFail('code objects', depth, sec.start + base)
    c.checkCode(ci, sec.start + base)
    checkCodeObject(c, ci)
    const strStart = sec.u32(base + C_STR_START)
    const nNames = sec.u32(base + C_N_NAMES)
    const nLocals = sec.u32(base + C_N_LOCALS)
    const nFree = this.modern ? 0 : sec.u32(base + C_N_FREE)
    const nCell = this.modern ? 0 : sec.u32(base + C_N_CELL)
    const sField = sec.start + base + C_STR_START
    if (strStart + STRING_SLICE_FIXED + nNames + nLocals + nFree + nCell > c.stringCount) c.checkStrSlice(ci)
    const cStart = sec.u32(base + C_CONST_START)
    const nConsts = sec.u32(base + C_N_CONSTS)
    const cField = sec.start + base + C_CONST_START
    if (cStart + nConsts > c.constCount) c.checkConstSlice(ci)

    o.byte(TYPE.CODE)
    o.i32(sec.i32(base + C_ARGCOUNT))
    o.i32(sec.i32(base + C_POSONLY))
    o.i32(sec.i32(base + C_KWONLY))
    if (this.hasNlocals) o.i32(sec.i32(base + C_NLOCALS))
    o.i32(sec.i32(base + C_STACKSIZE))
    o.i32(sec.u32(base + C_FLAGS))
    this.codeBlobObj(base, CODE.at.code_offset, CODE.at.code_length)
    this.tupleHead(nConsts)
    for (let k = 0; k < nConsts; k++) this.const(cStart + k, cField, ci, depth)
    const F = strStart + STRING_SLICE_FIXED
    this.strRun(F, nNames, sField)
    this.strRun(F + nNames, nLocals, sField)
    if (this.modern) {
      this.codeBlobObj(base, CODE.at.kinds_offset, CODE.at.kinds_length)
    } else {
      this.strRun(F + nNames + nLocals, nFree, sField)
      this.strRun(F + nNames + nLocals + nFree, nCell, sField)
    }
    this.str(strStart + STRING_SLICE.FILENAME, sField)
    this.str(strStart + STRING_SLICE.NAME, sField)
    if (this.modern) this.str(strStart + STRING_SLICE.QUALNAME, sField)
    o.i32(sec.i32(base + C_FIRSTLINENO))
    this.codeBlobObj(base, CODE.at.linetable_offset, CODE.at.linetable_length)
    if (this.modern) this.codeBlobObj(base, CODE.at.exceptiontable_offset, CODE.at.exceptiontable_length)
  }
}

function depthFail(what: string, depth: number, at: number): never {
  fail('LIMIT_EXCEEDED', `${what} nested deeper than MAX_DEPTH (${LIMITS.MAX_DEPTH})`, at, { limit: 'MAX_DEPTH', value: depth, max: LIMITS.MAX_DEPTH })
}

/** Marshal bytes of code record `ci` after `prefix` bytes reserved at the front (for a pyc header). */
export function emitCode(core: Core, ci: number, prefix = 0, sizeHint = 4096): Uint8Array {
  const e = new Emitter(core, sizeHint)
  e.out.need(prefix)
  e.out.p = prefix
  e.code(ci, 0)
  return e.out.buf.subarray(0, e.out.p)
}
