/**
 * SPEC §13 back-references: a constant entry reached more than once in one emission is
 * written once with FLAG_REF and then as 'r', so the output is linear in the bundle even
 * when shared constants form a DAG with exponentially many paths; the emitted marshal
 * still reads back to exactly the materialized value (slots numbered in pre-order).
 */
import { describe, expect, it } from 'vitest'
import { firstDifference, pyBytes, pyFloat, pyFrozenSet, pyInt, pySlice, pyTuple, readMarshal, readPyc, type PyValue } from '@pybundle/cpython'
import { openBundleFromBuffer } from '@pybundle/loader'
import { PY310, PY311, PY314, PY38, allConstants, bundleBytes, code, module, s } from './fixtures.js'

function dag(levels: number): PyValue {
  let v: PyValue = pyTuple([pyInt(123456789012n), pyFloat(2.5)])
  for (let i = 0; i < levels; i++) v = pyTuple([v, v])
  return v
}

function layoutOf(minor: number): '3.8' | '3.10' | '3.11' {
  return minor <= 9 ? '3.8' : minor === 10 ? '3.10' : '3.11'
}

describe('emission with back-references', () => {
  for (const py of [PY38, PY310, PY311, PY314]) {
    it(`shared constants are emitted once and read back exactly (3.${py.minor})`, async () => {
      const layout = layoutOf(py.minor)
      const shared = pyTuple([pyInt(7), pyBytes(Uint8Array.of(1, 2)), pyFrozenSet([pyInt(1n << 70n), s('k', false)])])
      const extra: PyValue[] = py.minor >= 14 ? [pySlice(pyInt(1), shared, pyInt(1))] : []
      const inner = code(layout, { name: 'f', consts: [shared, pyInt(1n << 70n), ...allConstants()] })
      const top = code(layout, { name: '<module>', consts: [inner, shared, pyTuple([shared, shared, dag(6)]), dag(6), ...extra, ...allConstants()] })
      const bytes = await bundleBytes({ python: py, optimize: 0, modules: [module('m', top)] })
      const b = openBundleFromBuffer(bytes)
      expect(b.verify()).toMatchObject({ ok: true })
      const view = b.getModule('m')!.code!
      const m = view.toMarshal()
      // 'r' (0x72) back-references are present
      expect(m.includes(0x72)).toBe(true)
      const back = readMarshal(m, { pythonMinor: py.minor })
      expect(firstDifference(view.materialize(), back, { compareInterned: true })).toBeUndefined()
      expect(firstDifference(top, back, { compareInterned: true })).toBeUndefined()
      expect(firstDifference(top, readPyc(b.toPyc('m')).code)).toBeUndefined()
      // emitting twice gives the same bytes (the ref table is per emission)
      expect(Buffer.compare(Buffer.from(view.toMarshal()), Buffer.from(m))).toBe(0)
    })
  }

  // Linear time without a wall-clock bound (the machine may be busy): a walk of the
  // 2^40 paths instead of the DAG's 80 nodes never ends, and the test timeout fails it.
  it('a DAG of 2^40 paths emits, materializes and verifies in linear size and time', async () => {
    const top = code('3.11', { name: '<module>', consts: [dag(40), dag(40)] })
    const bytes = await bundleBytes({ python: PY311, optimize: 0, modules: [module('m', top)] })
    const b = openBundleFromBuffer(bytes)
    expect(b.verify().ok).toBe(true)
    const view = b.getModule('m')!.code!
    view.materialize()
    const m = view.toMarshal()
    expect(m.length).toBeLessThan(bytes.length)
    expect(b.toPyc('m').length).toBe(m.length + 16)
    // the read-back shares the same way
    const back = readMarshal(m, { pythonMinor: 11 }) as { consts: PyValue[] }
    const first = back.consts[0] as { items: PyValue[] }
    expect(first.items[0]).toBe(first.items[1])
  }, 300_000)
})
