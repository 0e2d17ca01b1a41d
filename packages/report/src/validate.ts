import { PyBundleError } from '@pybundle/errors'
import { checkModuleName } from '@pybundle/format-spec'
import type { ReportData } from './report-data.js'

const KINDS = new Set(['module', 'package', 'namespace'])
const CHECKSUMS = new Set(['ok', 'mismatch', 'unchecked'])
const REGION_KINDS = new Set(['header', 'index', 'resource-index', 'data', 'metadata', 'sources', 'build-info', 'shared', 'padding'])

function bad(path: string, what: string): never {
  throw new PyBundleError('MALFORMED', `report data: ${path} ${what}`, { details: { path } })
}

function count(v: unknown, path: string): void {
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0) bad(path, 'is not a non-negative integer')
}

function object(v: unknown, path: string): Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) bad(path, 'is not an object')
  return v as Record<string, unknown>
}

/**
 * Checks that `data` has the ReportData shape (it may come from JSON someone
 * wrote by hand); throws PyBundleError MALFORMED naming the first bad field.
 * Extra fields are allowed and ignored.
 */
export function validateReportData(data: unknown, path = 'data'): asserts data is ReportData {
  const d = object(data, path)
  const s = object(d.summary, `${path}.summary`)
  for (const k of ['formatVersion', 'pythonVersion'] as const) {
    if (typeof s[k] !== 'string') bad(`${path}.summary.${k}`, 'is not a string')
  }
  for (const k of ['moduleCount', 'fileSize', 'bytesSavedBySharing'] as const) count(s[k], `${path}.summary.${k}`)
  if (!Array.isArray(s.sections)) bad(`${path}.summary.sections`, 'is not an array')
  s.sections.forEach((x: unknown, i: number) => {
    const sec = object(x, `${path}.summary.sections[${i}]`)
    if (typeof sec.name !== 'string') bad(`${path}.summary.sections[${i}].name`, 'is not a string')
    count(sec.size, `${path}.summary.sections[${i}].size`)
  })
  for (const t of ['strings', 'consts'] as const) {
    const o = object(s[t], `${path}.summary.${t}`)
    for (const k of ['entries', 'records', 'redirects']) count(o[k], `${path}.summary.${t}.${k}`)
  }
  if (!CHECKSUMS.has(s.checksums as string)) bad(`${path}.summary.checksums`, "is not 'ok', 'mismatch' or 'unchecked'")
  if (!Array.isArray(d.modules)) bad(`${path}.modules`, 'is not an array')
  const seen = new Set<string>()
  d.modules.forEach((x: unknown, i: number) => {
    const p = `${path}.modules[${i}]`
    const m = object(x, p)
    // The rule verify() applies (SPEC.md §5.1), so the report and verify cannot disagree about a name.
    if (typeof m.name !== 'string') bad(`${p}.name`, 'is not a string')
    const why = checkModuleName(m.name)
    if (why !== undefined) bad(`${p}.name`, `is not a valid module name (${why}; SPEC.md §5.1)`)
    if (seen.has(m.name)) bad(`${p}.name`, `repeats ${m.name}`)
    seen.add(m.name)
    if (!KINDS.has(m.kind as string)) bad(`${p}.kind`, "is not 'module', 'package' or 'namespace'")
    for (const k of ['codeObjects', 'bytecodeBytes', 'bytesAttributed', 'stringsOwned', 'stringsShared', 'constsOwned', 'constsShared']) {
      count(m[k], `${p}.${k}`)
    }
  })
  if (d.regions !== undefined) {
    if (!Array.isArray(d.regions)) bad(`${path}.regions`, 'is not an array')
    d.regions.forEach((x: unknown, i: number) => {
      const p = `${path}.regions[${i}]`
      const r = object(x, p)
      if (typeof r.name !== 'string') bad(`${p}.name`, 'is not a string')
      if (!REGION_KINDS.has(r.kind as string)) bad(`${p}.kind`, `is not one of ${[...REGION_KINDS].join(', ')}`)
      count(r.bytes, `${p}.bytes`)
    })
  }
}
