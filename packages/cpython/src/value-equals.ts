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

const CONTAINERS = new Set(['tuple', 'list', 'set', 'frozenset', 'dict', 'slice', 'code'])

/** Guard against cyclic values (marshal refs can build them): deeper than marshal's own 2000 can be. */
const MAX_COMPARE_DEPTH = 2_500

/** Are a and b the same Python value, exactly? */
export function valueEquals(a: PyValue, b: PyValue, opts: ValueEqualsOptions = {}): boolean {
  return firstDifference(a, b, opts) === undefined
}

/**
 * undefined when equal, else `path: what differs`, e.g.
 * `co_consts[3].co_consts[1]: float bits 0x8000000000000000 != 0x0000000000000000`.
 */
export function firstDifference(a: PyValue, b: PyValue, opts: ValueEqualsOptions = {}): string | undefined {
  const m = diff(a, b, { ...opts, equal: new WeakMap() }, 0)
  if (m === undefined) return undefined
  // segments were pushed while unwinding: innermost first
  let path = ''
  for (let i = m.path.length - 1; i >= 0; i--) {
    const seg = m.path[i]
    path += seg.startsWith('[') || seg.startsWith('{') || path === '' ? seg : '.' + seg
  }
  return `${path || '<root>'}: ${m.what}`
}

/**
 * Options plus the pairs of containers already compared (or being compared):
 * values read from marshal data can share one sub-tuple many times through
 * refs, or contain themselves; without this such a comparison would take
 * exponential time or never end.
 */
interface Ctx extends ValueEqualsOptions {
  equal: WeakMap<object, WeakSet<object>>
}

/** A difference; the path is only built when there is one (paths cost, and most comparisons succeed). */
interface Mismatch {
  /** Path segments, innermost first: '[3]', 'co_consts', '{key 0}'. */
  path: string[]
  what: string
}

const hex64 = (x: bigint): string => '0x' + BigInt.asUintN(64, x).toString(16).padStart(16, '0')

function miss(what: string): Mismatch {
  return { path: [], what }
}

function under(m: Mismatch | undefined, seg: string): Mismatch | undefined {
  if (m !== undefined) m.path.push(seg)
  return m
}

function bytesDiff(a: Uint8Array, b: Uint8Array): Mismatch | undefined {
  if (a.length !== b.length) return miss(`bytes length ${a.length} != ${b.length}`)
  for (let i = 0; i < a.length; i++) {
    if (a[i] !== b[i]) return miss(`bytes differ at ${i}: 0x${a[i].toString(16)} != 0x${b[i].toString(16)}`)
  }
  return undefined
}

function strDiff(a: PyStr, b: PyStr, opts: Ctx): Mismatch | undefined {
  if (!strEquals(a, b)) return miss(`str ${JSON.stringify(strDisplay(a))} != ${JSON.stringify(strDisplay(b))}`)
  if (opts.compareInterned && a.interned !== b.interned) return miss(`interned ${a.interned} != ${b.interned}`)
  return undefined
}

function seqDiff(a: PyValue[], b: PyValue[], opts: Ctx, depth: number): Mismatch | undefined {
  if (a.length !== b.length) return miss(`length ${a.length} != ${b.length}`)
  for (let i = 0; i < a.length; i++) {
    const d = diff(a[i], b[i], opts, depth + 1)
    if (d !== undefined) return under(d, `[${i}]`)
  }
  return undefined
}

