/**
 * marshal.loads, in TypeScript, into the exact value model (value.ts).
 *
 * One pass over the bytes with one recursive method and a switch on the type
 * byte, following Python/marshal.c's r_object case by case:
 * - FLAG_REF slots are assigned in pre-order. Tuples, lists, dicts, sets and
 *   leaves take their slot when created; frozensets, code objects and slices
 *   reserve it first and fill it after their children, and a back-reference to a
 *   reserved-but-unfilled slot is BAD_REF (CPython finds Py_None there).
 * - Every nested object counts one level of depth, limit 2000 (LIMIT_EXCEEDED).
 * - A declared count or length is checked against the bytes left before
 *   anything is allocated (each item takes at least one byte), so forged
 *   lengths cannot make us allocate more than the input's size.
 * - Code objects are checked as CPython's code constructor checks them.
 * Errors are PyBundleError with the byte offset of the object or field at fault.
 */
import { fail } from '@pybundle/errors'
import {
  FLAG_REF, MAX_DEPTH,
  TYPE_ASCII, TYPE_ASCII_INTERNED, TYPE_BINARY_COMPLEX, TYPE_BINARY_FLOAT, TYPE_CODE, TYPE_COMPLEX,
  TYPE_DICT, TYPE_ELLIPSIS, TYPE_FALSE, TYPE_FLOAT, TYPE_FROZENSET, TYPE_INT, TYPE_INT64, TYPE_INTERNED,
  TYPE_LIST, TYPE_LONG, TYPE_NONE, TYPE_NULL, TYPE_REF, TYPE_SET, TYPE_SHORT_ASCII,
  TYPE_SHORT_ASCII_INTERNED, TYPE_SLICE, TYPE_SMALL_TUPLE, TYPE_STOPITER, TYPE_STRING, TYPE_TRUE,
  TYPE_TUPLE, TYPE_UNICODE,
} from './marshal-codes.js'
import { codeLayoutForPython, pythonForMagic, readPycHeader, PYC_HEADER_SIZE, type MagicInfo, type PycHeader } from './pyc.js'
import { decodeLatin1, decodeUtf8Surrogatepass } from './utf8.js'
import { codeObjectFault, type CodeObjectFault } from './code-check.js'
import { floatBits, usesLocalsPlus } from './value.js'
import {
  PY_ELLIPSIS, PY_FALSE, PY_NONE, PY_STOP_ITERATION, PY_TRUE,
  type CodeLayout, type PyCode, type PyInt, type PyStr, type PyValue,
} from './value.js'

/** readMarshal's message for each code-object fault (CPython's wording where it has one). */
const NEGATIVE = 'code object with a negative count or argcount < posonlyargcount'
const CODE_FAULT_MESSAGE: Record<CodeObjectFault, string> = {
  posonlyargcount: NEGATIVE, argcount: NEGATIVE, kwonlyargcount: NEGATIVE, nlocals: NEGATIVE, stacksize: NEGATIVE, flags: NEGATIVE,
  kinds: 'code object localsplusnames and localspluskinds differ in length',
  code: 'code: co_code is malformed',
  varnames: 'code: varnames is too small',
}

export interface ReadMarshalOptions {
  /** Code-object layout. Give this or pythonMinor. */
  layout?: CodeLayout
  /**
   * The Python 3 minor version that wrote the data: sets the layout and whether
   * the slice type (3.14+) is known. With only `layout`, slices are accepted.
   */
  pythonMinor?: number
  /** Where the object starts in `bytes` (default 0). */
  offset?: number
  /**
   * Nesting limit (default 2000, MAX_MARSHAL_STACK_DEPTH of CPython on Linux and
   * macOS; CPython uses 1500 on Emscripten (Pyodide), WASI and iOS, 1000 on Windows).
   */
  maxDepth?: number
}

export interface ReadMarshalResult {
  value: PyValue
  /** Offset just past the object. CPython ignores what follows. */
  end: number
  /** Number of FLAG_REF slots the data used. */
  refCount: number
}

// Small ints are shared (frozen): consts are full of 0, 1, -1, None...
const SMALL_INT_MIN = -5
const SMALL_INT_MAX = 256
const SMALL_INTS: PyInt[] = []
for (let i = SMALL_INT_MIN; i <= SMALL_INT_MAX; i++) SMALL_INTS.push(Object.freeze({ kind: 'int', value: BigInt(i) }))

