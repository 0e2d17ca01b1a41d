import { describe, expect, it } from 'vitest'
import { PyBundleError } from '@pybundle/errors'
import { firstDifference, readMarshal, readPyc, type PyCode, type PyValue } from '@pybundle/cpython'
import { CodeView, openBundle, openBundleFromBuffer, type Bundle } from '@pybundle/loader'
import { PY310, PY311, PY38, allConstants, bundleBytes, code, module, s, tempFile } from './fixtures.js'

function sample(layout: '3.8' | '3.10' | '3.11'): { a: PyCode; b: PyCode; pkg: PyCode } {
  const modern = layout === '3.11'
  const inner = code(layout, {
    name: 'inner',
    argcount: 1,
    names: [s('shared_attr'), s('print')],
    ...(modern ? { localsplusnames: [s('x')], localspluskinds: Uint8Array.of(0x26) } : { varnames: [s('x')], nlocals: 1 }),
    consts: [s('doc string', false), ...allConstants()],
    firstlineno: 7,
  })
  const a = code(layout, {
    name: '<module>',
    filename: 'pkg/a.py',
    names: [s('shared_attr'), s('inner')],
    consts: [inner, s('inner'), (inner.consts[3]), allConstants()[14]],
    ...(modern ? { exceptiontable: Uint8Array.of(9, 9) } : {}),
  })
  const b = code(layout, { name: '<module>', filename: 'pkg/b.py', names: [s('shared_attr'), s('other')], consts: [allConstants()[14], s('doc string', false)] })
  const pkg = code(layout, { name: '<module>', filename: 'pkg/__init__.py', consts: [PY_NONE_] })
  return { a, b, pkg }
}
const PY_NONE_ = allConstants()[0]

async function open(python: typeof PY311, file = true): Promise<{ bundle: Bundle; codes: ReturnType<typeof sample> }> {
  const layout = python.minor >= 11 ? '3.11' : python.minor === 10 ? '3.10' : '3.8'
  const codes = sample(layout)
  const bytes = await bundleBytes({
    python,
    optimize: 0,
    modules: [
      module('pkg.b', codes.b),
      module('pkg', codes.pkg, { isPackage: true, path: 'pkg/__init__.py' }),
      module('pkg.a', codes.a),
      module('ns', null, { isPackage: true }),
      module('pkg.sub.deep', codes.b),
      module('pkgx', codes.pkg),
    ],
  })
  const bundle = file ? openBundle(tempFile(`views-${python.minor}.pyb`, bytes)) : openBundleFromBuffer(bytes)
  return { bundle, codes }
}

