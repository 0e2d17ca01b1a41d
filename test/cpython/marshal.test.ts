import { describe, expect, it } from 'vitest'
import { ERROR_CODES, isPyBundleError } from '@pybundle/errors'
import {
  MARSHAL_MAX_DEPTH, PY_NONE, codePointsOf, firstDifference, pyBytes, pyComplex, pyFloat, pyFloatBits, pyFrozenSet,
  pyInt, pySlice, pyStr, pyStrFromCodePoints, pyTuple, readMarshal, readMarshalAt, readPyc, valueEquals, writeMarshal,
  writePyc, type PyCode, type PyValue,
} from '@pybundle/cpython'

const hex = (s: string) => Uint8Array.from(s.replace(/\s+/g, '').match(/../g) ?? [], (h) => parseInt(h, 16))
const toHex = (b: Uint8Array) => Buffer.from(b).toString('hex')
const read = (h: string | Uint8Array, minor = 11) => readMarshal(typeof h === 'string' ? hex(h) : h, { pythonMinor: minor })
const errOf = (f: () => unknown): string => {
  try {
    f()
  } catch (e) {
    if (isPyBundleError(e)) {
      expect(Object.keys(ERROR_CODES)).toContain(e.code)
      return e.code
    }
    throw e
  }
  return 'ok'
}
const i32 = (n: number) => {
  const b = Buffer.alloc(4)
  b.writeInt32LE(n)
  return b.toString('hex')
}

describe('readMarshal: scalars', () => {
  it('reads singletons, ints, floats, complex', () => {
    expect(read('4e')).toBe(PY_NONE)
    expect(read('54')).toMatchObject({ kind: 'bool', value: true })
    expect(read('2e').kind).toBe('ellipsis')
    expect(read('53').kind).toBe('stopiteration')
    expect(read('69' + i32(-7))).toEqual(pyInt(-7))
    expect(read('49 0000000000000080')).toEqual(pyInt(-(2n ** 63n)))
    expect(read('e70000000000000080')).toEqual(pyFloatBits(0x8000000000000000n))
    expect(read('f90000000000000000000000000000f83f')).toEqual(pyComplex(0, 1.5))
    expect(read('66 03 312e35')).toEqual(pyFloat(1.5)) // version-1 ASCII float
    expect(read('66 04 2d696e66')).toEqual(pyFloat(-Infinity))
    expect(read('78 01 31 04 2d6e616e')).toEqual({ kind: 'complex', realBits: pyFloat(1).bits, imagBits: 0xfff8000000000000n })
    expect(errOf(() => read('66 03 31 5f 32'))).toBe('MALFORMED')
  })

  it('reads TYPE_LONG exactly as CPython wrote it', () => {
    // bytes from CPython 3.11 marshal.dumps (FLAG_REF set there)
    expect(read('ec03000000000000000200')).toEqual(pyInt(2n ** 31n))
    expect(read('ecfdffffff010000000200')).toEqual(pyInt(-(2n ** 31n) - 1n))
    expect(read('ec0500000000000000000000000800')).toEqual(pyInt(2n ** 63n))
    const big = '6c' + i32(-67) + '0000'.repeat(66) + '0004'
    expect(read(big)).toEqual(pyInt(-(2n ** 1000n)))
    expect(read('6c00000000')).toEqual(pyInt(0))
    expect(errOf(() => read('6c 01000000 0000'))).toBe('MALFORMED') // unnormalized
    expect(errOf(() => read('6c 01000000 0080'))).toBe('MALFORMED') // digit >= 2**15
    expect(errOf(() => read('6c 00000080'))).toBe('MALFORMED') // size out of range
    expect(errOf(() => read('6c ffffff7f 0100'))).toBe('TRUNCATED')
  })

  it('reads strs and bytes', () => {
    expect(read('da03616263')).toMatchObject({ kind: 'str', text: 'abc', interned: true })
    expect(read('7a 02 e9ff')).toMatchObject({ text: '\u00e9\u00ff', interned: false }) // 'z' is Latin-1, unchecked
    expect(read('61' + i32(1) + '41')).toMatchObject({ text: 'A', interned: false })
    const lone = read('f506000000eda0bdedb880')
    expect(lone.kind === 'str' && Array.from(codePointsOf(lone))).toEqual([0xd83d, 0xde00])
    expect(read('f504000000f09f9880')).toMatchObject({ text: '\u{1F600}', codePoints: undefined })
    expect(errOf(() => read('75 02000000 c0af'))).toBe('BAD_UTF8')
    expect(read('f3020000007879')).toEqual(pyBytes(Uint8Array.from([0x78, 0x79])))
    expect(errOf(() => read('73 ffffffff'))).toBe('MALFORMED')
  })
})

