/**
 * Performance shape of the loader, asserted as properties (no timers): what open
 * may and may not allocate or copy, and that it leaves the caller's bytes alone.
 */
import { describe, expect, it } from 'vitest'
import { renameSync, writeFileSync } from 'node:fs'
import { PyBundleError } from '@pybundle/errors'
import { openBundle, openBundleFromBuffer } from '@pybundle/loader'
import { PY311, bundleBytes, code, module, s, tempFile } from './fixtures.js'

interface Paged {
  readonly pages: number
  readonly count: number
}
interface CoreShape {
  strCache: Paged
  payloadCache: Paged
  constCache: Paged
}
function core(b: unknown): CoreShape {
  return (b as { core: CoreShape }).core
}

/** A bundle with many strings and constants (several cache pages' worth) spread over many modules. */
async function wideBytes(): Promise<Uint8Array> {
  const layout = '3.11'
  const modules = []
  for (let m = 0; m < 40; m++) {
    const names = Array.from({ length: 100 }, (_, i) => s(`name_${m}_${i}`))
    const consts = Array.from({ length: 100 }, (_, i) => s(`const ${m} ${i}`, false))
    modules.push(module(`m${String(m).padStart(2, '0')}`, code(layout, { name: '<module>', filename: `m${m}.py`, names, consts })))
  }
  return bundleBytes({ python: PY311, optimize: 0, modules })
}

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

describe('open allocates nothing per entry', () => {
  it('string and constant caches are paged and empty after open; one module touches a few pages', async () => {
    const b = openBundleFromBuffer(await wideBytes())
    const c = core(b)
    expect(c.strCache.count).toBeGreaterThan(8000)
    expect(c.constCache.count).toBeGreaterThanOrEqual(4000)
    expect([c.strCache.pages, c.payloadCache.pages, c.constCache.pages]).toEqual([0, 0, 0])
    const cv = b.getModule('m17')!.code!
    expect([c.strCache.pages, c.constCache.pages]).toEqual([0, 0])
    for (const n of cv.names) expect(n.text).toMatch(/^name_17_/)
    for (const v of cv.consts) expect(v).toMatchObject({ kind: 'str' })
    // 100 names + 100 constant strings + 2 fixed strings, 100 constants: at most a page or two each
    expect(c.strCache.pages).toBeGreaterThan(0)
    expect(c.strCache.pages).toBeLessThanOrEqual(3)
    expect(c.constCache.pages).toBeLessThanOrEqual(2)
    expect(c.strCache.pages).toBeLessThan(Math.ceil(c.strCache.count / 1024))
    b.close()
    expect([c.strCache.pages, c.constCache.pages]).toEqual([0, 0])
  })
})

describe('reopening an unchanged file reuses its mapping', () => {
  it('two opens share one mapping; close makes only its own Bundle unusable', async () => {
    const p = tempFile('perf-shape-reuse.pyb', await sampleBytes())
    const a = openBundle(p)
    const b = openBundle(p)
    expect(a.bytes.buffer).toBe(b.bytes.buffer)
    a.close()
    expect(a.closed).toBe(true)
    expect(() => a.getModule('a')).toThrow(PyBundleError)
    let code: string | undefined
    try {
      a.getModule('a')
    } catch (e) {
      code = (e as PyBundleError).code
    }
    expect(code).toBe('CLOSED')
    expect(b.getModule('a')?.code?.names.get(0).text).toBe('x')
    const c = openBundle(p)
    expect(c.bytes.buffer).toBe(b.bytes.buffer)
    expect(c.getModule('b')?.code?.names.get(1).text).toBe('z')
    b.close()
    c.close()
  })

  it('a file replaced by rename (new inode) is mapped anew and read with its new contents', async () => {
    const p = tempFile('perf-shape-replace.pyb', await sampleBytes())
    const old = openBundle(p)
    const layout = '3.11'
    const other = await bundleBytes({
      python: PY311,
      optimize: 0,
      modules: [module('c', code(layout, { name: '<module>', filename: 'c.py', names: [s('replaced')] }))],
    })
    const tmp = tempFile('perf-shape-replace.pyb.tmp', other)
    renameSync(tmp, p)
    const fresh = openBundle(p)
    expect(fresh.bytes.buffer).not.toBe(old.bytes.buffer)
    expect(fresh.getModule('a')).toBeUndefined()
    expect(fresh.getModule('c')?.code?.names.get(0).text).toBe('replaced')
    expect(old.getModule('a')?.code?.names.get(0).text).toBe('x')
    old.close()
    fresh.close()
  })

  it('a file rewritten in place with another size is mapped anew', async () => {
    const p = tempFile('perf-shape-rewrite.pyb', await sampleBytes())
    const a = openBundle(p)
    const bigger = await wideBytes()
    writeFileSync(p, bigger)
    const b = openBundle(p)
    expect(b.bytes.buffer).not.toBe(a.bytes.buffer)
    expect(b.bytes.length).toBe(bigger.length)
    expect(b.getModule('m03')).toBeDefined()
    a.close()
    b.close()
  })
})
