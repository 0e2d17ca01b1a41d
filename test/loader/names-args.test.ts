/**
 * Module names (SPEC.md §5.1) on the read side, and the loader's public functions
 * given arguments of the wrong type: every failure is a PyBundleError, verify()
 * flags invalid names, and a bug inside verify() is not passed off as damage.
 */
import { describe, expect, it } from 'vitest'
import { writeBundle, type BundleInput } from '@pybundle/bundler'
import { MODULE } from '@pybundle/format-spec'
import { openBundle, openBundleFromBuffer } from '@pybundle/loader'
import { thrown, thrownAsync } from '../helpers/thrown.js'
import { PY311, code, forgeNames, module, section } from './fixtures.js'

const body = code('3.11', { name: '<module>' })
const input = (names: string[]): BundleInput => ({ python: PY311, optimize: 0, modules: names.map((n) => module(n, body)) })

const HOSTILE = [' ', 'a b', 'a..b', '.a', 'a.', 'a\u2028b', '/', 'a/b', '\0', 'x\u001b[2Jy', 'a\rb', 'q\u202eb', 'con', 'a\\b']

describe('module names', () => {
  it.each(HOSTILE)('the writer refuses %j with MANIFEST', async (name) => {
    const e = await thrownAsync(() => writeBundle(input(['ok', name])))
    expect(e.code).toBe('MANIFEST')
    expect(e.message).toMatch(/invalid module name .*SPEC\.md §5\.1/s)
  })

  it.each(HOSTILE)('verify() flags a forged %j as MALFORMED at its name_offset field', async (name) => {
    const bytes = await forgeNames(input(['ok', 'zz']), ['ok', name])
    const b = openBundleFromBuffer(bytes)
    const r = b.verify()
    expect(r.ok).toBe(false)
    expect(r.problems).toHaveLength(1)
    const p = r.problems[0]
    expect(p.code).toBe('MALFORMED')
    expect(p.message).toMatch(/invalid module name/)
    const rank = [...b.moduleNames()].indexOf(name)
    expect(p.offset).toBe(section(bytes, 'MODS').offset + rank * MODULE.size + MODULE.at.name_offset)
  })

  it('the forged bundles are intact otherwise: the same forgery with valid names verifies', async () => {
    const names = ['_sysconfigdata__linux_x86_64-linux-gnu', '__phello__.spam', 'café']
    const b = openBundleFromBuffer(await forgeNames(input(['x', 'y', 'z']), names))
    expect(b.verify()).toMatchObject({ ok: true, problems: [] })
    expect([...b.moduleNames()].sort()).toEqual([...names].sort())
    for (const n of names) expect(b.getModule(n)?.name).toBe(n)
  })
})

describe('lookups', () => {
  it('a name with a lone surrogate finds nothing (not the module named U+FFFD)', async () => {
    const b = openBundleFromBuffer(await writeBundle(input(['a', '\ufffd'])))
    expect(b.getModule('\ufffd')?.name).toBe('\ufffd')
    expect(b.getModule('\ud800')).toBeUndefined()
    expect(b.has('\udc00')).toBe(false)
    expect(thrown(() => b.toPyc('\ud800')).code).toBe('NOT_FOUND')
  })
})

describe('verify() and bugs', () => {
  it('a non-PyBundleError thrown while checking propagates instead of becoming a MALFORMED problem', async () => {
    const b = openBundleFromBuffer(await writeBundle(input(['a', 'b'])))
    const core = (b as unknown as { core: { modNameBytes: (i: number) => Uint8Array } }).core
    core.modNameBytes = () => {
      throw new TypeError('a bug')
    }
    expect(() => b.verify()).toThrow(TypeError)
  })
})

describe('public functions given the wrong types', () => {
  const any = (v: unknown) => v as never
  it.each([
    ['openBundle(123)', () => openBundle(any(123))],
    ['openBundle(undefined)', () => openBundle(any(undefined))],
    ['openBundle(Buffer)', () => openBundle(any(Buffer.from('x.pyb')))],
    ['openBundle("")', () => openBundle('')],
    ['openBundle("a\\0b")', () => openBundle('a\0b')],
    ['openBundle(path, "verify")', () => openBundle('x.pyb', any('verify'))],
    ['openBundleFromBuffer("bytes")', () => openBundleFromBuffer(any('bytes'))],
    ['openBundleFromBuffer(ArrayBuffer)', () => openBundleFromBuffer(any(new ArrayBuffer(64)))],
    ['openBundleFromBuffer(null)', () => openBundleFromBuffer(any(null))],
    ['openBundleFromBuffer([1, 2])', () => openBundleFromBuffer(any([1, 2]))],
  ])('%s throws BAD_ARGUMENT', (_what, fn) => {
    const e = thrown(fn)
    expect(e.code).toBe('BAD_ARGUMENT')
  })

  it('Bundle methods check their arguments', async () => {
    const b = openBundleFromBuffer(await writeBundle(input(['a', 'b'])))
    for (const fn of [
      () => b.getModule(any(1)), () => b.has(any(null)), () => b.toPyc(any({})), () => b.submodules(any(undefined)),
      () => b.submodules('a', any(3)), () => b.verify(any('all')), () => b.verify({ maxProblems: any('3') }),
    ]) {
      expect(thrown(fn).code).toBe('BAD_ARGUMENT')
    }
    expect(b.getModule('a')?.name).toBe('a')
  })
})
