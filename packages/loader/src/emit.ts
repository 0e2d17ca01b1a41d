/**
 * Marshal emission straight from the stored records (never through JS values):
 * raw float bits, bytecode and blobs copied from the mapping, strings from their
 * cached payloads, code objects in the field order of the bundle's CodeLayout
 * (cpython-marshal.md, "Code object field order"). Strings get FLAG_REF on first
 * use and 'r' afterwards, so CPython builds each once per emission.
 */
import { fail } from '@pybundle/errors'
import { CONST_TAG, LIMITS, NONE, STRING_SLICE_FIXED } from '@pybundle/format-spec'
import type { Core } from './core.js'

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
  bytes(src: Uint8Array): void {
    const n = src.length
    this.need(n)
    if (n < 16) {
      const b = this.buf
      let p = this.p
      for (let i = 0; i < n; i++) b[p++] = src[i]
      this.p = p
    } else {
      this.buf.set(src, this.p)
      this.p += n
    }
  }
}

class Emitter {
  readonly out: Out
  private readonly refs = new Map<number, number>()
  private readonly modern: boolean
  private readonly hasNlocals: boolean

  constructor(private readonly core: Core, sizeHint: number) {
    this.out = new Out(sizeHint)
    this.modern = core.layout === '3.11'
    this.hasNlocals = !this.modern
  }

  private str(i: number, from: number): void {
    const c = this.core
    const o = this.out
    const p = c.payload(i, from)
    const r = c.lastResolved
    const ref = this.refs.get(r)
    if (ref !== undefined) {
      o.byte(TYPE.REF)
      o.i32(ref)
      return
    }
    this.refs.set(r, this.refs.size)
    const n = p.bytes.length
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
    o.bytes(p.bytes)
  }

  private bytesObj(b: Uint8Array): void {
    this.out.byte(TYPE.STRING)
    this.out.i32(b.length)
    this.out.bytes(b)
  }

  private tupleHead(n: number): void {
    if (n < 256) {
      this.out.byte(TYPE.SMALL_TUPLE)
      this.out.byte(n)
    } else {
      this.out.byte(TYPE.TUPLE)
      this.out.i32(n)
    }
  }

  private long(v: bigint): void {
    const o = this.out
    const neg = v < 0n
    let a = neg ? -v : v
    const digits: number[] = []
    while (a > 0n) {
      digits.push(Number(a & 0x7fffn))
      a >>= 15n
    }
    o.byte(TYPE.LONG)
    o.i32(neg ? -digits.length : digits.length)
    o.need(2 * digits.length)
    for (const d of digits) {
      o.buf[o.p++] = d & 0xff
      o.buf[o.p++] = d >>> 8
    }
  }

  const(i: number, from: number, ctx: number, depth: number): void {
    if (depth > LIMITS.MAX_DEPTH) fail('LIMIT_EXCEEDED', `constants nested deeper than ${LIMITS.MAX_DEPTH}`, from)
    const c = this.core
    const o = this.out
    const cdat = c.sec.CDAT
    const r = c.resolveConst(i, from)
    const off = c.lastOffset
    const tag = c.constTag(off)
    switch (tag) {
      case CONST_TAG.NONE:
        return o.byte(TYPE.NONE)
      case CONST_TAG.FALSE:
        return o.byte(TYPE.FALSE)
      case CONST_TAG.TRUE:
        return o.byte(TYPE.TRUE)
      case CONST_TAG.ELLIPSIS:
        return o.byte(TYPE.ELLIPSIS)
      case CONST_TAG.STOP_ITERATION:
        return o.byte(TYPE.STOPITER)
      case CONST_TAG.INT: {
        const lo = cdat.u32(off + 8)
        const hi = cdat.i32(off + 12)
        if ((hi === 0 && lo < 0x80000000) || (hi === -1 && lo >= 0x80000000)) {
          o.byte(TYPE.INT)
          o.i32(lo)
          return
        }
        return this.long(cdat.i64(off + 8))
      }
      case CONST_TAG.BIGINT:
        return this.long(c.bigint(off))
      case CONST_TAG.FLOAT:
        o.byte(TYPE.BINARY_FLOAT)
        return o.bytes(cdat.bytes(off + 8, 8))
      case CONST_TAG.COMPLEX:
        o.byte(TYPE.BINARY_COMPLEX)
        return o.bytes(cdat.bytes(off + 8, 16))
      case CONST_TAG.STR:
        return this.str(cdat.u32(off + 4), cdat.start + off + 4)
      case CONST_TAG.BYTES: {
        const len = cdat.u32(off + 4)
        return this.bytesObj(c.blob(cdat.u32(off + 8), len, cdat.start + off + 8))
      }
      case CONST_TAG.TUPLE:
      case CONST_TAG.FROZENSET: {
        const n = cdat.u32(off + 4)
        cdat.at(off + 8, 4 * n)
        if (tag === CONST_TAG.TUPLE) this.tupleHead(n)
        else {
          o.byte(TYPE.FROZENSET)
          o.i32(n)
        }
        for (let k = 0; k < n; k++) this.item(r, off + 8 + 4 * k, depth)
        return
      }
      case CONST_TAG.SLICE:
        if (c.header.marshalVersion < 5) fail('MALFORMED', 'slice constant in a bundle for marshal version < 5', cdat.start + off)
        o.byte(TYPE.SLICE)
        this.item(r, off + 4, depth)
        this.item(r, off + 8, depth)
        this.item(r, off + 12, depth)
        return
      case CONST_TAG.CODE:
        return this.code(c.codeTarget(r, off, ctx), depth + 1)
      default:
        fail('MALFORMED', `unknown constant tag 0x${tag.toString(16)}`, cdat.start + off)
    }
  }

