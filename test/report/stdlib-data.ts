import { execFileSync } from 'node:child_process'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { reportDataFromInspect, type InspectJson, type ReportData } from '@pybundle/report'

const here = dirname(fileURLToPath(import.meta.url))
const repo = resolve(here, '../..')
const PYBUNDLE = join(repo, 'packages/cli/bin/pybundle.js')

export interface StdlibBundle {
  /** The .pyb built from examples/stdlib.toml (stdlib with its test suite). */
  file: string
  /** `pybundle inspect <file> --json`, parsed. */
  inspect: InspectJson
  data: ReportData
  /** The report written by `pybundle inspect <file> --html <html>`. */
  html: string
}

/**
 * A real stdlib bundle, built into `dir` by the pybundle command line exactly
 * as the README says (`pybundle build examples/stdlib.toml`), its
 * `pybundle inspect --json` figures and its `pybundle inspect --html` report.
 */
export function buildStdlibBundle(dir: string): StdlibBundle {
  const file = join(dir, 'stdlib.pyb')
  const run = (args: string[]): string =>
    execFileSync(process.execPath, [PYBUNDLE, ...args], { cwd: repo, maxBuffer: 512 << 20, encoding: 'utf8' })
  run(['build', join(repo, 'examples/stdlib.toml'), '-o', file, '--quiet'])
  const html = join(dir, 'stdlib.html')
  const inspect = JSON.parse(run(['inspect', file, '--json', '--html', html])) as InspectJson
  return { file, inspect, data: reportDataFromInspect(inspect), html }
}
