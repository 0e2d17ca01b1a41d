/**
 * §15 resource sections (format 1.1): package data files, distribution metadata,
 * module sources and build provenance, written by the writer and read back
 * through the loader API of issue 14's contract.
 */
import { beforeAll, describe, expect, it } from 'vitest'
import { PyBundleError } from '@pybundle/errors'
import { openBundle, openBundleFromBuffer } from '@pybundle/loader'
import type { BundleInput } from '@pybundle/bundler'
import { writeBundleWithStats } from '@pybundle/bundler'
import {
  DATA_ALIGN, FILE_ENTRY, FORMAT_MINOR, HEADER, LIMITS, OWNER, OWNER_FLAG, RESOURCE_SECTION_ORDER, SECTION_ENTRY, SOURCE, sectionName,
} from '@pybundle/format-spec'
import { thrown, thrownAsync } from '../helpers/thrown.js'
import { PY311, bundleBytes, code, module, reseal, resealHeader, resourceInput, tempFile } from './fixtures.js'

const enc = new TextEncoder()
const dec = new TextDecoder()
const b = (s: string): Uint8Array => enc.encode(s)

const body = (name: string) => code('3.11', { name: '<module>', filename: `${name}.py` })

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

/** Section [offset, size) by its four-character name. */
function section(bytes: Uint8Array, name: string): { offset: number; size: number; entry: number } {
  const dv = new DataView(bytes.buffer, bytes.byteOffset)
  const n = dv.getUint16(HEADER.at.section_count, true)
  for (let i = 0; i < n; i++) {
    const e = HEADER.size + i * SECTION_ENTRY.size
    if (sectionName(dv.getUint32(e + SECTION_ENTRY.at.id, true)) === name) {
      return { offset: Number(dv.getBigUint64(e + SECTION_ENTRY.at.offset, true)), size: Number(dv.getBigUint64(e + SECTION_ENTRY.at.size, true)), entry: e }
    }
  }
  throw new Error(`no section ${name}`)
}

function indexOf(hay: Uint8Array, needle: Uint8Array, from = 0): number {
  outer: for (let i = from; i + needle.length <= hay.length; i++) {
    for (let j = 0; j < needle.length; j++) if (hay[i + j] !== needle[j]) continue outer
    return i
  }
  return -1
}

