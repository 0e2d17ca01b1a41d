/**
 * The output side of marshal emission (emit.ts): one growing buffer and the
 * marshal forms that need nothing from the bundle (type bytes, lengths, refs,
 * tuple heads, longs). The emitter extends it, so a write is a call on the
 * emitter itself, as it was before the split.
 */
import { longDigits } from '@pybundle/cpython'

export const FLAG_REF = 0x80
/** A marshal object's type byte and its u32 length (or digit count) come before its payload. */
export const TYPE_AND_LENGTH = 5
const T = (s: string): number => s.charCodeAt(0)
export const TYPE = {
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

/** Runs shorter than this are copied by a loop (no view allocated), longer ones by set(). */
const SHORT_COPY = 16

/** Little-endian i32 at b[p]; returns p + 4. */
export function put32(b: Uint8Array, p: number, v: number): number {
  b[p] = v
  b[p + 1] = v >>> 8
  b[p + 2] = v >>> 16
  b[p + 3] = v >>> 24
  return p + 4
}

/** The marshal type byte, with FLAG_REF, of an ASCII str of n bytes: a short type (one length byte) exactly when n < 256. */
export function asciiType(n: number, interned: boolean): number {
  return (n < 256 ? (interned ? TYPE.SHORT_ASCII_INTERNED : TYPE.SHORT_ASCII) : interned ? TYPE.ASCII_INTERNED : TYPE.ASCII) | FLAG_REF
}

const SHORT_ASCII_REF = TYPE.SHORT_ASCII | FLAG_REF
const SHORT_ASCII_INTERNED_REF = TYPE.SHORT_ASCII_INTERNED | FLAG_REF

export class MarshalOut {
  p = 0

  constructor(public buf: Uint8Array) {}

  /** Room for n more bytes (the buffer doubles). */
  need(n: number): void {
    if (this.p + n <= this.buf.length) return
    let size = this.buf.length * 2
    while (size < this.p + n) size *= 2
    const b = new Uint8Array(size)
    b.set(this.buf.subarray(0, this.p))
    this.buf = b
  }

  /** Copy u8[a, a + n) to the output (room already made). */
  protected copyIn(src: Uint8Array, a: number, n: number): void {
    const b = this.buf
    let p = this.p
    if (n < SHORT_COPY) {
      for (let e = a + n; a < e; a++) b[p++] = src[a]
    } else {
      b.set(src.subarray(a, a + n), p)
      p += n
    }
    this.p = p
  }

  /** A str's type byte (with FLAG_REF) and its length: one byte for the short ASCII types, else a u32 (room already made). */
  protected strHead(type: number, n: number): void {
    const b = this.buf
    let p = this.p
    b[p++] = type
    if (type === SHORT_ASCII_REF || type === SHORT_ASCII_INTERNED_REF) b[p++] = n
    else p = put32(b, p, n)
    this.p = p
  }

  protected ref(slot: number): void {
    this.need(TYPE_AND_LENGTH)
    const b = this.buf
    b[this.p] = TYPE.REF
    this.p = put32(b, this.p + 1, slot)
  }

  protected byte(v: number): void {
    this.need(1)
    this.buf[this.p++] = v
  }

  protected i32(v: number): void {
    this.need(4)
    this.p = put32(this.buf, this.p, v)
  }

  protected tupleHead(n: number, flag: number): void {
    this.need(TYPE_AND_LENGTH)
    const b = this.buf
    if (n < 256) {
      b[this.p++] = TYPE.SMALL_TUPLE | flag
      b[this.p++] = n
    } else {
      b[this.p] = TYPE.TUPLE | flag
      this.p = put32(b, this.p + 1, n)
    }
  }

  protected long(v: bigint, flag: number): void {
    const digits = longDigits(v)
    this.need(TYPE_AND_LENGTH + 2 * digits.length)
    const b = this.buf
    b[this.p] = TYPE.LONG | flag
    let p = put32(b, this.p + 1, v < 0n ? -digits.length : digits.length)
    for (const d of digits) {
      b[p++] = d & 0xff
      b[p++] = d >>> 8
    }
    this.p = p
  }
}
