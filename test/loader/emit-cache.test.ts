/**
 * The emitter keeps per bundle what it learnt about each string record (emit.ts
 * EmitState: checked plain-ASCII records are copied without a second look) and
 * reuses one output buffer. Neither may show in the output: every module's marshal
 * bytes are the same whatever was emitted before, in the same bundle or another,
 * and read back to the module's code; a damaged string record still fails with
 * its own error even after other records were cached.
 */
import { describe, expect, it } from 'vitest'
import { firstDifference, pyStr, pyTuple, readMarshal, type PyValue } from '@pybundle/cpython'
import { PyBundleError } from '@pybundle/errors'
import { openBundleFromBuffer } from '@pybundle/loader'
import { PY310, PY314, PY38, bundleBytes, code, module, s } from './fixtures.js'

const layouts = [[PY38, '3.8'], [PY310, '3.10'], [PY314, '3.11']] as const

function modules(layout: '3.8' | '3.10' | '3.11') {
  // Shared names (ASCII, interned or not, short and >= 256 bytes), Latin-1 and UCS text, in several modules.
  const long = 'x'.repeat(300)
  const shared: PyValue[] = [s('shared'), s('shared', false), s(long), s(long, false), pyStr('caf\u00e9', false), pyStr('\u4e2d\u6587', false), pyStr('\u{1f600}', false)]
  return ['a', 'b', 'c', 'd'].map((name, k) => {
    const inner = code(layout, { name: `f${k}`, consts: [...shared.slice(k), s(`only_${name}`)], names: [s('shared'), s(`n${k}`)] })
    return module(name, code(layout, { name: '<module>', consts: [inner, pyTuple(shared.slice(0, k + 1)), ...shared], names: [s('shared'), s(long)] }))
  })
}

describe('emission does not depend on what was emitted before', () => {
  for (const [py, layout] of layouts) {
    it(`every order, two opens, read back exactly (3.${py.minor})`, async () => {
      const mods = modules(layout)
      const bytes = await bundleBytes({ python: py, optimize: 0, modules: mods })
      const alone = new Map<string, Uint8Array>()
      for (const m of mods) alone.set(m.name, openBundleFromBuffer(bytes).getModule(m.name)!.code!.toMarshal())
      const b = openBundleFromBuffer(bytes)
      for (const order of [['a', 'b', 'c', 'd'], ['d', 'c', 'b', 'a'], ['b', 'd', 'a', 'c', 'b', 'a']]) {
        for (const name of order) {
          const got = b.getModule(name)!.code!.toMarshal()
          expect(Buffer.compare(Buffer.from(got), Buffer.from(alone.get(name)!)), `${name} after ${order.join(',')}`).toBe(0)
          expect(b.toPyc(name).subarray(16)).toEqual(got)
        }
      }
      for (const m of mods) {
        const back = readMarshal(alone.get(m.name)!, { pythonMinor: py.minor })
        expect(firstDifference(m.code!, back, { compareInterned: true })).toBeUndefined()
      }
      // The bytes handed out are the caller's: a later emission does not overwrite them.
      const first = b.getModule('a')!.code!.toMarshal()
      const copy = first.slice()
      b.getModule('d')!.code!.toMarshal()
      expect(first).toEqual(copy)
      expect(first.byteLength).toBe(first.buffer.byteLength)
    })
  }

  it('a damaged string record fails with its own error after other records were cached', async () => {
    const mods = [module('ok', code('3.11', { name: '<module>', consts: [s('fine')] })), module('bad', code('3.11', { name: '<module>', consts: [s('zzzzbroken')] }))]
    const bytes = await bundleBytes({ python: PY314, optimize: 0, modules: mods })
    // Put a non-ASCII byte into the ASCII record of 'zzzzbroken' (its text is unique in the file).
    const at = Buffer.from(bytes).indexOf('zzzzbroken')
    expect(at).toBeGreaterThan(0)
    const damaged = bytes.slice()
    damaged[at] = 0xff
    const errorOf = (f: () => unknown): string => {
      try {
        f()
      } catch (e) {
        expect(e).toBeInstanceOf(PyBundleError)
        return `${(e as PyBundleError).code} ${(e as PyBundleError).message}`
      }
      return 'no error'
    }
    // The error a fresh bundle gives, and the same after the emitter cached the good records.
    const fresh = errorOf(() => openBundleFromBuffer(damaged).getModule('bad')!.code!.toMarshal())
    expect(fresh).toMatch(/^MALFORMED/)
    const b = openBundleFromBuffer(damaged)
    b.getModule('ok')!.code!.toMarshal()
    expect(errorOf(() => b.getModule('bad')!.code!.toMarshal())).toBe(fresh)
    expect(errorOf(() => b.getModule('bad')!.code!.toMarshal())).toBe(fresh)
  })
})
