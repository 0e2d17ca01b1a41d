/**
 * The exact Python value model.
 *
 * Everything that can appear in a code object's constants (and everything
 * marshal can carry) has one TypeScript shape here, chosen so that no
 * information Python can observe is lost:
 *
 * - ints are `bigint`, never `number`: 1 and 1.0 stay apart, 2**1000 keeps its bits;
 * - floats keep their IEEE-754 bit pattern (`bits`, a u64): -0.0 and NaN payloads survive;
 * - `bool` is its own kind, so 0, 0.0 and False are three different values;
 * - strings are Python strings, i.e. sequences of code points (see PyStr).
 *
 * Values are plain objects with a `kind` tag so a switch on `kind` is exhaustive.
 * They are treated as immutable once built.
 */

export interface PyNone { readonly kind: 'none' }
export interface PyBool { readonly kind: 'bool'; readonly value: boolean }
export interface PyEllipsis { readonly kind: 'ellipsis' }
export interface PyStopIteration { readonly kind: 'stopiteration' }

/** An int of any size. */
export interface PyInt { readonly kind: 'int'; readonly value: bigint }

/** A float as its 64 IEEE-754 bits (the u64 read little-endian from marshal's 8 bytes). */
export interface PyFloat { readonly kind: 'float'; readonly bits: bigint }

/** A complex as the bits of its real and imaginary doubles. */
export interface PyComplex { readonly kind: 'complex'; readonly realBits: bigint; readonly imagBits: bigint }

/**
 * A Python str: a sequence of code points (0..0x10FFFF, surrogates included).
 *
 * `text` is the JS string. When the Python string contains no surrogate code
 * point (U+D800..U+DFFF) this is exact: each UTF-16 surrogate pair in `text` is
 * one astral code point. When it does contain one, a JS string cannot tell the
 * Python strings '\ud83d\ude00' (two code points) and '\U0001F600' (one) apart,
 * so `codePoints` holds the truth and `text` is only for display. Use the
 * helpers in str.ts instead of reading the fields directly.
 */
export interface PyStr {
  readonly kind: 'str'
  readonly text: string
  /** Present iff the string contains a surrogate code point. */
  readonly codePoints: Uint32Array | undefined
  /** Marshal's interned flag (type codes t, A, Z). Not observable from Python, but kept. */
  readonly interned: boolean
}

/** bytes. `value` may be a view into the buffer it was read from: do not mutate. */
export interface PyBytes { readonly kind: 'bytes'; readonly value: Uint8Array }

export interface PyTuple { readonly kind: 'tuple'; readonly items: PyValue[] }
export interface PyList { readonly kind: 'list'; readonly items: PyValue[] }
/** A dict, in marshal order. */
export interface PyDict { readonly kind: 'dict'; readonly entries: [PyValue, PyValue][] }
/** set and frozenset keep marshal order (3.11+ writes them sorted by marshal bytes). */
export interface PySet { readonly kind: 'set'; readonly items: PyValue[] }
export interface PyFrozenSet { readonly kind: 'frozenset'; readonly items: PyValue[] }
/** A slice object; a code constant only from 3.14 (marshal version 5). */
export interface PySlice { readonly kind: 'slice'; readonly start: PyValue; readonly stop: PyValue; readonly step: PyValue }

/**
 * Which code-object field set and marshal field order applies.
 * - '3.8':  3.8 and 3.9 (co_lnotab, varnames/freevars/cellvars, nlocals)
 * - '3.10': 3.10 (co_linetable replaces co_lnotab)
 * - '3.11': 3.11 to 3.14 (qualname, localsplusnames/kinds, exceptiontable)
 */
export type CodeLayout = '3.8' | '3.10' | '3.11'

/**
 * Whether a layout keeps its locals as co_localsplusnames/kinds (3.11 on): the
 * one name for "the 3.11+ layout" everywhere (no nlocals, varnames/freevars/cellvars
 * folded into localsplus, qualname and exceptiontable present).
 */
export function usesLocalsPlus(layout: CodeLayout): boolean {
  return layout === '3.11'
}

