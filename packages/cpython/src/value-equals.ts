/**
 * Exact structural equality of Python values, with the path of the first
 * difference for messages. "Exact" is stricter than Python's ==: floats
 * compare by their 64 bits (so -0.0 != 0.0 and NaN == the same NaN), 1 != 1.0 !=
 * True, strs by code points, code objects field by field for their layout
 * (including the fields CPython's code == skips: filename, qualname,
 * stacksize, localspluskinds...). The interned flag is not part of a str's value
 * unless asked for.
 */
import { fail } from '@pybundle/errors'
import { strDisplay, strEquals, strKey } from './str.js'
import type { PyCode, PyStr, PyValue } from './value.js'

export interface ValueEqualsOptions {
  /** Compare set/frozenset items as sets (by exact canonical key) rather than in order. */
  setOrderInsensitive?: boolean
  /** Also require equal interned flags on strs. */
  compareInterned?: boolean
}

/** Guard against cyclic values (marshal refs can build them): far deeper than marshal's own 2000. */
const MAX_COMPARE_DEPTH = 10_000

/** Are a and b the same Python value, exactly? */
export function valueEquals(a: PyValue, b: PyValue, opts: ValueEqualsOptions = {}): boolean {
  return firstDifference(a, b, opts) === undefined
}

/**
 * undefined when equal, else `path: what differs`, e.g.
 * `co_consts[3].co_consts[1]: float bits 0x8000000000000000 != 0x0000000000000000`.
 */
export function firstDifference(a: PyValue, b: PyValue, opts: ValueEqualsOptions = {}): string | undefined {
  return diff(a, b, '', opts, 0)
}

const hex64 = (x: bigint): string => '0x' + BigInt.asUintN(64, x).toString(16).padStart(16, '0')

function at(path: string, what: string): string {
  return `${path || '<root>'}: ${what}`
}

function bytesDiff(a: Uint8Array, b: Uint8Array, path: string): string | undefined {
  if (a.length !== b.length) return at(path, `bytes length ${a.length} != ${b.length}`)
  for (let i = 0; i < a.length; i++) {
    if (a[i] !== b[i]) return at(path, `bytes differ at ${i}: 0x${a[i].toString(16)} != 0x${b[i].toString(16)}`)
  }
  return undefined
}

function strDiff(a: PyStr, b: PyStr, path: string, opts: ValueEqualsOptions): string | undefined {
  if (!strEquals(a, b)) return at(path, `str ${JSON.stringify(strDisplay(a))} != ${JSON.stringify(strDisplay(b))}`)
  if (opts.compareInterned && a.interned !== b.interned) return at(path, `interned ${a.interned} != ${b.interned}`)
  return undefined
}

function seqDiff(a: PyValue[], b: PyValue[], path: string, opts: ValueEqualsOptions, depth: number): string | undefined {
  if (a.length !== b.length) return at(path, `length ${a.length} != ${b.length}`)
  for (let i = 0; i < a.length; i++) {
    const d = diff(a[i], b[i], `${path}[${i}]`, opts, depth + 1)
    if (d !== undefined) return d
  }
  return undefined
}

function diff(a: PyValue, b: PyValue, path: string, opts: ValueEqualsOptions, depth: number): string | undefined {
  if (depth > MAX_COMPARE_DEPTH) fail('LIMIT_EXCEEDED', `values nested deeper than ${MAX_COMPARE_DEPTH} (cyclic?) at ${path}`)
  if (a === b) return undefined
  if (a.kind !== b.kind) return at(path, `type ${a.kind} != ${b.kind}`)
  switch (a.kind) {
    case 'none':
    case 'ellipsis':
    case 'stopiteration':
      return undefined
    case 'bool':
      return a.value === (b as typeof a).value ? undefined : at(path, `${a.value} != ${(b as typeof a).value}`)
    case 'int':
      return a.value === (b as typeof a).value ? undefined : at(path, `int ${a.value} != ${(b as typeof a).value}`)
    case 'float': {
      const x = BigInt.asUintN(64, a.bits)
      const y = BigInt.asUintN(64, (b as typeof a).bits)
      return x === y ? undefined : at(path, `float bits ${hex64(x)} != ${hex64(y)}`)
    }
    case 'complex': {
      const c = b as typeof a
      if (BigInt.asUintN(64, a.realBits) !== BigInt.asUintN(64, c.realBits)) {
        return at(path, `complex real bits ${hex64(a.realBits)} != ${hex64(c.realBits)}`)
      }
      if (BigInt.asUintN(64, a.imagBits) !== BigInt.asUintN(64, c.imagBits)) {
        return at(path, `complex imag bits ${hex64(a.imagBits)} != ${hex64(c.imagBits)}`)
      }
      return undefined
    }
    case 'str':
      return strDiff(a, b as PyStr, path, opts)
    case 'bytes':
      return bytesDiff(a.value, (b as typeof a).value, path)
    case 'tuple':
    case 'list':
      return seqDiff(a.items, (b as typeof a).items, path, opts, depth)
    case 'set':
    case 'frozenset': {
      const ib = (b as typeof a).items
      if (!opts.setOrderInsensitive) return seqDiff(a.items, ib, path, opts, depth)
      if (a.items.length !== ib.length) return at(path, `length ${a.items.length} != ${ib.length}`)
      const ka = a.items.map((x) => canonicalKey(x, depth + 1)).sort()
      const kb = ib.map((x) => canonicalKey(x, depth + 1)).sort()
      for (let i = 0; i < ka.length; i++) {
        if (ka[i] !== kb[i]) return at(path, `${a.kind} items differ (${ka[i]} vs ${kb[i]})`)
      }
      return undefined
    }
    case 'dict': {
      const eb = (b as typeof a).entries
      if (a.entries.length !== eb.length) return at(path, `dict length ${a.entries.length} != ${eb.length}`)
      for (let i = 0; i < a.entries.length; i++) {
        const d = diff(a.entries[i][0], eb[i][0], `${path}{key ${i}}`, opts, depth + 1) ??
          diff(a.entries[i][1], eb[i][1], `${path}{value ${i}}`, opts, depth + 1)
        if (d !== undefined) return d
      }
      return undefined
    }
    case 'slice': {
      const s = b as typeof a
      return diff(a.start, s.start, `${path}.start`, opts, depth + 1) ??
        diff(a.stop, s.stop, `${path}.stop`, opts, depth + 1) ??
        diff(a.step, s.step, `${path}.step`, opts, depth + 1)
    }
    case 'code':
      return codeDiff(a, b as PyCode, path, opts, depth)
  }
}

