/**
 * §15 resource sections (format 1.1): package data files, distribution metadata,
 * module sources and build provenance, written by the writer and read back
 * through the loader API of issue 14's contract.
 */
import { describe, expect, it } from 'vitest'
import { PyBundleError } from '@pybundle/errors'
import { openBundle, openBundleFromBuffer } from '@pybundle/loader'
import type { BundleInput, DataFileInput, DistributionInput } from '@pybundle/bundler'
import { writeBundleWithStats } from '@pybundle/bundler'
import { DATA_ALIGN, FORMAT_MINOR, HEADER, LIMITS, SECTION_ENTRY } from '@pybundle/format-spec'
import { thrown, thrownAsync } from '../helpers/thrown.js'
import { PY311, bundleBytes, code, module, resealHeader, tempFile } from './fixtures.js'

const enc = new TextEncoder()
const dec = new TextDecoder()
const b = (s: string): Uint8Array => enc.encode(s)

const body = (name: string) => code('3.11', { name: '<module>', filename: `${name}.py` })

export function resourceInput(extra: Partial<BundleInput> = {}): BundleInput {
  const data: DataFileInput[] = [
    { package: 'app', path: 'templates/mail/welcome.txt', bytes: b('Welcome, {{ name }}!\n') },
    { package: 'app', path: 'config.json', bytes: b('{"debug": false}\n') },
    { package: 'app', path: 'templates/base.html', bytes: b('<html>{% block body %}{% endblock %}</html>\n') },
    { package: 'app.sub', path: 'x.txt', bytes: b('x') },
    { package: 'app', path: 'empty.dat', bytes: new Uint8Array(0) },
    { package: 'app', path: 'caf\u00e9/\u00e9t\u00e9.txt', bytes: b('LICENSE text\n') },
  ]
  const distributions: DistributionInput[] = [
    { name: 'app-1.0.dist-info', files: [
      { path: 'METADATA', bytes: b('Metadata-Version: 2.1\nName: app\nVersion: 1.0\n') },
      { path: 'entry_points.txt', bytes: b('[console_scripts]\napp = app:main\n') },
      { path: 'LICENSE', bytes: b('LICENSE text\n') },
      { path: 'top_level.txt', bytes: b('app\n') },
    ] },
    { name: 'old_thing-0.1.egg-info', isFile: true, files: [{ path: 'PKG-INFO', bytes: b('Metadata-Version: 1.0\nName: old_thing\n') }] },
  ]
  return {
    python: PY311,
    optimize: 0,
    modules: [
      module('app', body('app'), { isPackage: true, path: 'app/__init__.py', sourceBytes: b('"""app"""\n') }),
      module('app.sub', body('app.sub'), { isPackage: true, path: 'app/sub/__init__.py' }),
      module('app.main', body('app.main'), { sourceBytes: b('def main():\n    print("hi")\n') }),
      module('ns', null, { isPackage: true }),
    ],
    data,
    distributions,
    buildInfo: { modules: { app: { reason: 'include' }, 'app.main': { reason: 'closure', importedBy: ['app'] } }, skippedData: [{ package: 'app', path: 'loop', reason: 'symlink loop' }] },
    ...extra,
  }
}

