/**
 * The page's JavaScript as examples/browser/server.mjs bundles it (bundleScripts:
 * esbuild, minified, the loader a chunk of its own). What every page downloads
 * is kept to what a page uses: the loader chunk has no wire encoder (the Node
 * entry's), no Bundle methods only tools call (accounting, stats: the Node
 * entry installs them, extras.ts) and no descriptions of the format's fields
 * (comments in layout.ts, not strings), and the chunk, minified without keepNames, still decodes a wire
 * file, checks its xxh64 and throws a PyBundleError that names itself. The
 * chunk is imported here, under Node, from a private temporary folder.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { afterAll, describe, expect, it } from 'vitest'
import { encodeWire } from '@pybundle/loader'
import { bundleScripts, scriptSizes, startServer } from '../../examples/browser/server.mjs'
import { PY314, bundleBytes, code, module } from '../loader/fixtures.js'

const ROOT = join(import.meta.dirname, '../..')

const scripts = await bundleScripts()
const bundled = scripts.has('/js/wire-worker.js')
if (!bundled) console.log('page-scripts: esbuild is not installed, bundleScripts serves the unbundled entry; skipped')

const dir = mkdtempSync(join(tmpdir(), 'pybundle-page-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

/** The chunk the page entry imports for @pybundle/loader/page (the browser entry with verify on demand), imported from `dir`. */
async function loaderChunk(): Promise<Record<string, unknown>> {
  for (const [p, bytes] of scripts) {
    const file = join(dir, p)
    mkdirSync(dirname(file), { recursive: true })
    writeFileSync(file, bytes)
  }
  const entry = scripts.get('/js/pybundle.js')!.toString()
  const chunk = /import\("\.\/(page-[\w-]+\.js)"\)/.exec(entry)?.[1]
  if (chunk === undefined) throw new Error('no dynamic import of the loader chunk in /js/pybundle.js')
  return await import(pathToFileURL(join(dir, 'js', chunk)).href) as Record<string, unknown>
}

describe.skipIf(!bundled)('the page\'s JavaScript (server.mjs bundleScripts)', () => {
  it('the loader chunk decodes wire files, checks them and has no encoder; its errors are PyBundleErrors by name', async () => {
    const ns = await loaderChunk()
    expect(Object.keys(ns)).toEqual(expect.arrayContaining(['decodeWire', 'isWire', 'openBundleFromBuffer', 'layerBundles', 'Bundle', 'BundleLayers']))
    expect(Object.keys(ns)).not.toContain('encodeWire')
    const decodeWire = ns.decodeWire as (w: Uint8Array) => Uint8Array
    const isWire = ns.isWire as (b: Uint8Array) => boolean
    const bundle = await bundleBytes({ python: PY314, optimize: 0, modules: [module('m', code('3.11', { name: '<module>' }))] })
    const wire = encodeWire(bundle)
    expect(isWire(wire)).toBe(true)
    expect(Buffer.from(decodeWire(wire)).equals(Buffer.from(bundle))).toBe(true)
    const damaged = wire.slice()
    damaged[damaged.length - 1] ^= 1
    const err = (() => { try { decodeWire(damaged) } catch (e) { return e } })() as { name: string; code: string; offset: number; describe(): string }
    expect({ name: err.name, code: err.code }).toEqual({ name: 'PyBundleError', code: 'CHECKSUM_MISMATCH' })
    expect(err.describe()).toMatch(/^\[CHECKSUM_MISMATCH\] wire file: the decoded bundle does not match its checksum/)
  })

  it('a bundle opened by the chunk verifies once loadVerify() has run (before, it says so); the tools\' methods (accounting, savedBySharing, stats) are the Node entry\'s, and say so', async () => {
    const ns = await loaderChunk()
    type Opened = { verify(): { ok: boolean }; accounting(): unknown; savedBySharing(): unknown; stats(): unknown; moduleNames(): Iterable<string> }
    const open = ns.openBundleFromBuffer as (b: Uint8Array, o?: { verify?: boolean }) => Opened
    const bytes = await bundleBytes({ python: PY314, optimize: 0, modules: [module('m', code('3.11', { name: '<module>' }))] })
    expect(() => open(bytes, { verify: true })).toThrow(expect.objectContaining({ name: 'PyBundleError', code: 'BAD_ARGUMENT', message: expect.stringMatching(/^Bundle\.verify\(\) is loaded on demand in @pybundle\/loader\/page: await loadVerify\(\) first/) }))
    await (ns.loadVerify as () => Promise<void>)()
    const b = open(bytes, { verify: true })
    expect(b.verify().ok).toBe(true)
    expect([...b.moduleNames()]).toEqual(['m'])
    const damaged = bytes.slice()
    damaged[damaged.length - 1] ^= 1
    expect(() => open(damaged, { verify: true })).toThrow(expect.objectContaining({ name: 'PyBundleError', code: 'CHECKSUM_MISMATCH' }))
    for (const method of ['accounting', 'savedBySharing', 'stats'] as const) {
      expect(() => b[method](), method).toThrow(expect.objectContaining({ name: 'PyBundleError', code: 'BAD_ARGUMENT', message: expect.stringMatching(new RegExp(`^Bundle\\.${method}\\(\\) is not in @pybundle/loader/browser .*@pybundle/loader`)) }))
    }
  })

  it('carries no description of the format\'s fields (layout.ts has them as comments)', () => {
    const layout = readFileSync(join(ROOT, 'packages/format-spec/src/layout.ts'), 'utf8')
    // A field's description: its comment, or (as it was) a last string in its tuple.
    const docs = [...layout.matchAll(/^\s*\['\w+', '\w+'(?:, [\w.]+)?(?:\],? \/\/ (.{12,})|, '([^'\\]{12,})'\],?)$/gm)].map((m) => (m[1] ?? m[2]).trim())
    expect(docs.length).toBeGreaterThan(50) // the pattern finds them
    const js = [...scripts.values()].map((b) => b.toString()).join('\n')
    expect(docs.filter((d) => js.includes(d))).toEqual([])
  })

  it('server.mjs --sizes reports what the server sends for each file', async () => {
    const lines = await scriptSizes(scripts)
    const server = await startServer({ scripts })
    try {
      for (const p of scripts.keys()) {
        const r = await fetch(server.url + p.slice(1), { headers: { 'accept-encoding': 'br' } })
        await r.arrayBuffer()
        const sent = server.log[server.log.length - 1]
        expect({ status: sent.status, encoding: sent.encoding }).toEqual({ status: 200, encoding: 'br' })
        const line = lines.find((l) => l.startsWith(p + ' '))
        expect(line, p).toMatch(new RegExp(`^\\S+ +${scripts.get(p)!.length} bytes, brotli +${sent.bytes}, gzip +\\d+$`))
      }
      expect(lines.at(-1)).toMatch(/^total +\d+ bytes/)
    } finally {
      await server.close()
    }
  })
})
