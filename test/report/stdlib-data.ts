import { execFileSync } from 'node:child_process'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { ReportData } from '@pybundle/report'

const here = dirname(fileURLToPath(import.meta.url))

/**
 * ReportData for this machine's python3 stdlib (about 1,700 modules), from
 * stdlib_figures.py: real module names, kinds and compiled figures, with
 * section sizes made up in proportion. A stand-in until a real stdlib bundle
 * can be inspected.
 */
export function stdlibReportData(): ReportData {
  const out = execFileSync('python3', [join(here, 'stdlib_figures.py')], { maxBuffer: 256 << 20, encoding: 'utf8' })
  return JSON.parse(out) as ReportData
}