describe('resource sections: writer -> loader round trip', () => {
  it('serves data files, directories, distributions, sources and build info', async () => {
    const input = resourceInput()
    const { bytes, stats } = await writeBundleWithStats(input)
    const bundle = openBundle(tempFile('resources.pyb', bytes))
    expect(bundle.formatVersion).toBe(`1.${FORMAT_MINOR}`)
    expect(bundle.hasData()).toBe(true)
    expect(bundle.verify()).toMatchObject({ ok: true, problems: [] })

    expect(bundle.dataFiles('app')).toEqual(['caf\u00e9/\u00e9t\u00e9.txt', 'config.json', 'empty.dat', 'templates/base.html', 'templates/mail/welcome.txt'])
    expect(bundle.dataFiles('app.sub')).toEqual(['x.txt'])
    expect(bundle.dataFiles('ns')).toEqual([])
    expect(bundle.dataFiles('nope')).toEqual([])
    expect(bundle.dataDirectories('app')).toEqual(['caf\u00e9', 'templates', 'templates/mail'])
    expect(bundle.dataDirectories('app.sub')).toEqual([])
    for (const d of input.data!) expect(bundle.getData(d.package, d.path)).toEqual(d.bytes)
    expect(bundle.getData('app', 'templates')).toBeNull()
    expect(bundle.getData('app', 'missing.txt')).toBeNull()
    expect(bundle.getData('app', '\ud800')).toBeNull()
    expect(bundle.getData('app.main', 'x.txt')).toBeNull()

    expect(bundle.distributions()).toEqual([{ name: 'app-1.0.dist-info', isFile: false }, { name: 'old_thing-0.1.egg-info', isFile: true }])
    expect(bundle.distributionFiles('app-1.0.dist-info')).toEqual(['LICENSE', 'METADATA', 'entry_points.txt', 'top_level.txt'])
    expect(bundle.distributionFiles('old_thing-0.1.egg-info')).toEqual(['PKG-INFO'])
    expect(bundle.distributionFiles('missing.dist-info')).toEqual([])
    for (const d of input.distributions!) for (const f of d.files) expect(bundle.getDistributionFile(d.name, f.path)).toEqual(f.bytes)
    expect(bundle.getDistributionFile('app-1.0.dist-info', 'RECORD')).toBeNull()

    expect(dec.decode(bundle.getSource('app.main')!)).toBe('def main():\n    print("hi")\n')
    expect(dec.decode(bundle.getSource('app')!)).toBe('"""app"""\n')
    expect(bundle.getSource('app.sub')).toBeNull()
    expect(bundle.getSource('ns')).toBeNull()
    expect(bundle.getSource('nope')).toBeNull()

    expect(bundle.buildInfo()).toEqual(input.buildInfo)
    expect(bundle.buildInfo()).toBe(bundle.buildInfo()) // parsed once

    expect(stats.resources).toMatchObject({ packages: 2, dataFiles: 6, distributions: 2, distributionFiles: 5, sources: 2 })
    expect(stats.resources.dataBytes).toBe(input.data!.reduce((n, d) => n + d.bytes.length, 0))
    bundle.close()
    expect(() => bundle.dataFiles('app')).toThrow(PyBundleError)
  })

  it('hands out zero-copy, DATA_ALIGN-aligned views into the mapping', async () => {
    const bytes = await bundleBytes(resourceInput())
    const bundle = openBundleFromBuffer(bytes)
    for (const v of [bundle.getData('app', 'config.json')!, bundle.getDistributionFile('app-1.0.dist-info', 'METADATA')!, bundle.getSource('app.main')!]) {
      expect(v.buffer).toBe(bytes.buffer)
      expect(v.byteOffset % DATA_ALIGN).toBe(0)
    }
    // identical payloads are stored once: the data file and the distribution's LICENSE
    expect(bundle.getData('app', 'caf\u00e9/\u00e9t\u00e9.txt')!.byteOffset).toBe(bundle.getDistributionFile('app-1.0.dist-info', 'LICENSE')!.byteOffset)
  })

  it('is deterministic whatever order the input comes in', async () => {
    const a = resourceInput()
    const r = resourceInput()
    r.modules.reverse()
    r.data!.reverse()
    r.distributions!.reverse()
    for (const d of r.distributions!) d.files.reverse()
    r.buildInfo = { skippedData: r.buildInfo!.skippedData, modules: { 'app.main': r.buildInfo!.modules['app.main'], app: r.buildInfo!.modules.app } }
    expect(await bundleBytes(r)).toEqual(await bundleBytes(a))
  })

  it('a bundle without resources has none, and answers empty', async () => {
    const bytes = await bundleBytes({ python: PY311, optimize: 0, modules: [module('app', body('app'), { isPackage: true })] })
    const bundle = openBundleFromBuffer(bytes)
    expect(bundle.hasData()).toBe(false)
    expect(bundle.dataFiles('app')).toEqual([])
    expect(bundle.getData('app', 'x')).toBeNull()
    expect(bundle.dataDirectories('app')).toEqual([])
    expect(bundle.distributions()).toEqual([])
    expect(bundle.distributionFiles('x')).toEqual([])
    expect(bundle.getDistributionFile('x', 'METADATA')).toBeNull()
    expect(bundle.getSource('app')).toBeNull()
    expect(bundle.buildInfo()).toBeNull()
    expect(bundle.stats().sections.map((s) => s.name)).toEqual(['MIDX', 'MODS', 'CODE', 'STRT', 'CNST', 'STRD', 'CDAT', 'BLOB'])
  })
})