describe('readMarshal: containers and refs', () => {
  it('reads tuples, lists, dicts, sets, frozensets', () => {
    expect(read('a903e900000000e7000000000000000046')).toEqual(pyTuple([pyInt(0), pyFloat(0), { kind: 'bool', value: false }]))
    expect(read('5b 02000000 4e 4e')).toEqual({ kind: 'list', items: [PY_NONE, PY_NONE] })
    expect(read('7b 7a0161 69' + i32(1) + '30')).toEqual({ kind: 'dict', entries: [[pyStr('a'), pyInt(1)]] })
    // a NULL value ends the dict and drops its key, as r_object does
    expect(read('7b 7a0161 30')).toEqual({ kind: 'dict', entries: [] })
    expect(read('be01000000e901000000')).toEqual(pyFrozenSet([pyInt(1)]))
    expect(read('3c 00000000')).toEqual({ kind: 'set', items: [] })
    expect(errOf(() => read('3c 01000000 5b00000000'))).toBe('UNSUPPORTED_VALUE') // unhashable
    expect(errOf(() => read('29 01 30'))).toBe('MALFORMED') // NULL in a tuple
    expect(errOf(() => read('30'))).toBe('MALFORMED') // NULL at top level
  })

  it('assigns ref slots in pre-order', () => {
    // tuple (slot 0) holding 'a' (slot 1) twice
    const v = read('a9 02 fa 01 61 72' + i32(1))
    expect(v).toEqual(pyTuple([pyStr('a'), pyStr('a')]))
    // singletons take no slot even when flagged
    expect(read('a9 03 ce da 01 62 72' + i32(1))).toEqual(pyTuple([PY_NONE, pyStr('b', true), pyStr('b', true)]))
  })

  it('lets a tuple refer to itself but not a frozenset or code object', () => {
    const t = read('a8 01000000 72 00000000')
    expect(t.kind === 'tuple' && t.items[0]).toBe(t)
    expect(errOf(() => read('be 01000000 72 00000000'))).toBe('BAD_REF')
    expect(errOf(() => read('72 00000000'))).toBe('BAD_REF')
    expect(errOf(() => read('a9 01 72 05000000'))).toBe('BAD_REF')
    expect(errOf(() => read('72 ffffffff'))).toBe('BAD_REF')
  })

  it('reserves the frozenset slot before its items', () => {
    // frozenset (slot 0) { 'x' (slot 1) }, then a ref to slot 0 in a tuple after it
    const v = read('29 02 be 01000000 fa 01 78 72' + i32(0))
    expect(v.kind === 'tuple' && v.items[1]).toBe(v.kind === 'tuple' && v.items[0])
  })

  it('knows slices only from 3.14', () => {
    expect(read('3a 4e 69' + i32(1) + ' 4e', 14)).toEqual(pySlice(PY_NONE, pyInt(1), PY_NONE))
    expect(errOf(() => read('3a 4e 4e 4e', 13))).toBe('BAD_TYPE_CODE')
    expect(errOf(() => read('ba 72' + i32(0) + ' 4e 4e', 14))).toBe('BAD_REF')
    expect(errOf(() => read('71'))).toBe('BAD_TYPE_CODE')
  })

  it('stops at marshal depth 2000, counting leaves', () => {
    const nest = (n: number) => hex('2901'.repeat(n) + '4e')
    expect(() => read(nest(MARSHAL_MAX_DEPTH - 1))).not.toThrow()
    expect(errOf(() => read(nest(MARSHAL_MAX_DEPTH)))).toBe('LIMIT_EXCEEDED')
    // Pyodide's (Emscripten) CPython stops at 1500
    expect(() => readMarshal(nest(1499), { layout: '3.11', maxDepth: 1500 })).not.toThrow()
    expect(errOf(() => readMarshal(nest(1500), { layout: '3.11', maxDepth: 1500 }))).toBe('LIMIT_EXCEEDED')
    expect(errOf(() => readMarshal(nest(1), { layout: '3.11', maxDepth: 5000 }))).toBe('UNSUPPORTED_VALUE')
  })

  it('never allocates from a forged count', () => {
    for (const code of ['28', '5b', '3c', '3e', '73', '75', '61']) {
      expect(errOf(() => read(code + 'ffffff7f 4e4e'))).toBe('TRUNCATED')
    }
    expect(errOf(() => read('29 ff 4e'))).toBe('TRUNCATED')
  })

  it('reports the end offset and ignores trailing bytes', () => {
    expect(readMarshalAt(hex('00 4e ff'), { layout: '3.11', offset: 1 })).toMatchObject({ end: 2, refCount: 0 })
    expect(errOf(() => readMarshal(hex('4e'), {}))).toBe('UNSUPPORTED_VERSION')
  })
})

