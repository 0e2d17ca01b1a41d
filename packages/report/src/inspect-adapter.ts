import { PyBundleError } from '@pybundle/errors'
import type { ChecksumState, ModuleKind, RegionKind, ReportData, ReportModule } from './report-data.js'
import { validateReportData } from './validate.js'

/**
 * The part of `pybundle inspect --json` (packages/cli, src/lib/inspect.ts,
 * InspectReport) that the report reads. Declared here, not imported: the CLI
 * depends on this package for `--html`, not the other way round.
 */
export interface InspectJson {
  formatVersion: string
  python: { version: string }
  fileSize: number
  checksums: 'ok' | 'mismatch' | 'unchecked'
  sections: { name: string; size: number }[]
  counts?: { modules?: number }
  strings: { entries: number; redirects: number; records?: number }
  consts: { entries: number; redirects: number; records?: number }
  sharingSavedBytes: number
  modules: InspectJsonModule[]
  /** Every byte outside the modules by purpose (inspect of format 1.1 and later). */
  regions?: { name: string; kind: RegionKind; bytes: number }[]
}

export interface InspectJsonModule {
  name: string
  kind: ModuleKind
  codeObjects: number
  bytecodeBytes: number
  /** Bytes of the file attributed to the module. */
  bytes: number
  /** String table entries of its code objects that store data / that redirect (when inspect reports them). */
  stringsOwned?: number
  stringsShared?: number
  constsOwned?: number
  constsShared?: number
}

const num = (v: unknown): number => (typeof v === 'number' ? v : 0)

/**
 * ReportData from the parsed output of `pybundle inspect --json`. Accepts
 * ReportData as is (so either file can be handed to the report). Per-module
 * owned/shared entry counts that inspect does not report become 0.
 */
export function reportDataFromInspect(json: unknown): ReportData {
  if (typeof json !== 'object' || json === null) throw new PyBundleError('MALFORMED', 'inspect JSON: not an object')
  const j = json as Record<string, unknown>
  if ('summary' in j) {
    validateReportData(j)
    return j
  }
  const x = j as unknown as InspectJson
  if (typeof x.python !== 'object' || x.python === null || !Array.isArray(x.modules) || !Array.isArray(x.sections)) {
    throw new PyBundleError('MALFORMED', 'inspect JSON: expected the output of `pybundle inspect --json` (python, sections, modules)')
  }
  const table = (t: { entries: number; redirects: number; records?: number } | undefined) => ({
    entries: num(t?.entries),
    redirects: num(t?.redirects),
    records: t?.records ?? num(t?.entries) - num(t?.redirects),
  })
  const modules: ReportModule[] = x.modules.map((m) => ({
    name: m.name,
    kind: m.kind,
    codeObjects: num(m.codeObjects),
    bytecodeBytes: num(m.bytecodeBytes),
    bytesAttributed: num(m.bytes),
    stringsOwned: num(m.stringsOwned),
    stringsShared: num(m.stringsShared),
    constsOwned: num(m.constsOwned),
    constsShared: num(m.constsShared),
  }))
  const data: ReportData = {
    summary: {
      formatVersion: String(x.formatVersion),
      pythonVersion: String(x.python.version),
      moduleCount: x.counts?.modules ?? modules.length,
      fileSize: x.fileSize,
      sections: x.sections.map((s) => ({ name: s.name, size: s.size })),
      strings: table(x.strings),
      consts: table(x.consts),
      bytesSavedBySharing: x.sharingSavedBytes,
      checksums: x.checksums as ChecksumState,
    },
    modules,
    ...(Array.isArray(x.regions) ? { regions: x.regions.map((r) => ({ name: String(r.name), kind: r.kind, bytes: num(r.bytes) })) } : {}),
  }
  validateReportData(data, 'inspect JSON')
  return data
}