describe('verify walks the resource sections', () => {
  for (const name of RESOURCE_SECTION_ORDER) {
    it(`catches a changed byte in ${name} by its checksum`, async () => {
      const bytes = await bundleBytes(resourceInput())
      const s = section(bytes, name)
      expect(s.size).toBeGreaterThan(0)
      bytes[s.offset + (s.size >> 1)] ^= 0x40
      const report = openBundleFromBuffer(bytes).verify()
      expect(report.ok).toBe(false)
      expect(report.problems).toContainEqual(expect.objectContaining({ code: 'CHECKSUM_MISMATCH', section: name, offset: s.offset }))
    })
  }

  /** Patch a fresh bundle, reseal its checksums, and return the problems verify() finds. */
  const damaged = async (patch: (bytes: Uint8Array, dv: DataView) => void) => {
    const bytes = await bundleBytes(resourceInput())
    patch(bytes, new DataView(bytes.buffer, bytes.byteOffset))
    reseal(bytes)
    const bundle = openBundleFromBuffer(bytes)
    const report = bundle.verify()
    expect(report.ok).toBe(false)
    expect(report.problems.every((p) => p.code !== 'CHECKSUM_MISMATCH')).toBe(true)
    return { bundle, problems: report.problems, bytes }
  }

  it('a path that leaves its folder: verify, dataFiles and getData all refuse it', async () => {
    const { bundle, problems } = await damaged((bytes) => {
      const r = section(bytes, 'RSTR')
      const at = indexOf(bytes.subarray(r.offset, r.offset + r.size), b('config.json'))
      bytes.set(b('../'), r.offset + at)
    })
    expect(problems).toContainEqual(expect.objectContaining({ code: 'MALFORMED', section: 'FILE', message: expect.stringMatching(/"\.\.\/fig\.json" is not allowed: component 1 is '\.\.'/) }))
    expect(thrown(() => bundle.dataFiles('app'))).toMatchObject({ code: 'MALFORMED' })
    expect(thrown(() => bundle.getData('app', '../fig.json'))).toMatchObject({ code: 'MALFORMED' })
  })

  it('unsorted paths, a broken file range, a wrong package module, misaligned and oversized payloads', async () => {
    const pk = (bytes: Uint8Array) => section(bytes, 'PKGS').offset
    const fe = (bytes: Uint8Array, k: number) => section(bytes, 'FILE').offset + k * FILE_ENTRY.size
    let r = await damaged((bytes, dv) => { // swap two path fields of app's files
      const a = fe(bytes, 0), c = fe(bytes, 1)
      const x = dv.getBigUint64(a, true)
      dv.setBigUint64(a, dv.getBigUint64(c, true), true)
      dv.setBigUint64(c, x, true)
    })
    expect(r.problems.map((p) => p.message)).toContainEqual(expect.stringMatching(/paths are not sorted/))
    r = await damaged((bytes, dv) => dv.setUint32(pk(bytes) + OWNER.at.file_count, 99, true))
    expect(r.problems[0]).toMatchObject({ code: 'BAD_INDEX', offset: pk(r.bytes) + OWNER.at.first_file })
    r = await damaged((bytes, dv) => dv.setUint32(pk(bytes) + OWNER.at.file_count, 4, true))
    expect(r.problems.map((p) => p.message)).toContainEqual(expect.stringMatching(/files start at FILE\[5\]; the previous owner ended at FILE\[4\]/))
    r = await damaged((bytes, dv) => dv.setUint32(pk(bytes) + OWNER.at.module, 2, true)) // app.main: not a package
    expect(r.problems.map((p) => p.message)).toContainEqual(expect.stringMatching(/MODS\[2\] has another name/))
    r = await damaged((bytes, dv) => dv.setBigUint64(fe(bytes, 1) + FILE_ENTRY.at.data_offset, 4n, true))
    expect(r.problems[0]).toMatchObject({ code: 'MISALIGNED', offset: fe(r.bytes, 1) + FILE_ENTRY.at.data_offset })
    r = await damaged((bytes, dv) => dv.setBigUint64(fe(bytes, 1) + FILE_ENTRY.at.data_size, BigInt(LIMITS.MAX_DATA_FILE_SIZE + 1), true))
    expect(r.problems[0]).toMatchObject({ code: 'LIMIT_EXCEEDED', details: { limit: 'MAX_DATA_FILE_SIZE' } })
    r = await damaged((bytes, dv) => dv.setBigUint64(fe(bytes, 1) + FILE_ENTRY.at.data_size, 1n << 40n, true))
    expect(r.problems[0]).toMatchObject({ code: 'LIMIT_EXCEEDED' })
    r = await damaged((bytes, dv) => dv.setBigUint64(fe(bytes, 1) + FILE_ENTRY.at.data_offset, 1n << 62n, true))
    expect(r.problems[0]).toMatchObject({ code: 'OUT_OF_BOUNDS' })
  })

  it('distribution flags, single-file entries, sources, INFO and DATA padding', async () => {
    const di = (bytes: Uint8Array, i: number) => section(bytes, 'DIST').offset + i * OWNER.size
    let r = await damaged((bytes, dv) => dv.setUint32(di(bytes, 0) + OWNER.at.flags, OWNER_FLAG.SINGLE_FILE, true))
    expect(r.problems.map((p) => p.message)).toContainEqual(expect.stringMatching(/exactly one file, PKG-INFO/))
    r = await damaged((bytes, dv) => dv.setUint32(di(bytes, 1) + OWNER.at.flags, 6, true))
    expect(r.problems[0]).toMatchObject({ code: 'MALFORMED', message: expect.stringMatching(/unknown flags/) })
    expect(thrown(() => r.bundle.distributions())).toMatchObject({ code: 'MALFORMED' })
    r = await damaged((bytes, dv) => dv.setUint32(section(bytes, 'SRCS').offset + 2 * SOURCE.size + SOURCE.at.data_size, 3, true)) // MODS[2] app.sub: absent
    expect(r.problems[0]).toMatchObject({ code: 'MALFORMED', message: expect.stringMatching(/not all zero/) })
    r = await damaged((bytes, dv) => dv.setUint32(section(bytes, 'SRCS').offset + SOURCE.at.flags, 3, true))
    expect(r.problems[0]).toMatchObject({ code: 'MALFORMED', message: expect.stringMatching(/unknown flags/) })
    expect(thrown(() => r.bundle.getSource('app'))).toMatchObject({ code: 'MALFORMED' })
    r = await damaged((bytes) => { bytes[section(bytes, 'INFO').offset] = 0x5b }) // '[': not JSON any more
    expect(r.problems[0]).toMatchObject({ code: 'MALFORMED', section: 'INFO' })
    expect(thrown(() => r.bundle.buildInfo())).toMatchObject({ code: 'MALFORMED' })
    r = await damaged((bytes) => { // '{"modules":[]...' shape check
      const s = section(bytes, 'INFO')
      const at = indexOf(bytes.subarray(s.offset, s.offset + s.size), b('"reason":"include"'))
      bytes.set(b('"reason":12345678 '), s.offset + at)
    })
    expect(r.problems[0]).toMatchObject({ code: 'MALFORMED', message: expect.stringMatching(/no "reason" string/) })
    r = await damaged((bytes) => { // the byte after config.json's 17 bytes is padding
      const s = section(bytes, 'DATA')
      const at = indexOf(bytes.subarray(s.offset, s.offset + s.size), b('{"debug": false}\n'))
      bytes[s.offset + at + 17] = 1
    })
    expect(r.problems[0]).toMatchObject({ code: 'MALFORMED', section: 'DATA', message: expect.stringMatching(/outside every payload/) })
  })
})