function sampleCode(layout: '3.8' | '3.10' | '3.11', consts: PyValue[]): PyCode {
  const s = (t: string, i = true) => pyStr(t, i)
  return {
    kind: 'code', layout, argcount: 1, posonlyargcount: 0, kwonlyargcount: 0, nlocals: layout === '3.11' ? 0 : 1,
    stacksize: 2, flags: 0x40, code: Uint8Array.from([0x97, 0, 0x64, 0, 0x53, 0]), consts,
    names: [s('print')], varnames: layout === '3.11' ? [] : [s('x')], freevars: [], cellvars: [],
    localsplusnames: layout === '3.11' ? [s('x')] : [], localspluskinds: layout === '3.11' ? Uint8Array.from([0x20]) : new Uint8Array(0),
    filename: s('<t>', false), name: s('f'), qualname: layout === '3.11' ? s('f') : null, firstlineno: 1,
    linetable: Uint8Array.from([1, 2]), exceptiontable: new Uint8Array(0),
  }
}

describe('writeMarshal', () => {
  it('writes ints as i or l, floats and complex from bits', () => {
    const w = (v: PyValue) => toHex(writeMarshal(v, { version: 4, layout: '3.11' }))
    expect(w(pyInt(2n ** 31n - 1n))).toBe('69ffffff7f')
    expect(w(pyInt(-(2n ** 31n)))).toBe('6900000080')
    expect(w(pyInt(2n ** 31n))).toBe('6c03000000000000000200')
    expect(w(pyInt(-(2n ** 31n) - 1n))).toBe('6cfdffffff010000000200')
    expect(w(pyInt(2n ** 63n))).toBe('6c0500000000000000000000000800')
    expect(w(pyFloatBits(0x7ff8000000000123n))).toBe('67230100000000f87f')
    expect(w(pyFloat(-0))).toBe('670000000000000080')
    expect(w(pyStr('abc', true))).toBe('da03616263')
    expect(w(pyStr('a'.repeat(300)))).toBe('e1' + i32(300) + '61'.repeat(300))
    expect(w(pyStrFromCodePoints([0xd83d, 0xde00]))).toBe('f506000000eda0bdedb880')
    expect(w(pyTuple([pyStr('q'), pyStr('q'), pyStr('q', true)]))).toBe('2903fa01717200000000da0171')
    expect(toHex(writeMarshal(pyStr('q'), { version: 4, layout: '3.11', shareStrings: false }))).toBe('7a0171')
  })

  it('round-trips ints of every size up to 1200 bits', () => {
    let x = 0x9e3779b97f4a7c15n
    for (let bits = 1; bits <= 1200; bits++) {
      x = (x * 6364136223846793005n + 1442695040888963407n) & ((1n << 64n) - 1n)
      const v = (x << BigInt(Math.max(0, bits - 64))) & ((1n << BigInt(bits)) - 1n) | (1n << BigInt(bits - 1))
      for (const n of [v, -v]) {
        const back = readMarshal(writeMarshal(pyInt(n), { version: 4, layout: '3.11' }), { layout: '3.11' })
        expect(back.kind === 'int' && back.value).toBe(n)
      }
    }
  })

  it('refuses what CPython could not read back', () => {
    expect(errOf(() => writeMarshal(pySlice(PY_NONE, PY_NONE, PY_NONE), { version: 4, layout: '3.11' }))).toBe('UNSUPPORTED_VALUE')
    let deep: PyValue = PY_NONE
    for (let i = 0; i < MARSHAL_MAX_DEPTH; i++) deep = pyTuple([deep])
    expect(errOf(() => writeMarshal(deep, { version: 4, layout: '3.11' }))).toBe('LIMIT_EXCEEDED')
    expect(errOf(() => writeMarshal(sampleCode('3.8', []), { version: 4, layout: '3.11' }))).toBe('UNSUPPORTED_VALUE')
  })

  it.each(['3.8', '3.10', '3.11'] as const)('round-trips every kind through a %s code object', (layout) => {
    const consts: PyValue[] = [
      PY_NONE, pyInt(0), pyFloat(0), pyFloat(-0), { kind: 'bool', value: false }, pyTuple([pyFloat(0)]),
      pyTuple([pyFloat(-0)]), pyFloatBits(0x7ff0000000000001n), pyFloatBits(0xfff8000000000000n), pyComplex(-0, NaN),
      pyInt(2n ** 1000n), pyInt(-(2n ** 62n)), pyStrFromCodePoints([0xd83d, 0xde00]), pyStr('\u{1F600}'), pyStr('é' + 'x'.repeat(300)),
      pyBytes(Uint8Array.from([0, 255])), pyFrozenSet([pyStr('a'), pyInt(3)]), pyTuple([]), pyFrozenSet([]),
      { kind: 'ellipsis' }, sampleCode(layout, [PY_NONE]),
    ]
    const code = sampleCode(layout, consts)
    const minor = layout === '3.8' ? 8 : layout === '3.10' ? 10 : 11
    const bytes = writeMarshal(code, { version: 4, layout })
    const back = readMarshal(bytes, { pythonMinor: minor })
    expect(firstDifference(code, back)).toBeUndefined()
    expect(valueEquals(code, back, { compareInterned: true })).toBe(true)
    const pyc = writePyc(code, { magic: minor === 8 ? 3413 : minor === 10 ? 3439 : 3495, mtime: 5, sourceSize: 9 })
    const r = readPyc(pyc)
    expect(r.python.minor).toBe(minor)
    expect(firstDifference(code, r.code)).toBeUndefined()
  })

  it('rejects code objects as CPython does', () => {
    const bad = (c: Partial<PyCode>) => errOf(() => readMarshal(writeMarshal({ ...sampleCode('3.11', []), ...c }, { version: 4, layout: '3.11' }), { pythonMinor: 11 }))
    expect(bad({})).toBe('ok')
    expect(bad({ code: Uint8Array.from([1, 2, 3]) })).toBe('MALFORMED') // odd co_code
    expect(bad({ argcount: 2 })).toBe('MALFORMED') // co_varnames too small
    expect(bad({ localspluskinds: Uint8Array.from([0x20, 0x20]) })).toBe('MALFORMED')
    expect(bad({ stacksize: -1 })).toBe('MALFORMED')
    // names holding a non-str (built by patching consts into the names slot)
    const c = sampleCode('3.11', [])
    const b = writeMarshal({ ...c, names: [] }, { version: 4, layout: '3.11', shareStrings: false })
    const i = toHex(b).indexOf('2900' + '2901') // names () then localsplusnames ('x',)
    expect(i).toBeGreaterThan(0)
    const patched = hex(toHex(b).slice(0, i) + '2901' + '69' + i32(1) + toHex(b).slice(i + 4))
    expect(errOf(() => readMarshal(patched, { pythonMinor: 11 }))).toBe('MALFORMED')
  })
})

