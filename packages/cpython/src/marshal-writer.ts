/**
 * marshal.dumps, in TypeScript, from the exact value model.
 *
 * The output is what CPython's marshal.loads (of the given version and code
 * layout) turns back into an identical object; it is not byte-identical to
 * CPython's own dumps (whose FLAG_REF placement follows reference counts).
 * Choices, following w_object where they matter:
 * - ints in int32 range as 'i', others as 'l' with 15-bit digits;
 * - floats and complex as 'g' / 'y' from the stored bits (NaN payloads kept);
 * - ASCII strs as 'z'/'Z' (< 256) or 'a'/'A', others as 'u'/'t' (surrogatepass
 *   UTF-8); the interned flag picks the upper-case / 't' code;
 * - tuples under 256 items as ')';
 * - repeated equal strs (same value and interned flag) are written once with
 *   FLAG_REF and then as 'r' back-references: smaller, and faster to load.
 * Nesting deeper than CPython reads (2000, leaves counted) is LIMIT_EXCEEDED.
 */
import { fail } from '@pybundle/errors'
import {
  FLAG_REF, MAX_DEPTH, TYPE_ASCII, TYPE_ASCII_INTERNED, TYPE_BINARY_COMPLEX, TYPE_BINARY_FLOAT, TYPE_CODE,
  TYPE_DICT, TYPE_ELLIPSIS, TYPE_FALSE, TYPE_FROZENSET, TYPE_INT, TYPE_INTERNED, TYPE_LIST, TYPE_LONG,
  TYPE_NONE, TYPE_NULL, TYPE_REF, TYPE_SET, TYPE_SHORT_ASCII, TYPE_SHORT_ASCII_INTERNED, TYPE_SLICE,
  TYPE_SMALL_TUPLE, TYPE_STOPITER, TYPE_STRING, TYPE_TRUE, TYPE_TUPLE, TYPE_UNICODE,
} from './marshal-codes.js'
import { codeLayoutForPython, marshalVersionForPython, pythonForMagic, writePycHeader, PYC_HEADER_SIZE, type PycHeaderInit } from './pyc.js'
import { strKey } from './str.js'
import { encodeUtf8SurrogatepassInto, strIsAscii, utf8MaxLength } from './utf8.js'
import type { CodeLayout, PyCode, PyStr, PyValue } from './value.js'
import { usesLocalsPlus } from './value.js'

export interface WriteMarshalOptions {
  /** marshal version: 4 (3.8-3.13) or 5 (3.14+, adds slices). */
  version: 4 | 5
  /** Code-object layout of the target Python. */
  layout: CodeLayout
  /** Share repeated strs through FLAG_REF / 'r' (default true). */
  shareStrings?: boolean
  /**
   * Output size limit (default 256 MiB; marshal's int32 lengths allow up to 2**31 - 1).
   * Values are written as trees, so a value that shares one sub-tuple many
   * times (possible in data read from forged input) grows exponentially: the
   * limit turns that into LIMIT_EXCEEDED instead of exhausting memory.
   */
  maxBytes?: number
  /** Nesting limit of the CPython that will read the output (default 2000; see ReadMarshalOptions.maxDepth). */
  maxDepth?: number
}

const INT32_MIN = -(2n ** 31n)
const INT32_MAX = 2n ** 31n - 1n

class Writer {
  buf: Uint8Array
  private dv: DataView
  pos = 0
  private depth = 0
  private readonly version: 4 | 5
  private readonly layout: CodeLayout
  private readonly share: boolean
  private readonly maxBytes: number
  private readonly maxDepth: number
  /** Ref slots of strs already written: by object first (the reader hands out one object per ref), then by value. */
  private readonly slotByObject = new Map<PyStr, number>()
  /** By text, [not interned, interned], for strs without surrogates; strKey-keyed for the rest. */
  private readonly slotByText = [new Map<string, number>(), new Map<string, number>()]
  private readonly slotByKey = [new Map<string, number>(), new Map<string, number>()]
  private slots = 0