describe('resource lookups touch O(log n) bytes, never a scan', () => {
  const sized = async (files: number): Promise<Uint8Array> => bundleBytes(resourceInput({
    data: Array.from({ length: files }, (_, i) => ({ package: 'app', path: `d/file-${String(i).padStart(6, '0')}.txt`, bytes: b(`#${i}`) })),
  }))

  it('open reads nothing of the resource sections; a lookup reads a few records per halving', async () => {
    const touched: { open: number; hit: number; miss: number; source: number; files: number }[] = []
    for (const n of [16, 1024, 16384]) {
      const bundle = openBundleFromBuffer(await sized(n))
      const open = bundle.bytesTouched
      bundle.resetBytesTouched()
      // (not the middle file, which the first probe of the binary search would find)
      expect(dec.decode(bundle.getData('app', 'd/file-000001.txt')!)).toBe('#1')
      const hit = bundle.bytesTouched
      bundle.resetBytesTouched()
      expect(bundle.getData('app', 'd/file-zzz.txt')).toBeNull()
      const miss = bundle.bytesTouched
      bundle.resetBytesTouched()
      bundle.getSource('app.main')
      touched.push({ open, hit, miss, source: bundle.bytesTouched, files: n })
    }
    // open: the header and section table only, whatever the number of files
    expect(new Set(touched.map((t) => t.open)).size).toBe(1)
    // (the header checksum reads the header and section table once, their fields are read once more)
    expect(touched[0].open).toBeLessThanOrEqual(2 * (HEADER.size + 15 * SECTION_ENTRY.size) + 8 /* MIDX header */)
    // getSource: one module lookup and one SRCS record, whatever the number of files
    expect(new Set(touched.map((t) => t.source)).size).toBe(1)
    for (const t of touched) {
      // binary search: at most log2(n) + 2 probes, each an 8-byte path field and a path of < 24 bytes, plus one payload
      const probes = Math.ceil(Math.log2(t.files)) + 2
      const perProbe = 8 + 24
      const owner = 2 * (8 + 8) + 8 // PKGS: two records (app, app.sub), their name fields and names, the range
      expect(t.hit, JSON.stringify(t)).toBeLessThanOrEqual(owner + probes * perProbe + 16 + 8)
      expect(t.miss, JSON.stringify(t)).toBeLessThanOrEqual(owner + probes * perProbe)
    }
    // 1024x the files: the cost of a hit grows by the extra halvings only (10 of them), not by the files
    expect(touched[2].hit - touched[0].hit).toBeLessThanOrEqual(11 * 32)
  })
})