describe('value equality', () => {
  it('tells apart what Python == merges', () => {
    expect(valueEquals(pyFloat(0), pyFloat(-0))).toBe(false)
    expect(valueEquals(pyInt(1), pyFloat(1))).toBe(false)
    expect(valueEquals(pyInt(0), { kind: 'bool', value: false })).toBe(false)
    expect(valueEquals(pyFloatBits(0x7ff8000000000001n), pyFloatBits(0x7ff8000000000001n))).toBe(true)
    expect(valueEquals(pyStrFromCodePoints([0xd83d, 0xde00]), pyStr('\u{1F600}'))).toBe(false)
    expect(valueEquals(pyStr('a', true), pyStr('a', false))).toBe(true)
    expect(valueEquals(pyStr('a', true), pyStr('a', false), { compareInterned: true })).toBe(false)
  })

  it('names the path of the first difference', () => {
    const a = sampleCode('3.11', [PY_NONE, sampleCode('3.11', [pyFloat(1), pyFloat(-0)])])
    const b = sampleCode('3.11', [PY_NONE, sampleCode('3.11', [pyFloat(1), pyFloat(0)])])
    expect(firstDifference(a, b)).toBe('co_consts[1].co_consts[1]: float bits 0x8000000000000000 != 0x0000000000000000')
    expect(firstDifference(a, { ...a, qualname: pyStr('g') })).toMatch(/^co_qualname: str/)
  })

  it('compares set items in order or as sets', () => {
    const x = pyFrozenSet([pyInt(1), pyStr('a')])
    const y = pyFrozenSet([pyStr('a'), pyInt(1)])
    expect(valueEquals(x, y)).toBe(false)
    expect(valueEquals(x, y, { setOrderInsensitive: true })).toBe(true)
    expect(valueEquals(pyFrozenSet([pyFloat(0)]), pyFrozenSet([pyFloat(-0)]), { setOrderInsensitive: true })).toBe(false)
  })

  it('ends on cyclic values and stays linear on shared ones', () => {
    const t = read('a8 01000000 72 00000000') // t = (t,)
    const u = read('a8 01000000 72 00000000')
    expect(valueEquals(t, u)).toBe(true)
    expect(firstDifference(t, read('db 01000000 72 00000000'))).toBe('<root>: type tuple != list')
    expect(errOf(() => writeMarshal(t, { version: 4, layout: '3.11' }))).toBe('LIMIT_EXCEEDED')
    // 40 levels of (x, x) through refs: 2**40 leaves as a tree
    let h = 'a9 02 69' + i32(1) + ' 69' + i32(1)
    for (let i = 1; i < 40; i++) h = 'a9 02 ' + h + ' 72' + i32(40 - i) // pre-order: the outermost tuple is slot 0
    const dag = read(h)
    const dag2 = read(h)
    expect(dag.kind === 'tuple' && dag.items[0] === dag.items[1]).toBe(true)
    expect(valueEquals(dag, dag2)).toBe(true)
    expect(errOf(() => writeMarshal(dag, { version: 4, layout: '3.11', maxBytes: 1 << 20 }))).toBe('LIMIT_EXCEEDED')
  })
})