  constructor(opts: WriteMarshalOptions, initial = 4096) {
    if (opts.version !== 4 && opts.version !== 5) fail('UNSUPPORTED_VERSION', `marshal version ${String(opts.version)} (4 or 5 are written)`)
    if (opts.layout !== '3.8' && opts.layout !== '3.10' && opts.layout !== '3.11') {
      fail('UNSUPPORTED_VERSION', `code layout ${String(opts.layout)}`)
    }
    this.version = opts.version
    this.layout = opts.layout
    this.share = opts.shareStrings ?? true
    this.maxBytes = Math.min(opts.maxBytes ?? 256 * 1024 * 1024, 0x7fffffff)
    this.maxDepth = Math.min(opts.maxDepth ?? MAX_DEPTH, MAX_DEPTH)
    this.buf = new Uint8Array(initial)
    this.dv = new DataView(this.buf.buffer)
  }

  private ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return
    if (this.pos + n > this.maxBytes) fail('LIMIT_EXCEEDED', `marshal output would exceed ${this.maxBytes} bytes`)
    let size = this.buf.length * 2
    while (size < this.pos + n) size *= 2
    size = Math.min(size, Math.max(this.maxBytes, this.pos + n))
    const next = new Uint8Array(size)
    next.set(this.buf.subarray(0, this.pos))
    this.buf = next
    this.dv = new DataView(next.buffer)
  }

  private u8(b: number): void {
    this.ensure(1)
    this.buf[this.pos++] = b
  }

  private i32(x: number): void {
    this.ensure(4)
    this.dv.setInt32(this.pos, x, true)
    this.pos += 4
  }

  /** A count for the int32 length fields: CPython writes them with W_SIZE, which refuses > 2**31-1. */
  private size(n: number): void {
    if (n > 0x7fffffff) fail('LIMIT_EXCEEDED', `a marshal length of ${n} does not fit in int32`)
    this.i32(n)
  }

  private raw(bytes: Uint8Array): void {
    this.ensure(bytes.length)
    this.buf.set(bytes, this.pos)
    this.pos += bytes.length
  }

  private u64(bits: bigint): void {
    this.ensure(8)
    this.dv.setBigUint64(this.pos, BigInt.asUintN(64, bits), true)
    this.pos += 8
  }

  private int32Field(x: number, what: string): void {
    if (!Number.isInteger(x) || x < -0x80000000 || x > 0x7fffffff) fail('UNSUPPORTED_VALUE', `code ${what} ${x} is not an int32`)
    this.i32(x)
  }

  object(v: PyValue): void {
    if (++this.depth > this.maxDepth) {
      fail('LIMIT_EXCEEDED', `value nested deeper than MARSHAL_MAX_DEPTH (${this.maxDepth})`, undefined, {
        limit: 'MARSHAL_MAX_DEPTH',
        max: this.maxDepth,
      })
    }
    switch (v.kind) {
      case 'none':
        this.u8(TYPE_NONE)
        break
      case 'bool':
        this.u8(v.value ? TYPE_TRUE : TYPE_FALSE)
        break
      case 'stopiteration':
        this.u8(TYPE_STOPITER)
        break
      case 'ellipsis':
        this.u8(TYPE_ELLIPSIS)
        break
      case 'int':
        this.int(v.value)
        break
      case 'float':
        this.u8(TYPE_BINARY_FLOAT)
        this.u64(v.bits)
        break
      case 'complex':
        this.u8(TYPE_BINARY_COMPLEX)
        this.u64(v.realBits)
        this.u64(v.imagBits)
        break
      case 'str':
        this.str(v)
        break
      case 'bytes':
        this.u8(TYPE_STRING)
        this.size(v.value.length)
        this.raw(v.value)
        break
      case 'tuple': {
        const n = v.items.length
        if (n < 256) {
          this.u8(TYPE_SMALL_TUPLE)
          this.u8(n)
        } else {
          this.u8(TYPE_TUPLE)
          this.size(n)
        }
        for (const x of v.items) this.object(x)
        break
      }
      case 'list':
        this.u8(TYPE_LIST)
        this.size(v.items.length)
        for (const x of v.items) this.object(x)
        break
      case 'dict':
        this.u8(TYPE_DICT)
        for (const [k, x] of v.entries) {
          this.object(k)
          this.object(x)
        }
        this.u8(TYPE_NULL)
        break
      case 'set':
      case 'frozenset':
        this.u8(v.kind === 'set' ? TYPE_SET : TYPE_FROZENSET)
        this.size(v.items.length)
        for (const x of v.items) this.object(x)
        break
      case 'slice':
        if (this.version < 5) fail('UNSUPPORTED_VALUE', 'a slice needs marshal version 5 (Python 3.14+)')
        this.u8(TYPE_SLICE)
        this.object(v.start)
        this.object(v.stop)
        this.object(v.step)
        break
      case 'code':
        this.code(v)
        break
      default: {
        const k: never = v
        fail('UNSUPPORTED_VALUE', `not a marshallable value: ${JSON.stringify((k as { kind?: unknown }).kind)}`)
      }
    }
    this.depth--
  }

  private int(x: bigint): void {
    if (x >= INT32_MIN && x <= INT32_MAX) {
      this.u8(TYPE_INT)
      this.i32(Number(x))
      return
    }
    // 'l': sign and count of base-2**15 digits, then the digits, least significant first.
    const digits = longDigits(x)
    if (digits.length > 0x7fffffff) fail('LIMIT_EXCEEDED', 'int too large to marshal')
    this.u8(TYPE_LONG)
    this.i32(x < 0n ? -digits.length : digits.length)
    this.ensure(digits.length * 2)
    for (const d of digits) {
      this.dv.setUint16(this.pos, d, true)
      this.pos += 2
    }
  }

  private str(s: PyStr): void {
    if (this.share) {
      let slot = this.slotByObject.get(s)
      if (slot === undefined) {
        const byValue = s.codePoints ? this.slotByKey[s.interned ? 1 : 0] : this.slotByText[s.interned ? 1 : 0]
        const key = s.codePoints ? strKey(s) : s.text
        slot = byValue.get(key)
        if (slot === undefined) {
          // first time: the payload with FLAG_REF takes the next slot
          slot = this.slots++
          byValue.set(key, slot)
          this.slotByObject.set(s, slot)
          this.strPayload(s, FLAG_REF)
          return
        }
        this.slotByObject.set(s, slot)
      }
      this.u8(TYPE_REF)
      this.i32(slot)
      return
    }
    this.strPayload(s, 0)
  }

  private strPayload(s: PyStr, flag: number): void {
    if (strIsAscii(s)) {
      const t = s.text
      const n = t.length
      if (n < 256) {
        this.u8((s.interned ? TYPE_SHORT_ASCII_INTERNED : TYPE_SHORT_ASCII) | flag)
        this.u8(n)
      } else {
        this.u8((s.interned ? TYPE_ASCII_INTERNED : TYPE_ASCII) | flag)
        this.size(n)
      }
      this.ensure(n)
      const buf = this.buf
      let p = this.pos
      for (let i = 0; i < n; i++) buf[p++] = t.charCodeAt(i)
      this.pos = p
      return
    }
    this.u8((s.interned ? TYPE_INTERNED : TYPE_UNICODE) | flag)
    const max = utf8MaxLength(s)
    this.ensure(4 + max)
    const lenAt = this.pos
    const end = encodeUtf8SurrogatepassInto(s, this.buf, lenAt + 4)
    this.dv.setInt32(lenAt, end - lenAt - 4, true)
    this.pos = end
  }

  private names(items: PyStr[], what: string): void {
    for (const x of items) if (x.kind !== 'str') fail('UNSUPPORTED_VALUE', `code ${what} holds a ${(x as PyValue).kind}, not a str`)
    this.object({ kind: 'tuple', items })
  }

  private code(c: PyCode): void {
    if (c.layout !== this.layout) fail('UNSUPPORTED_VALUE', `a ${c.layout}-layout code object cannot be written for layout ${this.layout}`)
    this.u8(TYPE_CODE)
    this.int32Field(c.argcount, 'argcount')
    this.int32Field(c.posonlyargcount, 'posonlyargcount')
    this.int32Field(c.kwonlyargcount, 'kwonlyargcount')
    if (this.layout !== '3.11') this.int32Field(c.nlocals, 'nlocals')
    this.int32Field(c.stacksize, 'stacksize')
    this.int32Field(c.flags, 'flags')
    this.object({ kind: 'bytes', value: c.code })
    this.object({ kind: 'tuple', items: c.consts })
    this.names(c.names, 'names')
    if (usesLocalsPlus(this.layout)) {
      this.names(c.localsplusnames, 'localsplusnames')
      this.object({ kind: 'bytes', value: c.localspluskinds })
    } else {
      this.names(c.varnames, 'varnames')
      this.names(c.freevars, 'freevars')
      this.names(c.cellvars, 'cellvars')
    }
    this.object(c.filename)
    this.object(c.name)
    if (usesLocalsPlus(this.layout)) {
      if (c.qualname === null) fail('UNSUPPORTED_VALUE', 'a 3.11-layout code object needs a qualname')
      this.object(c.qualname)
    }
    this.int32Field(c.firstlineno, 'firstlineno')
    this.object({ kind: 'bytes', value: c.linetable })
    if (usesLocalsPlus(this.layout)) this.object({ kind: 'bytes', value: c.exceptiontable })
  }
}