function intValue(n: number): PyInt {
  if (n >= SMALL_INT_MIN && n <= SMALL_INT_MAX) return SMALL_INTS[n - SMALL_INT_MIN]
  return { kind: 'int', value: BigInt(n) }
}

const EMPTY_BYTES = new Uint8Array(0)
// A PyFloat.fromString accepts what PyOS_string_to_double accepts (no whitespace, no underscores).
const FLOAT_REPR = /^[+-]?(?:(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?|inf|infinity|nan)$/i

class Reader {
  private readonly buf: Uint8Array
  private readonly dv: DataView
  pos: number
  private readonly end: number
  private depth = 0
  /** FLAG_REF slots; null = reserved, not yet filled. */
  readonly refs: (PyValue | null)[] = []
  /** Containers already checked hashable (see isHashable). */
  private readonly hashable = new WeakSet<object>()
  private readonly layout: CodeLayout
  private readonly allowSlice: boolean
  private readonly maxDepth: number

  constructor(buf: Uint8Array, pos: number, layout: CodeLayout, allowSlice: boolean, maxDepth: number) {
    // A plain Uint8Array view: a Node Buffer's subarray() builds a Buffer, several times slower.
    this.buf = buf.constructor === Uint8Array ? buf : new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength)
    this.dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength)
    this.pos = pos
    this.end = buf.length
    this.layout = layout
    this.allowSlice = allowSlice
    this.maxDepth = maxDepth
  }

  private i32(): number {
    const p = this.pos
    if (this.end - p < 4) fail('TRUNCATED', 'marshal data too short (int32)', p)
    this.pos = p + 4
    return this.dv.getInt32(p, true)
  }

  private u8(): number {
    const p = this.pos
    if (p >= this.end) fail('TRUNCATED', 'marshal data too short (byte)', p)
    this.pos = p + 1
    return this.buf[p]
  }

  /** Claim n bytes; returns their start. */
  private take(n: number): number {
    const p = this.pos
    if (this.end - p < n) fail('TRUNCATED', `marshal data too short (${n} bytes declared, ${this.end - p} left)`, p)
    this.pos = p + n
    return p
  }

  /** A size field: int32, negative is malformed, more items than bytes left is truncated. */
  private count(what: string, minItemBytes: number): number {
    const at = this.pos
    const n = this.i32()
    if (n < 0) fail('MALFORMED', `bad marshal data (${what} size out of range: ${n})`, at)
    if (n * minItemBytes > this.end - this.pos) {
      fail('TRUNCATED', `${what} of ${n} items needs more bytes than the ${this.end - this.pos} left`, at)
    }
    return n
  }

  private reserve(flag: number): number {
    if (!flag) return -1
    this.refs.push(null)
    return this.refs.length - 1
  }

  /**
   * Any object, or null for TYPE_NULL (which only ends a dict).
   * Each case is one call: a recursive method with few locals keeps V8's frames
   * small, so the 2000 levels marshal allows fit in Node's default stack.
   */
  object(): PyValue | null {
    const start = this.pos
    if (start >= this.end) fail('TRUNCATED', 'EOF read where object expected', start)
    const code = this.buf[start]
    this.pos = start + 1
    if (++this.depth > this.maxDepth) {
      fail('LIMIT_EXCEEDED', `marshal data nested deeper than MARSHAL_MAX_DEPTH (${this.maxDepth})`, start, {
        limit: 'MARSHAL_MAX_DEPTH',
        max: this.maxDepth,
      })
    }
    const flag = code & FLAG_REF
    let v: PyValue | null
    switch (code & ~FLAG_REF) {
      case TYPE_NULL: v = null; break
      // Singletons never take a ref slot, even with FLAG_REF set.
      case TYPE_NONE: v = PY_NONE; break
      case TYPE_FALSE: v = PY_FALSE; break
      case TYPE_TRUE: v = PY_TRUE; break
      case TYPE_STOPITER: v = PY_STOP_ITERATION; break
      case TYPE_ELLIPSIS: v = PY_ELLIPSIS; break
      case TYPE_INT: v = this.ref(flag, intValue(this.i32())); break
      case TYPE_INT64: v = this.ref(flag, this.int64()); break
      case TYPE_LONG: v = this.ref(flag, this.long()); break
      case TYPE_BINARY_FLOAT: v = this.ref(flag, this.binaryFloat()); break
      case TYPE_FLOAT: v = this.ref(flag, { kind: 'float', bits: this.floatRepr() }); break
      case TYPE_BINARY_COMPLEX: v = this.ref(flag, this.binaryComplex()); break
      case TYPE_COMPLEX: v = this.ref(flag, this.complexRepr()); break
      case TYPE_STRING: v = this.ref(flag, this.bytes()); break
      case TYPE_SHORT_ASCII: v = this.ref(flag, this.ascii(this.u8(), false)); break
      case TYPE_SHORT_ASCII_INTERNED: v = this.ref(flag, this.ascii(this.u8(), true)); break
      case TYPE_ASCII: v = this.ref(flag, this.ascii(this.count('string', 1), false)); break
      case TYPE_ASCII_INTERNED: v = this.ref(flag, this.ascii(this.count('string', 1), true)); break
      case TYPE_UNICODE: v = this.ref(flag, this.unicode(false)); break
      case TYPE_INTERNED: v = this.ref(flag, this.unicode(true)); break
      case TYPE_SMALL_TUPLE: v = this.sequence('tuple', flag, this.smallCount(start)); break
      case TYPE_TUPLE: v = this.sequence('tuple', flag, this.count('tuple', 1)); break
      case TYPE_LIST: v = this.sequence('list', flag, this.count('list', 1)); break
      case TYPE_DICT: v = this.dict(flag); break
      case TYPE_SET: v = this.set(flag, false); break
      case TYPE_FROZENSET: v = this.set(flag, true); break
      case TYPE_CODE: v = this.codeObject(flag, start); break
      case TYPE_SLICE: v = this.slice(flag, start); break
      case TYPE_REF: v = this.backRef(start); break
      default:
        return fail('BAD_TYPE_CODE', `bad marshal data (unknown type code 0x${code.toString(16)})`, start, { code })
    }
    this.depth--
    return v
  }

  /** R_REF: the object takes the next slot (when flagged) as soon as it exists. */
  private ref<T extends PyValue>(flag: number, v: T): T {
    if (flag) this.refs.push(v)
    return v
  }

  private int64(): PyInt {
    const p = this.take(8)
    return { kind: 'int', value: this.dv.getBigInt64(p, true) }
  }

  private binaryFloat(): PyValue {
    const p = this.take(8)
    return { kind: 'float', bits: this.dv.getBigUint64(p, true) }
  }

  private binaryComplex(): PyValue {
    const p = this.take(16)
    return { kind: 'complex', realBits: this.dv.getBigUint64(p, true), imagBits: this.dv.getBigUint64(p + 8, true) }
  }

  private complexRepr(): PyValue {
    const realBits = this.floatRepr()
    return { kind: 'complex', realBits, imagBits: this.floatRepr() }
  }

  private bytes(): PyValue {
    const n = this.count('bytes', 1)
    const p = this.take(n)
    return { kind: 'bytes', value: n === 0 ? EMPTY_BYTES : this.buf.subarray(p, p + n) }
  }

  /** 'a'/'A'/'z'/'Z': CPython does not check the bytes are ASCII; it reads them as Latin-1. */
  private ascii(n: number, interned: boolean): PyStr {
    const p = this.take(n)
    return { kind: 'str', text: decodeLatin1(this.buf, p, p + n), codePoints: undefined, interned }
  }

  private unicode(interned: boolean): PyStr {
    const n = this.count('string', 1)
    const p = this.take(n)
    return decodeUtf8Surrogatepass(this.buf, p, p + n, interned)
  }

  private smallCount(start: number): number {
    const n = this.u8()
    if (n > this.end - this.pos) fail('TRUNCATED', `tuple of ${n} items needs more bytes than are left`, start)
    return n
  }

  /** Tuples and lists enter the ref table before their items (so they may contain themselves). */
  private sequence(kind: 'tuple' | 'list', flag: number, n: number): PyValue {
    const items = new Array<PyValue>(n)
    const v: PyValue = { kind, items }
    if (flag) this.refs.push(v)
    for (let i = 0; i < n; i++) {
      const x = this.object()
      if (x === null) this.nullItem(kind)
      items[i] = x
    }
    return v
  }

  private nullItem(what: string): never {
    return fail('MALFORMED', `NULL object in marshal data for ${what}`, this.pos - 1)
  }

  /** Pairs until a NULL key, or a NULL value (which drops its key), as r_object does. */
  private dict(flag: number): PyValue {
    const entries: [PyValue, PyValue][] = []
    const v: PyValue = { kind: 'dict', entries }
    if (flag) this.refs.push(v)
    for (;;) {
      const keyAt = this.pos
      const key = this.object()
      if (key === null) break
      const val = this.object()
      if (val === null) break
      if (!isHashable(key, 0, this.hashable)) fail('UNSUPPORTED_VALUE', `unhashable ${key.kind} as a dict key`, keyAt)
      entries.push([key, val])
    }
    return v
  }

  /** A set takes its slot at once; a frozenset reserves it and fills it after its items. */
  private set(flag: number, frozen: boolean): PyValue {
    const n = this.count('set', 1)
    const items = new Array<PyValue>(n)
    const v: PyValue = frozen ? { kind: 'frozenset', items } : { kind: 'set', items }
    const idx = frozen ? this.reserve(flag) : -1
    if (!frozen && flag) this.refs.push(v)
    for (let i = 0; i < n; i++) {
      const at = this.pos
      const x = this.object()
      if (x === null) this.nullItem('set')
      if (!isHashable(x, 0, this.hashable)) fail('UNSUPPORTED_VALUE', `unhashable ${(x).kind} in a set`, at)
      items[i] = x
    }
    if (idx >= 0) this.refs[idx] = v
    return v
  }

  private codeObject(flag: number, start: number): PyValue {
    const idx = this.reserve(flag)
    const v = this.code(start)
    if (idx >= 0) this.refs[idx] = v
    return v
  }

  private slice(flag: number, start: number): PyValue {
    if (!this.allowSlice) fail('BAD_TYPE_CODE', 'slice (type code 0x3a) needs marshal version 5 (Python 3.14+)', start)
    const idx = this.reserve(flag)
    const s0 = this.item('slice')
    const s1 = this.item('slice')
    const v: PyValue = { kind: 'slice', start: s0, stop: s1, step: this.item('slice') }
    if (idx >= 0) this.refs[idx] = v
    return v
  }

  private backRef(start: number): PyValue {
    const n = this.i32()
    const r = n >= 0 && n < this.refs.length ? this.refs[n] : null
    if (r === null) {
      fail('BAD_REF', n >= 0 && n < this.refs.length
        ? `reference ${n} to an object still being read`
        : `reference ${n} outside the ${this.refs.length} slots so far`, start, { ref: n })
    }
    return r
  }

  /** A single object where NULL is not allowed (slice parts, code fields). */
  private item(what: string): PyValue {
    const at = this.pos
    const v = this.object()
    if (v === null) fail('MALFORMED', `NULL object in marshal data for ${what}`, at)
    return v
  }

  /** TYPE_LONG: int32 signed digit count, then |n| u16 digits base 2**15, least significant first. */
  private long(): PyInt {
    const at = this.pos
    const n = this.i32()
    if (n === 0) return SMALL_INTS[-SMALL_INT_MIN]
    if (n === -0x80000000) fail('MALFORMED', 'bad marshal data (long size out of range)', at)
    const count = n < 0 ? -n : n
    const p = this.take(count * 2)
    const buf = this.buf
    for (let i = 0; i < count; i++) {
      if (buf[p + 2 * i + 1] & 0x80) fail('MALFORMED', 'bad marshal data (digit out of range in long)', p + 2 * i)
    }
    if (buf[p + 2 * count - 2] === 0 && buf[p + 2 * count - 1] === 0) {
      fail('MALFORMED', 'bad marshal data (unnormalized long data)', p + 2 * count - 2)
    }
    let mag: bigint
    if (count <= 3) {
      // up to 45 bits: exact in a double
      let x = 0
      for (let i = count - 1; i >= 0; i--) x = x * 32768 + (buf[p + 2 * i] | (buf[p + 2 * i + 1] << 8))
      mag = BigInt(x)
    } else {
      mag = digitsToBigInt(buf, p, count)
    }
    return { kind: 'int', value: n < 0 ? -mag : mag }
  }

  /** TYPE_FLOAT / TYPE_COMPLEX parts: u8 length + ASCII repr, parsed as PyOS_string_to_double. */
  private floatRepr(): bigint {
    const at = this.pos
    const n = this.u8()
    const p = this.take(n)
    let s = decodeLatin1(this.buf, p, p + n)
    const nul = s.indexOf('\0')
    if (nul >= 0) s = s.slice(0, nul) // CPython copies into a C string
    if (!FLOAT_REPR.test(s)) fail('MALFORMED', `could not convert string to float: ${JSON.stringify(s)}`, at)
    const lower = s.toLowerCase()
    if (lower.endsWith('nan')) return lower.startsWith('-') ? 0xfff8000000000000n : 0x7ff8000000000000n
    return floatBits(Number(lower.replace('infinity', 'inf').replace('inf', 'Infinity')))
  }

  private int32Field(): number {
    return this.i32()
  }

  private bytesField(what: string): Uint8Array {
    const at = this.pos
    const v = this.item(what)
    if (v.kind !== 'bytes') fail('MALFORMED', `code object ${what} is a ${v.kind}, not bytes`, at)
    return v.value
  }

  private strField(what: string): PyStr {
    const at = this.pos
    const v = this.item(what)
    if (v.kind !== 'str') fail('MALFORMED', `code object ${what} is a ${v.kind}, not str`, at)
    return v
  }

  private tupleField(what: string): PyValue[] {
    const at = this.pos
    const v = this.item(what)
    if (v.kind !== 'tuple') fail('MALFORMED', `code object ${what} is a ${v.kind}, not a tuple`, at)
    return v.items
  }

  /** A tuple of str (names, varnames...): CPython's intern_strings says "non-string found in code slot". */
  private namesField(what: string): PyStr[] {
    const at = this.pos
    const items = this.tupleField(what)
    for (const x of items) if (x.kind !== 'str') fail('MALFORMED', `non-string (${x.kind}) found in code ${what}`, at)
    return items as PyStr[]
  }

  private code(start: number): PyCode {
    const layout = this.layout
    const argcount = this.int32Field()
    const posonlyargcount = this.int32Field()
    const kwonlyargcount = this.int32Field()
    const nlocals = usesLocalsPlus(layout) ? 0 : this.int32Field()
    const stacksize = this.int32Field()
    const flags = this.int32Field()
    const code = this.bytesField('co_code')
    const consts = this.tupleField('co_consts')
    const names = this.namesField('co_names')
    let varnames: PyStr[] = []
    let freevars: PyStr[] = []
    let cellvars: PyStr[] = []
    let localsplusnames: PyStr[] = []
    let localspluskinds: Uint8Array = EMPTY_BYTES
    if (usesLocalsPlus(layout)) {
      localsplusnames = this.namesField('co_localsplusnames')
      localspluskinds = this.bytesField('co_localspluskinds')
    } else {
      varnames = this.namesField('co_varnames')
      freevars = this.namesField('co_freevars')
      cellvars = this.namesField('co_cellvars')
    }
    const filename = this.strField('co_filename')
    const name = this.strField('co_name')
    const qualname = usesLocalsPlus(layout) ? this.strField('co_qualname') : null
    const firstlineno = this.int32Field()
    const linetable = this.bytesField(layout === '3.8' ? 'co_lnotab' : 'co_linetable')
    const exceptiontable = usesLocalsPlus(layout) ? this.bytesField('co_exceptiontable') : EMPTY_BYTES

    // The checks of PyCode_NewWithPosOnlyArgs (3.8-3.10) / _PyCode_Validate (3.11+): code-check.ts.
    const localsPlus = usesLocalsPlus(layout)
    const fault = codeObjectFault({
      localsPlus, argcount, posonlyargcount, kwonlyargcount, nlocals, stacksize, flags,
      nLocals: localsPlus ? localsplusnames.length : varnames.length, kinds: localspluskinds, codeLength: code.length,
    })
    if (fault !== undefined) fail('MALFORMED', fault === 'varnames' && localsPlus ? 'code: co_varnames is too small' : CODE_FAULT_MESSAGE[fault], start)
    return {
      kind: 'code', layout, argcount, posonlyargcount, kwonlyargcount, nlocals, stacksize, flags, code, consts,
      names, varnames, freevars, cellvars, localsplusnames, localspluskinds, filename, name, qualname, firstlineno,
      linetable, exceptiontable,
    }
  }
}