function codeDiff(a: PyCode, b: PyCode, path: string, opts: ValueEqualsOptions, depth: number): string | undefined {
  const p = (f: string) => (path ? `${path}.${f}` : f)
  if (a.layout !== b.layout) return at(path, `code layout ${a.layout} != ${b.layout}`)
  const ints = ['argcount', 'posonlyargcount', 'kwonlyargcount', 'nlocals', 'stacksize', 'flags', 'firstlineno'] as const
  for (const f of ints) {
    if (a[f] !== b[f]) return at(p(`co_${f}`), `${a[f]} != ${b[f]}`)
  }
  const strs = (f: 'filename' | 'name') => strDiff(a[f], b[f], p(`co_${f}`), opts)
  const names = (f: 'names' | 'varnames' | 'freevars' | 'cellvars' | 'localsplusnames') =>
    seqDiff(a[f], b[f], p(`co_${f}`), opts, depth)
  let qual: string | undefined
  if (a.qualname === null || b.qualname === null) {
    qual = a.qualname === b.qualname ? undefined : at(p('co_qualname'), `${a.qualname === null ? 'none' : 'str'} != ${b.qualname === null ? 'none' : 'str'}`)
  } else qual = strDiff(a.qualname, b.qualname, p('co_qualname'), opts)
  return bytesDiff(a.code, b.code, p('co_code')) ??
    seqDiff(a.consts, b.consts, p('co_consts'), opts, depth) ??
    names('names') ?? names('varnames') ?? names('freevars') ?? names('cellvars') ?? names('localsplusnames') ??
    bytesDiff(a.localspluskinds, b.localspluskinds, p('co_localspluskinds')) ??
    strs('filename') ?? strs('name') ?? qual ??
    bytesDiff(a.linetable, b.linetable, p(a.layout === '3.8' ? 'co_lnotab' : 'co_linetable')) ??
    bytesDiff(a.exceptiontable, b.exceptiontable, p('co_exceptiontable'))
}

/**
 * A string equal for two values exactly when they are exactly equal (set
 * items compared as sets). For order-insensitive set comparison and dedup keys.
 */
export function canonicalKey(v: PyValue, depth = 0): string {
  if (depth > MAX_COMPARE_DEPTH) fail('LIMIT_EXCEEDED', `value nested deeper than ${MAX_COMPARE_DEPTH} (cyclic?)`)
  const k = (x: PyValue) => canonicalKey(x, depth + 1)
  switch (v.kind) {
    case 'none': return 'N'
    case 'ellipsis': return '.'
    case 'stopiteration': return 'S'
    case 'bool': return v.value ? 'T' : 'F'
    case 'int': return `i${v.value}`
    case 'float': return `f${BigInt.asUintN(64, v.bits).toString(16)}`
    case 'complex': return `x${BigInt.asUintN(64, v.realBits).toString(16)},${BigInt.asUintN(64, v.imagBits).toString(16)}`
    case 'str': return `s${JSON.stringify(strKey(v))}`
    case 'bytes': return `b${Array.from(v.value, (x) => x.toString(16).padStart(2, '0')).join('')}`
    case 'tuple': return `(${v.items.map(k).join(',')})`
    case 'list': return `[${v.items.map(k).join(',')}]`
    case 'set': return `<${v.items.map(k).sort().join(',')}>`
    case 'frozenset': return `>${v.items.map(k).sort().join(',')}<`
    case 'dict': return `{${v.entries.map(([a, b]) => `${k(a)}:${k(b)}`).join(',')}}`
    case 'slice': return `:${k(v.start)},${k(v.stop)},${k(v.step)}`
    case 'code': {
      const ss = (x: PyStr[]) => `(${x.map(k).join(',')})`
      const bb = (x: Uint8Array) => k({ kind: 'bytes', value: x })
      return `c${v.layout};${v.argcount},${v.posonlyargcount},${v.kwonlyargcount},${v.nlocals},${v.stacksize},${v.flags},` +
        `${v.firstlineno};${bb(v.code)};(${v.consts.map(k).join(',')});${ss(v.names)};${ss(v.varnames)};` +
        `${ss(v.freevars)};${ss(v.cellvars)};${ss(v.localsplusnames)};${bb(v.localspluskinds)};${k(v.filename)};` +
        `${k(v.name)};${v.qualname ? k(v.qualname) : '-'};${bb(v.linetable)};${bb(v.exceptiontable)}`
    }
  }
}
