/**
 * The writer's layout of the §15 resource sections: after BLOB, in
 * RESOURCE_SECTION_ORDER, each on SECTION_ALIGN, the file ending where DATA
 * ends, the statistics matching the section table; none of them (and the v1.0
 * layout) when the input has no resources.
 */
import { describe, expect, it } from 'vitest'
import { writeBundleWithStats } from '@pybundle/bundler'
import {
  FILE_ENTRY, HEADER, OWNER, RESOURCE_SECTION, RESOURCE_SECTION_ORDER, SECTION, SECTION_ALIGN, SECTION_ENTRY, SECTION_ORDER, SOURCE,
} from '@pybundle/format-spec'
import { resourceInput } from '../loader/fixtures.js'

function table(bytes: Uint8Array): { id: number; offset: number; size: number }[] {
  const dv = new DataView(bytes.buffer, bytes.byteOffset)
  const n = dv.getUint16(HEADER.at.section_count, true)
  return Array.from({ length: n }, (_, i) => {
    const e = HEADER.size + i * SECTION_ENTRY.size
    return { id: dv.getUint32(e + SECTION_ENTRY.at.id, true), offset: Number(dv.getBigUint64(e + SECTION_ENTRY.at.offset, true)), size: Number(dv.getBigUint64(e + SECTION_ENTRY.at.size, true)) }
  })
}

describe('writer: resource sections', () => {
  it('lays them out after BLOB, aligned, sized by their records, and reports them in the stats', async () => {
    const input = resourceInput()
    const { bytes, stats } = await writeBundleWithStats(input)
    const t = table(bytes)
    expect(t.map((s) => s.id)).toEqual([...SECTION_ORDER.map((n) => SECTION[n]), ...RESOURCE_SECTION_ORDER.map((n) => RESOURCE_SECTION[n])])
    for (let i = 1; i < t.length; i++) {
      expect(t[i].offset % SECTION_ALIGN).toBe(0)
      expect(t[i].offset).toBeGreaterThanOrEqual(t[i - 1].offset + t[i - 1].size)
      expect(t[i].offset - (t[i - 1].offset + t[i - 1].size)).toBeLessThan(SECTION_ALIGN)
    }
    expect(t.at(-1)!.offset + t.at(-1)!.size).toBe(bytes.length)
    const size = (n: (typeof RESOURCE_SECTION_ORDER)[number]) => t[SECTION_ORDER.length + RESOURCE_SECTION_ORDER.indexOf(n)].size
    expect(stats.resourceSections).toEqual(Object.fromEntries(RESOURCE_SECTION_ORDER.map((n) => [n, size(n)])))
    const packages = new Set(input.data!.map((d) => d.package)).size
    const files = input.data!.length + input.distributions!.reduce((n, d) => n + d.files.length, 0)
    expect(size('PKGS')).toBe(packages * OWNER.size)
    expect(size('DIST')).toBe(input.distributions!.length * OWNER.size)
    expect(size('FILE')).toBe(files * FILE_ENTRY.size)
    expect(size('SRCS')).toBe(input.modules.length * SOURCE.size)
    expect(size('DATA') % 8).toBe(0)
    expect(stats.resources).toMatchObject({ packages, dataFiles: input.data!.length, distributions: 2, sources: 2, infoBytes: size('INFO'), payloadBytes: size('DATA') })
    expect(stats.fileSize).toBe(bytes.length)
  })

  it('writes the eight v1.0 sections only, and zero resource stats, without resources; SRCS is empty without sources', async () => {
    const input = resourceInput()
    const plain = await writeBundleWithStats({ python: input.python, optimize: 0, modules: input.modules.map((m) => ({ ...m, sourceBytes: undefined })) })
    expect(table(plain.bytes).map((s) => s.id)).toEqual(SECTION_ORDER.map((n) => SECTION[n]))
    expect(plain.stats.resourceSections).toBeUndefined()
    expect(plain.stats.resources).toMatchObject({ packages: 0, dataFiles: 0, distributions: 0, sources: 0, infoBytes: 0, payloadBytes: 0 })
    const noSources = await writeBundleWithStats({ ...input, modules: input.modules.map((m) => ({ ...m, sourceBytes: undefined })) })
    expect(noSources.stats.resourceSections!.SRCS).toBe(0)
    const infoOnly = await writeBundleWithStats({ python: input.python, optimize: 0, modules: input.modules.map((m) => ({ ...m, sourceBytes: undefined })), buildInfo: { modules: {} } })
    expect(infoOnly.stats.resourceSections).toMatchObject({ PKGS: 0, DIST: 0, FILE: 0, SRCS: 0, RSTR: 0, DATA: 0, INFO: '{"modules":{}}'.length })
  })
})