/**
 * Base-2**15 digits to a BigInt through a hex string: linear, where
 * shift-and-add would be quadratic. Four digits are 60 bits, exactly 15 hex
 * characters, so each group converts on its own.
 */
function digitsToBigInt(buf: Uint8Array, p: number, count: number): bigint {
  const digit = (i: number) => (i < count ? buf[p + 2 * i] | (buf[p + 2 * i + 1] << 8) : 0)
  const groups: string[] = []
  for (let i = 0; i < count; i += 4) {
    const lo30 = digit(i) | (digit(i + 1) << 15)
    const hi30 = digit(i + 2) | (digit(i + 3) << 15)
    const low32 = (lo30 | ((hi30 & 3) << 30)) >>> 0
    groups.push((hi30 >>> 2).toString(16).padStart(7, '0') + low32.toString(16).padStart(8, '0'))
  }
  return BigInt('0x' + groups.reverse().join(''))
}

/**
 * Could CPython hash this (dict key, set item)? list, dict and set cannot;
 * tuples, frozensets, slices and code objects ask their parts. `seen` holds
 * containers already found hashable, so data that shares one tuple many times
 * through refs costs linear, not exponential, time, and cycles end. A ref can
 * point at a tuple still being filled: its missing items are skipped.
 */
function isHashable(v: PyValue | undefined, depth: number, seen: WeakSet<object>): boolean {
  if (v === undefined) return true
  switch (v.kind) {
    case 'list':
    case 'dict':
    case 'set':
      return false
    case 'tuple':
    case 'frozenset':
    case 'slice':
    case 'code': {
      if (seen.has(v)) return true
      if (depth > MAX_DEPTH) return true
      // Marked before the parts are visited, so a cycle through refs is walked once.
      seen.add(v)
      const parts = v.kind === 'slice' ? [v.start, v.stop, v.step] : v.kind === 'code' ? v.consts : v.items
      for (let i = 0; i < parts.length; i++) {
        if (!isHashable(parts[i], depth + 1, seen)) {
          seen.delete(v)
          return false
        }
      }
      return true
    }
    default:
      return true
  }
}

