import { describe, expect, it } from 'vitest'
import { PyBundleError } from '@pybundle/errors'
import { reportDataFromInspect, renderReport } from '@pybundle/report'

/** The shape `pybundle inspect --json` prints (packages/cli src/lib/inspect.ts, InspectReport), trimmed. */
const inspectJson = {
  file: 'examples/_startup.pyb',
  formatVersion: '1.0',
  python: { version: '3.11', magic: 3495, marshalVersion: 4 },
  optimize: 0,
  fileSize: 90_112,
  headerSize: 128,
  checksums: 'ok',
  sections: [
    { name: 'MIDX', offset: 192, size: 264, checksum: '0011223344556677', checksumOk: true },
    { name: 'BLOB', offset: 512, size: 60_000, checksum: '8899aabbccddeeff', checksumOk: true },
  ],
  counts: { modules: 3, packages: 1, namespaces: 0, sourceless: 0, codeObjects: 40, strings: 900, consts: 300, midxSlots: 8 },
  strings: { entries: 900, redirects: 500 },
  consts: { entries: 300, redirects: 100 },
  sharingSavedBytes: 12_345,
  modules: [
    { name: 'os', kind: 'module', sourceless: false, codeObjects: 30, bytecodeBytes: 9000, bytes: 40_000, share: 0.44 },
    { name: 'encodings', kind: 'package', sourceless: false, codeObjects: 8, bytecodeBytes: 1000, bytes: 5000, share: 0.05, stringsOwned: 10, stringsShared: 20, constsOwned: 3, constsShared: 4 },
    { name: 'encodings.utf_8', kind: 'module', sourceless: false, codeObjects: 2, bytecodeBytes: 200, bytes: 1000, share: 0.01 },
  ],
}

describe('reportDataFromInspect', () => {
  it('maps inspect --json onto ReportData', () => {
    const d = reportDataFromInspect(JSON.parse(JSON.stringify(inspectJson)))
    expect(d.summary).toEqual({
      formatVersion: '1.0',
      pythonVersion: '3.11',
      moduleCount: 3,
      fileSize: 90_112,
      sections: [
        { name: 'MIDX', size: 264 },
        { name: 'BLOB', size: 60_000 },
      ],
      strings: { entries: 900, records: 400, redirects: 500 },
      consts: { entries: 300, records: 200, redirects: 100 },
      bytesSavedBySharing: 12_345,
      checksums: 'ok',
    })
    expect(d.modules.map((m) => [m.name, m.kind, m.bytesAttributed, m.stringsShared])).toEqual([
      ['os', 'module', 40_000, 0],
      ['encodings', 'package', 5000, 20],
      ['encodings.utf_8', 'module', 1000, 0],
    ])
    expect(renderReport(d)).toContain('<!doctype html>')
  })

  it('maps inspect regions (every byte outside the modules) and checks them', () => {
    const regions = [{ name: 'app', kind: 'data', bytes: 120 }, { name: 'header and section table', kind: 'header', bytes: 128 }]
    const d = reportDataFromInspect({ ...inspectJson, regions })
    expect(d.regions).toEqual(regions)
    expect(renderReport(d)).toContain('"regions":[{"name":"app","kind":"data","bytes":120}')
    expect(() => reportDataFromInspect({ ...inspectJson, regions: [{ name: 'x', kind: 'nonsense', bytes: 1 }] })).toThrow(/regions\[0\]\.kind/)
    expect(() => reportDataFromInspect({ ...inspectJson, regions: [{ name: 'x', kind: 'data', bytes: -1 }] })).toThrow(/regions\[0\]\.bytes/)
    expect(reportDataFromInspect(inspectJson).regions).toBeUndefined()
  })

  it('passes ReportData through and refuses anything else', () => {
    const d = reportDataFromInspect(inspectJson)
    expect(reportDataFromInspect(JSON.parse(JSON.stringify(d)))).toEqual(d)
    expect(() => reportDataFromInspect([])).toThrow(PyBundleError)
    expect(() => reportDataFromInspect({ modules: [] })).toThrow(PyBundleError)
    expect(() => reportDataFromInspect({ ...inspectJson, fileSize: -1 })).toThrow(/fileSize/)
  })
})