  private item(r: number, at: number, depth: number): void {
    const cdat = this.core.sec.CDAT
    const j = cdat.u32(at)
    if (j >= r) fail('BAD_INDEX', `container CNST[${r}] refers to CNST[${j}], not an earlier entry`, cdat.start + at)
    this.const(j, cdat.start + at, NONE, depth + 1)
  }

  private strRun(ci: number, first: number, n: number): void {
    const c = this.core
    const field = c.codeField(ci, 'str_start')
    const start = c.codeU32(ci, 'str_start')
    this.tupleHead(n)
    for (let k = 0; k < n; k++) this.str(start + first + k, field)
  }

  code(ci: number, depth: number): void {
    const c = this.core
    const o = this.out
    if (depth > LIMITS.MAX_DEPTH) fail('LIMIT_EXCEEDED', `code objects nested deeper than ${LIMITS.MAX_DEPTH}`, c.codeField(ci, 'parent'))
    c.checkStrSlice(ci)
    c.checkConstSlice(ci)
    o.byte(TYPE.CODE)
    o.i32(c.codeI32(ci, 'argcount'))
    o.i32(c.codeI32(ci, 'posonlyargcount'))
    o.i32(c.codeI32(ci, 'kwonlyargcount'))
    if (this.hasNlocals) o.i32(c.codeI32(ci, 'nlocals'))
    o.i32(c.codeI32(ci, 'stacksize'))
    o.i32(c.codeU32(ci, 'flags'))
    this.bytesObj(c.codeBlob(ci, 'code'))
    const cStart = c.codeU32(ci, 'const_start')
    const nConsts = c.codeU32(ci, 'n_consts')
    const cField = c.codeField(ci, 'const_start')
    this.tupleHead(nConsts)
    for (let k = 0; k < nConsts; k++) this.const(cStart + k, cField, ci, depth)
    const nNames = c.codeU32(ci, 'n_names')
    const nLocals = c.codeU32(ci, 'n_locals')
    const F = STRING_SLICE_FIXED
    this.strRun(ci, F, nNames)
    this.strRun(ci, F + nNames, nLocals)
    if (this.modern) {
      this.bytesObj(c.codeBlob(ci, 'kinds'))
    } else {
      const nFree = c.codeU32(ci, 'n_freevars')
      this.strRun(ci, F + nNames + nLocals, nFree)
      this.strRun(ci, F + nNames + nLocals + nFree, c.codeU32(ci, 'n_cellvars'))
    }
    const start = c.codeU32(ci, 'str_start')
    const sField = c.codeField(ci, 'str_start')
    this.str(start, sField)
    this.str(start + 1, sField)
    if (this.modern) this.str(start + 2, sField)
    o.i32(c.codeI32(ci, 'firstlineno'))
    this.bytesObj(c.codeBlob(ci, 'linetable'))
    if (this.modern) this.bytesObj(c.codeBlob(ci, 'exceptiontable'))
  }
}

/** Marshal bytes of code record `ci` after `prefix` bytes reserved at the front (for a pyc header). */
export function emitCode(core: Core, ci: number, prefix = 0, sizeHint = 4096): Uint8Array {
  const e = new Emitter(core, sizeHint)
  e.out.need(prefix)
  e.out.p = prefix
  e.code(ci, 0)
  return e.out.buf.subarray(0, e.out.p)
}
