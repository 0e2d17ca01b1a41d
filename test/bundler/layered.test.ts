/**
 * Layered bundles (issue 16, SPEC.md §16): `[bundle] base = "base.pyb"` builds an
 * app bundle without what the base holds (modules, package data, distributions),
 * records the base's identity, and the loader serves both, the app's first, and
 * refuses a base that is not the one the app was built on.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildBundle } from '@pybundle/bundler'
import { PyBundleError } from '@pybundle/errors'
import { BASE_RECORD, FORMAT_MINOR, FORMAT_MINOR_LAYERED, HEADER, HEADER_FLAG, LAYER_SECTION, SECTION_ENTRY } from '@pybundle/format-spec'
import { checkBase, openBundle, openBundleFromBuffer, openLayered } from '@pybundle/loader'

const FILES: Record<string, string> = {
  'lib/basepkg/__init__.py': 'import json\nVALUE = "from base"\n',
  'lib/basepkg/data.txt': 'base data\n',
  'lib/basepkg-1.0.dist-info/METADATA': 'Metadata-Version: 2.1\nName: basepkg\nVersion: 1.0\n',
  'lib/basepkg-1.0.dist-info/top_level.txt': 'basepkg\n',
  'lib/apppkg/__init__.py': 'import basepkg\nVALUE = "app on " + basepkg.VALUE\n',
  'lib/apppkg/res.txt': 'app data\n',
  'lib/apppkg-2.0.dist-info/METADATA': 'Metadata-Version: 2.1\nName: apppkg\nVersion: 2.0\n',
  'lib/apppkg-2.0.dist-info/top_level.txt': 'apppkg\n',
  'base.toml': '[bundle]\noutput = "out/base.pyb"\n[modules]\npaths = ["lib"]\ninclude = ["basepkg", "json.*"]\n',
  'app.toml': '[bundle]\noutput = "out/app.pyb"\nbase = "out/base.pyb"\n[modules]\npaths = ["lib"]\ninclude = ["apppkg", "basepkg", "json.*"]\n',
  'other.toml': '[bundle]\noutput = "out/other.pyb"\n[modules]\npaths = ["lib"]\ninclude = ["basepkg"]\n',
}

let root: string
const out = (f: string): string => path.join(root, 'out', f)

beforeAll(async () => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'pybundle-layered-'))
  for (const [rel, text] of Object.entries(FILES)) {
    fs.mkdirSync(path.dirname(path.join(root, rel)), { recursive: true })
    fs.writeFileSync(path.join(root, rel), text)
  }
  await buildBundle(path.join(root, 'base.toml'))
})
afterAll(() => fs.rmSync(root, { recursive: true, force: true }))

describe('[bundle] base: a layered app bundle', () => {
  it('leaves out the modules, data and distributions the base holds, and records the base', async () => {
    const s = await buildBundle(path.join(root, 'app.toml'))
    const base = openBundle(out('base.pyb'))
    const app = openBundle(out('app.pyb'))
    try {
      expect(base.has('json.decoder')).toBe(true)
      expect(base.distributions().map((d) => d.name)).toEqual(['basepkg-1.0.dist-info'])
      expect([...app.moduleNames()]).toEqual(['apppkg'])
      expect(app.dataFiles('apppkg')).toEqual(['res.txt'])
      expect(app.dataFiles('basepkg')).toEqual([])
      expect(app.distributions().map((d) => d.name)).toEqual(['apppkg-2.0.dist-info'])
      expect(app.base).toEqual({ checksum: base.headerChecksum, fileSize: fs.statSync(out('base.pyb')).size, pythonMagic: base.magic, name: 'base.pyb' })
      expect(app.formatVersion).toBe(`1.${FORMAT_MINOR_LAYERED}`)
      expect(base.formatVersion).toBe(`1.${FORMAT_MINOR}`)
      expect(base.base).toBeNull()
      expect(app.verify().ok).toBe(true)
      expect(s.base).toMatchObject({ file: out('base.pyb'), modules: base.moduleCount, leftOut: { modules: base.moduleCount } })
    } finally {
      app.close()
      base.close()
    }
  })

  it('openLayered serves both, the app first, with the base found next to the app', () => {
    const l = openLayered(out('app.pyb'))
    try {
      expect(l.layers.map((b) => path.basename(b.file!))).toEqual(['app.pyb', 'base.pyb'])
      expect(l.layerOf('apppkg')).toBe(l.app)
      expect(l.layerOf('json.decoder')?.file).toBe(out('base.pyb'))
      expect(l.toPyc('json.decoder').length).toBeGreaterThan(16)
      expect([...l.moduleNames()][0]).toBe('apppkg')
      expect(new Set(l.moduleNames()).size).toBe([...l.moduleNames()].length)
      expect(new TextDecoder().decode(l.getData('basepkg', 'data.txt')!)).toBe('base data\n')
      expect(new TextDecoder().decode(l.getData('apppkg', 'res.txt')!)).toBe('app data\n')
      expect(l.distributions().map((d) => d.name)).toEqual(['apppkg-2.0.dist-info', 'basepkg-1.0.dist-info'])
      expect(new TextDecoder().decode(l.getDistributionFile('basepkg-1.0.dist-info', 'top_level.txt')!)).toBe('basepkg\n')
    } finally {
      l.close()
    }
  })

  it('refuses a base that is not the one the app was built on (BASE_MISMATCH, naming both checksums)', async () => {
    await buildBundle(path.join(root, 'other.toml'))
    const e = (() => { try { openLayered(out('app.pyb'), { base: out('other.pyb') }) } catch (x) { return x } })() as PyBundleError
    expect(e).toBeInstanceOf(PyBundleError)
    expect(e.code).toBe('BASE_MISMATCH')
    expect(e.message).toMatch(/app\.pyb was built on the base bundle "base\.pyb" \(header checksum 0x[0-9a-f]{16}, \d+ bytes\), but .*other\.pyb is another bundle/)
    const app = openBundleFromBuffer(new Uint8Array(fs.readFileSync(out('app.pyb'))))
    expect(() => checkBase(app, openBundleFromBuffer(new Uint8Array(fs.readFileSync(out('base.pyb')))))).not.toThrow()
    // A base that is not layered has no base to check against.
    expect(() => checkBase(openBundleFromBuffer(new Uint8Array(fs.readFileSync(out('base.pyb')))), app)).toThrow(/not a layered bundle/)
  })

  it('a base rebuilt with other content no longer matches', async () => {
    fs.copyFileSync(out('base.pyb'), out('base-old.pyb'))
    fs.appendFileSync(path.join(root, 'lib/basepkg/__init__.py'), 'EXTRA = 1\n')
    try {
      await buildBundle(path.join(root, 'base.toml'))
      expect(() => openLayered(out('app.pyb'))).toThrow(expect.objectContaining({ code: 'BASE_MISMATCH' }))
      expect(() => openLayered(out('app.pyb'), { base: out('base-old.pyb') }).close()).not.toThrow()
    } finally {
      fs.writeFileSync(path.join(root, 'lib/basepkg/__init__.py'), FILES['lib/basepkg/__init__.py'])
      await buildBundle(path.join(root, 'base.toml'))
    }
  })

  it('the BASE section and the LAYERED flag come together, or the file is MALFORMED', () => {
    const bytes = new Uint8Array(fs.readFileSync(out('app.pyb')))
    const v = new DataView(bytes.buffer)
    const count = v.getUint16(HEADER.at.section_count, true)
    const ids = Array.from({ length: count }, (_, i) => v.getUint32(HEADER.size + i * SECTION_ENTRY.size + SECTION_ENTRY.at.id, true))
    expect(ids.at(-1)).toBe(LAYER_SECTION.BASE)
    expect(v.getUint32(HEADER.at.flags, true)).toBe(HEADER_FLAG.LAYERED)
    const baseAt = Number(v.getBigUint64(HEADER.size + (count - 1) * SECTION_ENTRY.size + SECTION_ENTRY.at.offset, true))
    expect(new TextDecoder().decode(bytes.subarray(baseAt + BASE_RECORD.size, baseAt + BASE_RECORD.size + v.getUint32(baseAt + BASE_RECORD.at.name_length, true)))).toBe('base.pyb')
    // Clear the flag and fix the header checksum: the section alone is refused.
    const noFlag = bytes.slice()
    const nv = new DataView(noFlag.buffer)
    nv.setUint32(HEADER.at.flags, 0, true)
    rechecksum(noFlag, count)
    expect(() => openBundleFromBuffer(noFlag)).toThrow(expect.objectContaining({ code: 'MALFORMED', message: expect.stringMatching(/BASE section without the header flag LAYERED/) }))
  })

  it('manifest errors: a base outside the output folder, a missing base', async () => {
    fs.writeFileSync(path.join(root, 'far.toml'), '[bundle]\noutput = "elsewhere/app.pyb"\nbase = "out/base.pyb"\n[modules]\npaths = ["lib"]\ninclude = ["apppkg"]\n')
    await expect(buildBundle(path.join(root, 'far.toml'))).rejects.toMatchObject({ code: 'MANIFEST', message: expect.stringMatching(/not in the output's folder/) })
    fs.writeFileSync(path.join(root, 'missing.toml'), '[bundle]\noutput = "out/app2.pyb"\nbase = "out/nope.pyb"\n[modules]\npaths = ["lib"]\ninclude = ["apppkg"]\n')
    await expect(buildBundle(path.join(root, 'missing.toml'))).rejects.toMatchObject({ code: 'IO', message: expect.stringMatching(/nope\.pyb cannot be read \(ENOENT\): build the base bundle first/) })
  })
})

/** Recompute the header checksum (xxh64 of the header and section table, the field read as zero). */
function rechecksum(bytes: Uint8Array, sections: number): void {
  const size = HEADER.size + sections * SECTION_ENTRY.size
  const copy = bytes.slice(0, size)
  copy.fill(0, HEADER.at.header_checksum, HEADER.at.header_checksum + 8)
  const h = xxh.h64Raw(copy, 0n)
  new DataView(bytes.buffer).setBigUint64(HEADER.at.header_checksum, h, true)
}
import xxhash from 'xxhash-wasm'
const xxh = await xxhash()