function diff(a: PyValue, b: PyValue, opts: Ctx, depth: number): Mismatch | undefined {
  if (depth > MAX_COMPARE_DEPTH) fail('LIMIT_EXCEEDED', `values nested deeper than ${MAX_COMPARE_DEPTH} (cyclic?)`)
  if (a === b) return undefined
  if (a.kind !== b.kind) return miss(`type ${a.kind} != ${b.kind}`)
  if (CONTAINERS.has(a.kind)) {
    // Assume the pair equal while its parts are compared: a cycle then ends at
    // the assumption, and a shared pair is compared once. If the assumption is
    // wrong, a mismatch is found below and ends the whole comparison anyway.
    const known = opts.equal.get(a)
    if (known === undefined) opts.equal.set(a, new WeakSet([b]))
    else if (known.has(b)) return undefined
    else known.add(b)
  }
  switch (a.kind) {
    case 'none':
    case 'ellipsis':
    case 'stopiteration':
      return undefined
    case 'bool':
      return a.value === (b as typeof a).value ? undefined : miss(`${a.value} != ${(b as typeof a).value}`)
    case 'int':
      return a.value === (b as typeof a).value ? undefined : miss(`int ${a.value} != ${(b as typeof a).value}`)
    case 'float':
      return floatDiff(a.bits, (b as typeof a).bits, 'float')
    case 'complex':
      return floatDiff(a.realBits, (b as typeof a).realBits, 'complex real') ??
        floatDiff(a.imagBits, (b as typeof a).imagBits, 'complex imag')
    case 'str':
      return strDiff(a, b as PyStr, opts)
    case 'bytes':
      return bytesDiff(a.value, (b as typeof a).value)
    case 'tuple':
    case 'list':
      return seqDiff(a.items, (b as typeof a).items, opts, depth)
    case 'set':
    case 'frozenset':
      return setDiff(a.kind, a.items, (b as typeof a).items, opts, depth)
    case 'dict':
      return dictDiff(a.entries, (b as typeof a).entries, opts, depth)
    case 'slice': {
      const s = b as typeof a
      return under(diff(a.start, s.start, opts, depth + 1), 'start') ??
        under(diff(a.stop, s.stop, opts, depth + 1), 'stop') ??
        under(diff(a.step, s.step, opts, depth + 1), 'step')
    }
    case 'code':
      return codeDiff(a, b as PyCode, opts, depth)
  }
}

function floatDiff(x: bigint, y: bigint, what: string): Mismatch | undefined {
  const ux = BigInt.asUintN(64, x)
  const uy = BigInt.asUintN(64, y)
  return ux === uy ? undefined : miss(`${what} bits ${hex64(ux)} != ${hex64(uy)}`)
}

function setDiff(kind: string, a: PyValue[], b: PyValue[], opts: Ctx, depth: number): Mismatch | undefined {
  if (!opts.setOrderInsensitive) return seqDiff(a, b, opts, depth)
  if (a.length !== b.length) return miss(`length ${a.length} != ${b.length}`)
  const ka = a.map((x) => canonicalKey(x, depth + 1)).sort()
  const kb = b.map((x) => canonicalKey(x, depth + 1)).sort()
  for (let i = 0; i < ka.length; i++) {
    if (ka[i] !== kb[i]) return miss(`${kind} items differ (${ka[i]} vs ${kb[i]})`)
  }
  return undefined
}

function dictDiff(a: [PyValue, PyValue][], b: [PyValue, PyValue][], opts: Ctx, depth: number): Mismatch | undefined {
  if (a.length !== b.length) return miss(`dict length ${a.length} != ${b.length}`)
  for (let i = 0; i < a.length; i++) {
    const d = under(diff(a[i][0], b[i][0], opts, depth + 1), `{key ${i}}`) ??
      under(diff(a[i][1], b[i][1], opts, depth + 1), `{value ${i}}`)
    if (d !== undefined) return d
  }
  return undefined
}

const CODE_INTS = ['argcount', 'posonlyargcount', 'kwonlyargcount', 'nlocals', 'stacksize', 'flags', 'firstlineno'] as const
const CODE_NAMES = ['names', 'varnames', 'freevars', 'cellvars', 'localsplusnames'] as const

function codeDiff(a: PyCode, b: PyCode, opts: Ctx, depth: number): Mismatch | undefined {
  if (a.layout !== b.layout) return miss(`code layout ${a.layout} != ${b.layout}`)
  for (const f of CODE_INTS) {
    if (a[f] !== b[f]) return under(miss(`${a[f]} != ${b[f]}`), `co_${f}`)
  }
  let m = under(bytesDiff(a.code, b.code), 'co_code') ?? under(seqDiff(a.consts, b.consts, opts, depth), 'co_consts')
  if (m) return m
  for (const f of CODE_NAMES) {
    m = under(seqDiff(a[f], b[f], opts, depth), `co_${f}`)
    if (m) return m
  }
  let qual: Mismatch | undefined
  if (a.qualname === null || b.qualname === null) {
    qual = a.qualname === b.qualname ? undefined : miss(`${a.qualname === null ? 'none' : 'str'} != ${b.qualname === null ? 'none' : 'str'}`)
  } else qual = strDiff(a.qualname, b.qualname, opts)
  return under(bytesDiff(a.localspluskinds, b.localspluskinds), 'co_localspluskinds') ??
    under(strDiff(a.filename, b.filename, opts), 'co_filename') ??
    under(strDiff(a.name, b.name, opts), 'co_name') ??
    under(qual, 'co_qualname') ??
    under(bytesDiff(a.linetable, b.linetable), a.layout === '3.8' ? 'co_lnotab' : 'co_linetable') ??
    under(bytesDiff(a.exceptiontable, b.exceptiontable), 'co_exceptiontable')
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