describe('format 1.0 compatibility', () => {
  it('a 1.0 file (format_minor 0, no resource sections) opens, verifies and has no resources', async () => {
    const bytes = await bundleBytes({ python: PY311, optimize: 0, modules: [module('app', body('app'), { isPackage: true })] })
    new DataView(bytes.buffer, bytes.byteOffset).setUint16(HEADER.at.format_minor, 0, true)
    resealHeader(bytes)
    const bundle = openBundleFromBuffer(bytes)
    expect(bundle.formatVersion).toBe('1.0')
    expect(bundle.verify()).toMatchObject({ ok: true })
    expect([bundle.hasData(), bundle.dataFiles('app'), bundle.distributions(), bundle.getSource('app'), bundle.buildInfo()]).toEqual([false, [], [], null, null])
    expect(bundle.toPyc('app').length).toBeGreaterThan(16)
  })

  it('rejects a file with only some of the resource sections', async () => {
    const bytes = await bundleBytes(resourceInput())
    const dv = new DataView(bytes.buffer, bytes.byteOffset)
    // rename DATA (the last entry) to a second BLOB-like unknown: the group is then incomplete
    const n = dv.getUint16(HEADER.at.section_count, true)
    dv.setUint16(HEADER.at.section_count, n - 1, true)
    dv.setUint32(HEADER.at.header_size, HEADER.size + (n - 1) * SECTION_ENTRY.size, true)
    resealHeader(bytes)
    const e = thrown(() => openBundleFromBuffer(bytes))
    expect(e).toMatchObject({ code: 'MALFORMED' })
    expect(e.message).toMatch(/resource sections DATA are missing/)
  })
})

describe('writer checks of resource input', () => {
  const bad = async (patch: (i: BundleInput) => void): Promise<PyBundleError> => {
    const input = resourceInput()
    patch(input)
    return thrownAsync(() => bundleBytes(input))
  }
  for (const path of ['', '/etc/passwd', '../x', 'a/../b', 'a//b', './a', 'a/.', 'a\\b', 'a\u0000b', 'a\nb', 'a\u202eb', 'x\ud800']) {
    it(`rejects the data path ${JSON.stringify(path)}`, async () => {
      const e = await bad((i) => i.data!.push({ package: 'app', path, bytes: b('x') }))
      expect(e.code).toBe('MANIFEST')
      expect(e.message).toMatch(/is not allowed/)
    })
  }
  it('rejects a distribution name with a slash, a path escaping its folder, duplicates', async () => {
    expect((await bad((i) => i.distributions!.push({ name: 'a/b.dist-info', files: [] }))).message).toMatch(/single name/)
    expect((await bad((i) => i.distributions![0].files.push({ path: '../../x', bytes: b('') }))).code).toBe('MANIFEST')
    expect((await bad((i) => i.distributions!.push({ name: 'app-1.0.dist-info', files: [] }))).message).toMatch(/appears twice/)
    expect((await bad((i) => i.data!.push({ package: 'app', path: 'config.json', bytes: b('') }))).message).toMatch(/appears twice/)
    expect((await bad((i) => { i.distributions![1].files.push({ path: 'METADATA', bytes: b('') }) })).message).toMatch(/exactly one file/)
  })
  it('data belongs to a bundled regular package', async () => {
    expect((await bad((i) => i.data!.push({ package: 'ns', path: 'x', bytes: b('') }))).message).toMatch(/not a regular package/)
    expect((await bad((i) => i.data!.push({ package: 'app.main', path: 'x', bytes: b('') }))).message).toMatch(/not a regular package/)
    expect((await bad((i) => i.data!.push({ package: 'other', path: 'x', bytes: b('') }))).message).toMatch(/not a bundled module/)
  })
  it('rejects a file over MAX_DATA_FILE_SIZE with the limit named', async () => {
    const e = await bad((i) => i.data!.push({ package: 'app', path: 'big', bytes: new Uint8Array(LIMITS.MAX_DATA_FILE_SIZE + 1) }))
    expect(e).toMatchObject({ code: 'LIMIT_EXCEEDED', details: { limit: 'MAX_DATA_FILE_SIZE', max: LIMITS.MAX_DATA_FILE_SIZE } })
  })
})