function resolveLayout(opts: ReadMarshalOptions): { layout: CodeLayout; allowSlice: boolean } {
  if (opts.pythonMinor !== undefined) {
    const layout = codeLayoutForPython(opts.pythonMinor)
    if (opts.layout !== undefined && opts.layout !== layout) {
      fail('UNSUPPORTED_VERSION', `layout ${opts.layout} does not match Python 3.${opts.pythonMinor}`)
    }
    return { layout, allowSlice: opts.pythonMinor >= 14 }
  }
  if (opts.layout === '3.8' || opts.layout === '3.10') return { layout: opts.layout, allowSlice: false }
  if (opts.layout === '3.11') return { layout: opts.layout, allowSlice: true }
  return fail('UNSUPPORTED_VERSION', 'readMarshal needs a code layout or a Python version')
}

/** Read one marshal object starting at opts.offset; returns it and where it ends. */
export function readMarshalAt(bytes: Uint8Array, opts: ReadMarshalOptions): ReadMarshalResult {
  const { layout, allowSlice } = resolveLayout(opts)
  const offset = opts.offset ?? 0
  if (!Number.isInteger(offset) || offset < 0 || offset > bytes.length) {
    fail('OUT_OF_BOUNDS', `offset ${offset} outside the ${bytes.length}-byte input`)
  }
  const maxDepth = opts.maxDepth ?? MAX_DEPTH
  if (!Number.isInteger(maxDepth) || maxDepth < 1 || maxDepth > MAX_DEPTH) {
    fail('UNSUPPORTED_VALUE', `maxDepth ${maxDepth} (1 to ${MAX_DEPTH}: deeper would not fit the JS stack)`)
  }
  const r = new Reader(bytes, offset, layout, allowSlice, maxDepth)
  const value = r.object()
  if (value === null) fail('MALFORMED', 'NULL object in marshal data for object', offset)
  return { value, end: r.pos, refCount: r.refs.length }
}

/** marshal.loads: one object from `bytes` (trailing bytes are ignored, as CPython does). */
export function readMarshal(bytes: Uint8Array, opts: ReadMarshalOptions): PyValue {
  return readMarshalAt(bytes, opts).value
}

export interface ReadPycResult {
  header: PycHeader
  python: MagicInfo
  layout: CodeLayout
  /** The module's code object. */
  code: PyCode
}

/** A whole .pyc: header, then the code object read with the layout its magic names. */
export function readPyc(bytes: Uint8Array): ReadPycResult {
  const header = readPycHeader(bytes)
  const python = pythonForMagic(header.magic)
  if (!python) fail('UNSUPPORTED_VERSION', `unknown .pyc magic number ${header.magic}`, 0, { magic: header.magic })
  const layout = codeLayoutForPython(python.minor)
  const value = readMarshal(bytes, { pythonMinor: python.minor, offset: PYC_HEADER_SIZE })
  if (value.kind !== 'code') fail('MALFORMED', `a .pyc holds a code object, not a ${value.kind}`, PYC_HEADER_SIZE)
  return { header, python, layout, code: value }
}