describe('views', () => {
  for (const py of [PY38, PY310, PY311]) {
    it(`materialize and toMarshal are exact (3.${py.minor})`, async () => {
      const { bundle, codes } = await open(py)
      expect(bundle.pythonVersion).toBe(`3.${py.minor}`)
      expect(bundle.magic).toBe(py.magic)
      expect(bundle.verify()).toMatchObject({ ok: true, problems: [] })
      for (const [name, c] of [['pkg.a', codes.a], ['pkg.b', codes.b], ['pkg', codes.pkg]] as const) {
        const view = bundle.getModule(name)!.code!
        expect(firstDifference(view.materialize(), c)).toBeUndefined()
        const back = readMarshal(view.toMarshal(), { pythonMinor: py.minor })
        expect(firstDifference(back, c, { compareInterned: true })).toBeUndefined()
        const pyc = bundle.toPyc(name)
        const r = readPyc(pyc)
        expect(r.python.minor).toBe(py.minor)
        expect(r.header).toMatchObject({ mtime: 1_700_000_000, sourceSize: 1234 })
        expect(firstDifference(r.code, c)).toBeUndefined()
      }
      bundle.close()
    })
  }

  it('module views: names, packages, namespaces, submodules, lookups', async () => {
    const { bundle } = await open(PY311)
    expect([...bundle.moduleNames()]).toEqual(['ns', 'pkg', 'pkg.a', 'pkg.b', 'pkg.sub.deep', 'pkgx'])
    expect(bundle.getModule('nope')).toBeUndefined()
    expect(bundle.getModule('pkg.c')).toBeUndefined()
    const ns = bundle.getModule('ns')!
    expect([ns.isPackage, ns.isNamespace, ns.code, ns.codeCount]).toEqual([true, true, null, 0])
    const pkg = bundle.getModule('pkg')!
    expect([pkg.isPackage, pkg.isNamespace, pkg.path]).toEqual([true, false, 'pkg/__init__.py'])
    expect(pkg.source).toEqual({ size: 1234, mtimeNs: 1_700_000_000_123_456_789n, hash: 0x1234_5678_9abc_def0n })
    expect(bundle.submodules('pkg').map((m) => m.name)).toEqual(['pkg.a', 'pkg.b', 'pkg.sub.deep'])
    expect(bundle.submodules('pkg', { direct: true }).map((m) => m.name)).toEqual(['pkg.a', 'pkg.b'])
    expect(bundle.submodules('pkgx')).toEqual([])
    expect(bundle.getModule('pkg.a')!.codeCount).toBe(2)
    expect(() => bundle.toPyc('ns')).toThrow(PyBundleError)
    expect(() => bundle.toPyc('zzz')).toThrowError(expect.objectContaining({ code: 'NOT_FOUND' }))
  })

  it('bytecode is a zero-copy view of the mapping', async () => {
    const { bundle } = await open(PY311)
    const c = bundle.getModule('pkg.a')!.code!
    expect(c.bytecode.buffer).toBe(bundle.bytes.buffer)
    expect(c.linetable.buffer).toBe(bundle.bytes.buffer)
    expect(c.exceptiontable.buffer).toBe(bundle.bytes.buffer)
    const inner = c.consts.get(0)
    expect(inner).toBeInstanceOf(CodeView)
    expect((inner as CodeView).localspluskinds.buffer).toBe(bundle.bytes.buffer)
    expect((inner as CodeView).argcount).toBe(1)
    expect((inner as CodeView).firstlineno).toBe(7)
    expect((inner as CodeView).qualname!.text).toBe('inner')
  })

  it('a shared string or constant is one JS object across code objects and modules', async () => {
    const { bundle } = await open(PY311)
    const a = bundle.getModule('pkg.a')!.code!
    const b = bundle.getModule('pkg.b')!.code!
    const inner = a.consts.get(0) as CodeView
    expect(a.names.get(0).text).toBe('shared_attr')
    expect(a.names.get(0)).toBe(b.names.get(0))
    expect(a.names.get(0)).toBe(inner.names.get(0))
    // the same tuple constant in two modules: materialized once
    expect(a.consts.get(3)).toBe(b.consts.get(0))
    expect(a.consts.get(0)).toBe(a.consts.get(0))
    // redirects exist and resolve (the second module's strings point back at the first's)
    const stats = bundle.stats()
    expect(stats.redirects.strings).toBeGreaterThan(0)
    expect(stats.redirects.consts).toBeGreaterThan(0)
    expect(b.consts.get(1)).toEqual(s('doc string', false))
    expect(b.consts.get(1)).toBe(inner.consts.get(0))
  })

  it('strings with lone surrogates keep their code points; unaligned buffers still decode', async () => {
    const { bundle: file } = await open(PY311)
    const bytes = file.bytes
    const shifted = new Uint8Array(bytes.length + 1)
    shifted.set(bytes, 1)
    for (const bundle of [file, openBundleFromBuffer(shifted.subarray(1))]) {
      const inner = bundle.getModule('pkg.a')!.code!.consts.get(0) as CodeView
      const values = inner.consts.toArray()
      const want = [s('doc string', false), ...allConstants()]
      expect(values.length).toBe(want.length)
      for (let i = 0; i < want.length; i++) expect(firstDifference(values[i] as PyValue, want[i])).toBeUndefined()
      const sur = values.find((v) => !(v instanceof CodeView) && v.kind === 'str' && v.codePoints?.length === 3)
      expect(sur && !(sur instanceof CodeView) && sur.kind === 'str' && Array.from(sur.codePoints!)).toEqual([0x61, 0xd83d, 0xde00])
      expect(bundle.verify().ok).toBe(true)
    }
  })

  it('close(): every later use throws CLOSED, views included', async () => {
    const { bundle } = await open(PY311)
    const m = bundle.getModule('pkg.a')!
    const c = m.code!
    const names = c.names
    names.get(0) // cached before close
    const consts = c.consts
    bundle.close()
    const closed = expect.objectContaining({ code: 'CLOSED' })
    expect(() => bundle.getModule('pkg.a')).toThrowError(closed)
    expect(() => [...bundle.moduleNames()]).toThrowError(closed)
    expect(() => bundle.toPyc('pkg.a')).toThrowError(closed)
    expect(() => bundle.verify()).toThrowError(closed)
    expect(() => bundle.bytes).toThrowError(closed)
    expect(() => m.name).toThrowError(closed)
    expect(() => m.code).toThrowError(closed)
    expect(() => c.argcount).toThrowError(closed)
    expect(() => c.bytecode).toThrowError(closed)
    expect(() => c.names).toThrowError(closed)
    expect(() => names.get(0)).toThrowError(closed)
    expect(() => consts.get(0)).toThrowError(closed)
    expect(() => c.materialize()).toThrowError(closed)
    expect(() => c.toMarshal()).toThrowError(closed)
    bundle.close() // idempotent
  })

  it('open + getModule touch O(1) bytes: 1,700 modules cost what 70 cost', async () => {
    const touched: number[] = []
    for (const n of [70, 1700]) {
      const modules = []
      for (let i = 0; i < n; i++) {
        const c = code('3.11', { name: '<module>', names: [s(`name${i}`), s('common')], consts: [s(`const ${i}`, false), PY_NONE_] })
        modules.push(module(`pkg${i % 7}.mod_${i}`, c))
      }
      const bundle = openBundle(tempFile(`scale-${n}.pyb`, await bundleBytes({ python: PY311, optimize: 0, modules })))
      const afterOpen = bundle.bytesTouched
      for (const name of ['pkg3.mod_3', 'pkg5.mod_12', 'pkg0.mod_63']) expect(bundle.getModule(name)?.name).toBe(name)
      expect(bundle.getModule('pkg0.absent')).toBeUndefined()
      touched.push(bundle.bytesTouched)
      expect(afterOpen).toBeLessThan(1024)
      bundle.close()
    }
    // same lookups, 24x the modules: a probe or two more at most
    expect(Math.abs(touched[1] - touched[0])).toBeLessThanOrEqual(128)
  })

  it('two writes of the same input are byte-identical', async () => {
    const codes = sample('3.11')
    const input = { python: PY311, optimize: 0 as const, modules: [module('pkg.a', codes.a), module('pkg.b', codes.b)] }
    const one = await bundleBytes(input)
    const two = await bundleBytes({ ...input, modules: [...input.modules].reverse() })
    expect(Buffer.from(one).equals(Buffer.from(two))).toBe(true)
  })

  it('empty bundle', async () => {
    const bundle = openBundleFromBuffer(await bundleBytes({ python: PY311, optimize: 2, modules: [] }))
    expect([bundle.moduleCount, bundle.optimize, [...bundle.moduleNames()], bundle.getModule('x'), bundle.submodules('x')]).toEqual([0, 2, [], undefined, []])
    expect(bundle.verify().ok).toBe(true)
  })
})