/**
 * A code object with every field its version marshals.
 *
 * Fields that a layout does not have are empty (`[]`, an empty Uint8Array) or
 * null (qualname before 3.11), and 0 for nlocals from 3.11 on (CPython derives it).
 */
export interface PyCode {
  readonly kind: 'code'
  readonly layout: CodeLayout
  readonly argcount: number
  readonly posonlyargcount: number
  readonly kwonlyargcount: number
  /** 3.8-3.10 only. */
  readonly nlocals: number
  readonly stacksize: number
  readonly flags: number
  readonly code: Uint8Array
  readonly consts: PyValue[]
  readonly names: PyStr[]
  /** 3.8-3.10 only. */
  readonly varnames: PyStr[]
  /** 3.8-3.10 only. */
  readonly freevars: PyStr[]
  /** 3.8-3.10 only. */
  readonly cellvars: PyStr[]
  /** 3.11+ only. */
  readonly localsplusnames: PyStr[]
  /** 3.11+ only. */
  readonly localspluskinds: Uint8Array
  readonly filename: PyStr
  readonly name: PyStr
  /** 3.11+ only; null before. */
  readonly qualname: PyStr | null
  readonly firstlineno: number
  /** co_lnotab in 3.8/3.9, co_linetable from 3.10. */
  readonly linetable: Uint8Array
  /** 3.11+ only. */
  readonly exceptiontable: Uint8Array
}

export type PyValue =
  | PyNone | PyBool | PyEllipsis | PyStopIteration
  | PyInt | PyFloat | PyComplex | PyStr | PyBytes
  | PyTuple | PyList | PyDict | PySet | PyFrozenSet | PySlice
  | PyCode

export type PyKind = PyValue['kind']

// --- singletons and constructors -------------------------------------------

export const PY_NONE: PyNone = Object.freeze({ kind: 'none' })
export const PY_TRUE: PyBool = Object.freeze({ kind: 'bool', value: true })
export const PY_FALSE: PyBool = Object.freeze({ kind: 'bool', value: false })
export const PY_ELLIPSIS: PyEllipsis = Object.freeze({ kind: 'ellipsis' })
export const PY_STOP_ITERATION: PyStopIteration = Object.freeze({ kind: 'stopiteration' })

export function pyBool(value: boolean): PyBool {
  return value ? PY_TRUE : PY_FALSE
}

export function pyInt(value: bigint | number): PyInt {
  if (typeof value === 'number' && !Number.isSafeInteger(value)) {
    throw new RangeError(`pyInt needs a safe integer or a bigint, got ${value}`)
  }
  return { kind: 'int', value: BigInt(value) }
}

const f64 = new Float64Array(1)
const u64 = new BigUint64Array(f64.buffer)

/** The IEEE-754 bits of a JS number (JS may canonicalise NaN payloads: build NaNs from bits). */
export function floatBits(value: number): bigint {
  f64[0] = value
  return u64[0]
}

/** The JS number for float bits (NaN payloads are not guaranteed to survive in a number). */
export function floatFromBits(bits: bigint): number {
  u64[0] = BigInt.asUintN(64, bits)
  return f64[0]
}

export function pyFloat(value: number): PyFloat {
  return { kind: 'float', bits: floatBits(value) }
}

export function pyFloatBits(bits: bigint): PyFloat {
  return { kind: 'float', bits: BigInt.asUintN(64, bits) }
}

export function pyComplex(real: number, imag: number): PyComplex {
  return { kind: 'complex', realBits: floatBits(real), imagBits: floatBits(imag) }
}

export function pyBytes(value: Uint8Array): PyBytes {
  return { kind: 'bytes', value }
}

export function pyTuple(items: PyValue[]): PyTuple {
  return { kind: 'tuple', items }
}

export function pyFrozenSet(items: PyValue[]): PyFrozenSet {
  return { kind: 'frozenset', items }
}

export function pySlice(start: PyValue, stop: PyValue, step: PyValue): PySlice {
  return { kind: 'slice', start, stop, step }
}
