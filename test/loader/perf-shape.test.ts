/**
 * Performance shape of the loader, asserted as properties (no timers): what open
 * may and may not allocate or copy, and that it leaves the caller's bytes alone.
 */
import { describe, expect, it } from 'vitest'
import { openBundleFromBuffer } from '@pybundle/loader'
import { PY311, bundleBytes, code, module, s } from './fixtures.js'

async function sampleBytes(): Promise<Uint8Array> {
  const layout = '3.11'
  const a = code(layout, { name: '<module>', filename: 'a.py', names: [s('x'), s('y')], consts: [s('hello', false)] })
  const b = code(layout, { name: '<module>', filename: 'b.py', names: [s('x'), s('z')], consts: [s('world', false)] })
  return bundleBytes({ python: PY311, optimize: 0, modules: [module('a', a), module('b', b)] })
}

describe('open leaves the caller bytes alone', () => {
  it('a Node Buffer can be opened twice (the header checksum is computed on a copy)', async () => {
    const bytes = await sampleBytes()
    const buf = Buffer.from(bytes)
    const before = Buffer.from(buf)
    const b1 = openBundleFromBuffer(buf)
    expect(b1.getModule('a')?.code?.name.text).toBe('<module>')
    expect(buf.equals(before)).toBe(true)
    const b2 = openBundleFromBuffer(buf)
    expect(b2.getModule('b')?.code?.names.get(1).text).toBe('z')
    expect(buf.equals(before)).toBe(true)
    b1.close()
    b2.close()
  })

  it('a Buffer that is a window of a larger pool opens too', async () => {
    const bytes = await sampleBytes()
    const pool = Buffer.alloc(bytes.length + 16)
    pool.set(bytes, 8)
    const win = pool.subarray(8, 8 + bytes.length)
    const b = openBundleFromBuffer(win)
    expect(b.getModule('a')?.code?.consts.get(0)).toMatchObject({ kind: 'str', text: 'hello' })
    expect(openBundleFromBuffer(win).getModule('b')).toBeDefined()
    expect(pool.subarray(8, 8 + bytes.length).equals(Buffer.from(bytes))).toBe(true)
  })
})