/** marshal.dumps(value, version) for the given code layout. */
export function writeMarshal(value: PyValue, opts: WriteMarshalOptions): Uint8Array {
  const w = new Writer(opts)
  w.object(value)
  return w.buf.slice(0, w.pos)
}

export type WritePycOptions = PycHeaderInit & Partial<WriteMarshalOptions>

/**
 * A whole .pyc: header + marshalled code. `version` and `layout` default to
 * those of the Python the magic number belongs to.
 */
export function writePyc(code: PyCode, opts: WritePycOptions): Uint8Array {
  const py = pythonForMagic(opts.magic)
  if (!py && (opts.version === undefined || opts.layout === undefined)) {
    fail('UNSUPPORTED_VERSION', `unknown magic ${opts.magic}: give version and layout`)
  }
  const version = opts.version ?? marshalVersionForPython(py!.minor)
  const layout = opts.layout ?? codeLayoutForPython(py!.minor)
  const body = writeMarshal(code, { version, layout, shareStrings: opts.shareStrings, maxBytes: opts.maxBytes, maxDepth: opts.maxDepth })
  const out = new Uint8Array(PYC_HEADER_SIZE + body.length)
  writePycHeader(opts, out, 0)
  out.set(body, PYC_HEADER_SIZE)
  return out
}

/**
 * The base-2**15 digits of |x|, least significant first, no leading zero digit
 * (none for 0): the body of marshal's 'l' (TYPE_LONG). Through the hex string:
 * linear in the size, where repeated shifts would be quadratic. Shared by this
 * writer and the loader's emitter.
 */
export function longDigits(x: bigint): number[] {
  const hex = (x < 0n ? -x : x).toString(16)
  const digits: number[] = []
  let acc = 0
  let bits = 0
  for (let i = hex.length - 1; i >= 0; i--) {
    acc |= parseInt(hex[i], 16) << bits
    bits += 4
    if (bits >= 15) {
      digits.push(acc & 0x7fff)
      acc >>>= 15
      bits -= 15
    }
  }
  if (bits > 0) digits.push(acc)
  while (digits.length > 0 && digits[digits.length - 1] === 0) digits.pop()
  return digits
}