describe('sections from a later minor version (§12)', () => {
  /** The resource bundle with one more section entry, id `XTRA`, its bytes appended at the end. */
  const withExtra = async (flags: number, id = 'XTRA'): Promise<Uint8Array> => {
    const orig = await bundleBytes(resourceInput())
    const dv0 = new DataView(orig.buffer, orig.byteOffset)
    const n = dv0.getUint16(HEADER.at.section_count, true)
    const headerSize = HEADER.size + (n + 1) * SECTION_ENTRY.size
    expect(headerSize).toBeLessThanOrEqual(section(orig, 'MIDX').offset) // room for one more entry before the first section
    const at = Math.ceil(orig.length / 64) * 64
    const payload = b('a later minor version wrote this')
    const bytes = new Uint8Array(at + payload.length)
    bytes.set(orig)
    bytes.set(payload, at)
    const dv = new DataView(bytes.buffer, bytes.byteOffset)
    const e = HEADER.size + n * SECTION_ENTRY.size
    dv.setUint32(e + SECTION_ENTRY.at.id, (id.charCodeAt(0) | (id.charCodeAt(1) << 8) | (id.charCodeAt(2) << 16) | (id.charCodeAt(3) << 24)) >>> 0, true)
    dv.setUint32(e + SECTION_ENTRY.at.flags, flags, true)
    dv.setBigUint64(e + SECTION_ENTRY.at.offset, BigInt(at), true)
    dv.setBigUint64(e + SECTION_ENTRY.at.size, BigInt(payload.length), true)
    dv.setUint16(HEADER.at.section_count, n + 1, true)
    dv.setUint32(HEADER.at.header_size, headerSize, true)
    dv.setBigUint64(HEADER.at.file_size, BigInt(bytes.length), true)
    return reseal(bytes)
  }

  it('a section id this reader does not know is checksummed and otherwise ignored', async () => {
    const bundle = openBundleFromBuffer(await withExtra(0x0001))
    expect(bundle.verify()).toMatchObject({ ok: true, problems: [] })
    expect(bundle.stats().sections.at(-1)).toMatchObject({ name: 'XTRA' })
    expect(bundle.getData('app', 'config.json')).not.toBeNull()
    const damaged = await withExtra(0)
    damaged[damaged.length - 1] ^= 1
    expect(openBundleFromBuffer(damaged).verify().problems).toContainEqual(expect.objectContaining({ code: 'CHECKSUM_MISMATCH', section: 'XTRA' }))
  })

  it('unless it sets a required flag bit, or appears twice', async () => {
    const e = thrown(() => openBundleFromBuffer(withExtraSync))
    expect(e).toMatchObject({ code: 'UNSUPPORTED_VERSION' })
    expect(e.message).toMatch(/\("XTRA"\), unknown to this reader, has required flags 0x10000/)
    expect(thrown(() => openBundleFromBuffer(dupSync))).toMatchObject({ code: 'MALFORMED', message: expect.stringMatching(/"DATA" appears twice/) })
  })

  let withExtraSync: Uint8Array
  let dupSync: Uint8Array
  beforeAll(async () => {
    withExtraSync = await withExtra(0x10000)
    dupSync = await withExtra(0, 'DATA')
  })
})
