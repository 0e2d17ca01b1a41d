/**
 * pre-emit.ts: the marshal bytes a bundle's worker made ahead (browser.ts) are
 * served first, each once; a module no pool holds is emitted as before; a base's
 * copy of a module the app bundle also holds is never served (the app's wins, as
 * in the layered source). Browser-free: the pools are filled by hand here (the
 * worker that fills them runs in test/pyodide/browser.test.ts).
 */
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import type { ModuleSource } from '@pybundle/pyodide'
import { HERE } from './helpers.js'

interface Pool { made: Map<string, Uint8Array>; serves(name: string): boolean }
type WithPools = (source: ModuleSource, pools: readonly Pool[], stats?: { taken: number; missed: number }, onFirstRead?: () => void) => ModuleSource
const { withPools } = await import(path.resolve(HERE, '../../packages/pyodide/dist/pre-emit.js')) as { withPools: WithPools }

/** A source whose marshal bytes say which module they are and count how often each was emitted. */
function countingSource(names: readonly string[]): { source: ModuleSource; emitted: Map<string, number> } {
  const emitted = new Map<string, number>()
  return {
    emitted,
    source: {
      pythonMagic: 3627,
      modules: () => names.map((name) => ({ name, isPackage: false, isNamespace: false, path: `${name}.py` })),
      marshal(name) {
        emitted.set(name, (emitted.get(name) ?? 0) + 1)
        return new TextEncoder().encode(`source:${name}`)
      },
    },
  }
}

const text = (b: Uint8Array): string => new TextDecoder().decode(b)

describe('pre-emit pools', () => {
  it('serves a made module once, then emits it; emits what no pool holds', () => {
    const { source, emitted } = countingSource(['a', 'b'])
    const stats = { taken: 0, missed: 0 }
    const s = withPools(source, [{ made: new Map([['a', new TextEncoder().encode('made:a')]]), serves: () => true }], stats)
    expect(text(s.marshal('a'))).toBe('made:a')
    expect(emitted.get('a')).toBeUndefined()
    expect(text(s.marshal('a'))).toBe('source:a') // taken once: the pool dropped it
    expect(text(s.marshal('b'))).toBe('source:b')
    expect(stats).toEqual({ taken: 1, missed: 2 })
  })

  it('never serves a pool\'s copy of a module its layer does not serve (the app bundle holds it too)', () => {
    const { source, emitted } = countingSource(['json'])
    const base = { made: new Map([['json', new TextEncoder().encode('base:json')]]), serves: (name: string) => name !== 'json' }
    const s = withPools(source, [{ made: new Map(), serves: () => true }, base])
    expect(text(s.marshal('json'))).toBe('source:json')
    expect(emitted.get('json')).toBe(1)
    expect(base.made.size).toBe(0) // dropped, not kept for later
  })

  it('calls onFirstRead once, on the first module asked for (the page then ends its worker)', () => {
    const { source } = countingSource(['a', 'b'])
    let calls = 0
    const s = withPools(source, [{ made: new Map(), serves: () => true }], undefined, () => { calls++ })
    expect(calls).toBe(0)
    s.pyc!('a')
    s.marshal('b')
    expect(calls).toBe(1)
  })

  it('the app\'s pool first; pyc() is the 16-byte header and the made bytes', () => {
    const { source } = countingSource(['m'])
    const s = withPools(source, [
      { made: new Map([['m', new TextEncoder().encode('app:m')]]), serves: () => true },
      { made: new Map([['m', new TextEncoder().encode('base:m')]]), serves: () => true },
    ])
    const pyc = s.pyc!('m')
    expect(pyc.length).toBe(16 + 'app:m'.length)
    expect(new DataView(pyc.buffer, pyc.byteOffset).getUint16(0, true)).toBe(3627)
    expect([pyc[2], pyc[3]]).toEqual([0x0d, 0x0a])
    expect(text(pyc.subarray(16))).toBe('app:m')
  })
})
