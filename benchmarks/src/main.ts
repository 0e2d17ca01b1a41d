/**
 * `npm run bench`: pybundle against .pyc files, zips and CPython's own
 * marshal.loads, side by side (issue 5).
 *
 *   npm run bench                  tables for people on stdout (progress on stderr)
 *   npm run bench -- --json        the same results as JSON on stdout
 *   npm run bench -- --case open,working-set   only these cases (RESULTS.md untouched)
 *   npm run bench -- --quick       fewer rounds (development; RESULTS.md untouched)
 *
 * A full run (every case, not --quick) rewrites benchmarks/RESULTS.md and
 * benchmarks/scale.svg from what it measured.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { cpus, totalmem, release, loadavg } from 'node:os'
import { join, relative } from 'node:path'
import type { CaseResult } from './case.js'
import { caseMarkdown, caseText } from './report.js'
import { readmeSection } from './readme.js'
import { BENCH, ROOT, WORK, cliAvailable, pythonKey, startupFixture, stdlibFixture, type Fixture } from './fixtures.js'
import { openCase } from './cases/open.js'
import { workingSetCase } from './cases/working-set.js'
import { materializeCase } from './cases/materialize.js'
import { emitCase } from './cases/emit.js'
import { memoryCase } from './cases/memory.js'
import { buildCase } from './cases/build.js'
import { scaleCase } from './cases/scale.js'
import { hashCase } from './cases/midx-hash.js'
import { pyodideCase } from './cases/pyodide.js'
import { browserCase } from './cases/browser.js'

const CASES = ['open', 'working-set', 'materialize', 'emit', 'memory', 'build', 'scale', 'midx-hash', 'pyodide', 'browser'] as const
type CaseId = (typeof CASES)[number]


interface Args {
  json: boolean
  quick: boolean
  cases: CaseId[]
  write: boolean
}

function parseArgs(argv: string[]): Args {
  const a: Args = { json: false, quick: false, cases: [...CASES], write: true }
  let only = false
  for (let i = 0; i < argv.length; i++) {
    const x = argv[i]
    if (x === '--json') a.json = true
    else if (x === '--quick') a.quick = true
    else if (x === '--no-write') a.write = false
    else if (x === '--case' || x.startsWith('--case=')) {
      const v = x.includes('=') ? x.slice(7) : argv[++i]
      const ids = (v ?? '').split(',').filter(Boolean)
      for (const id of ids) if (!(CASES as readonly string[]).includes(id)) throw new Error(`unknown case ${id}; cases: ${CASES.join(', ')}`)
      a.cases = ids as CaseId[]
      only = true
    } else if (x === '--help' || x === '-h') {
      process.stdout.write(`usage: npm run bench -- [--json] [--quick] [--case ${CASES.join(',')}] [--no-write]\n`)
      process.exit(0)
    } else throw new Error(`unknown option ${x}`)
  }
  if (only || a.quick) a.write = false
  if (process.env.PYBUNDLE_BENCH_WRITE === '1') a.write = true
  return a
}

function log(msg: string): void {
  process.stderr.write(`[bench] ${msg}\n`)
}

function machine(): Record<string, unknown> {
  const c = cpus()
  return {
    cpu: c[0]?.model ?? 'unknown',
    cores: c.length,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    os: `${process.platform} ${release()}`,
    node: process.version,
    python: pythonKey(),
    loadavg: loadavg().map((x) => Number(x.toFixed(2))),
    exposeGc: typeof (globalThis as { gc?: unknown }).gc === 'function',
  }
}

function fixtureInfo(f: Fixture): Record<string, unknown> {
  return {
    bundle: relative(ROOT, f.bundle),
    manifest: relative(ROOT, f.manifest),
    builtBy: f.builtBy,
    modules: f.modules.length,
    bytes: f.size,
    pycFiles: f.pycFiles.length,
    pycBytes: f.pycBytes,
    zipBytes: f.zipSize,
  }
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2))
  const t0 = Date.now()
  const loadavgStart = loadavg().map((x) => Number(x.toFixed(2)))
  if (!cliAvailable()) log('WARNING: packages/cli is not built: bundles come from the development fallback, not `pybundle build`')
  const startup = await startupFixture()
  const stdlib = await stdlibFixture()
  const results: CaseResult[] = []
  const run = async (id: CaseId, f: () => Promise<CaseResult>): Promise<void> => {
    if (!args.cases.includes(id)) return
    log(`case ${id}...`)
    const s = Date.now()
    const r = await f()
    log(`case ${id}: ${((Date.now() - s) / 1000).toFixed(1)} s`)
    results.push(r)
    if (!args.json) process.stdout.write(caseText(r) + '\n\n')
  }
  await run('open', () => openCase(startup, stdlib, args.quick))
  await run('working-set', () => workingSetCase(startup, stdlib, args.quick))
  await run('materialize', () => materializeCase(stdlib, args.quick))
  await run('emit', () => emitCase(stdlib, args.quick))
  await run('memory', () => memoryCase(startup, stdlib, args.quick))
  await run('build', () => buildCase(stdlib, args.quick))
  let svg: string | undefined
  await run('scale', async () => {
    const r = await scaleCase(startup, stdlib, args.quick)
    svg = r.svg
    return r.result
  })
  await run('midx-hash', () => hashCase(stdlib, args.quick))
  // The Pyodide case is the Pyodide engineer's self-contained module
  // (benchmarks/pyodide/pyodide.ts, runPyodideCase): shown in the same table and RESULTS.md.
  await run('pyodide', () => pyodideCase(args.quick))
  // Headless Chromium (benchmarks/browser/browser.ts); skipped with the reason when Chromium or the app's libraries are absent.
  await run('browser', () => browserCase(args.quick))

  const seconds = (Date.now() - t0) / 1000
  const loadEnd = loadavg().map((x) => Number(x.toFixed(2)))
  const report = {
    loadavgStart,
    loadavgEnd: loadEnd,
    date: new Date().toISOString(),
    command: `npm run bench -- ${process.argv.slice(2).join(' ')}`.trim(),
    seconds,
    machine: machine(),
    fixtures: { startup: fixtureInfo(startup), stdlib: fixtureInfo(stdlib) },
    cases: results,
    targets: results.flatMap((r) => r.targets.map((t) => ({ case: r.id, ...t }))),
  }
  const json = JSON.stringify(report, (_k, v) => (typeof v === 'bigint' ? v.toString() : v), 2) + '\n'
  mkdirSync(WORK, { recursive: true })
  writeFileSync(join(WORK, 'results.json'), json)
  if (args.json) process.stdout.write(json)
  else {
    const met = report.targets.filter((t) => t.met).length
    process.stdout.write(`targets: ${met} of ${report.targets.length} met; ${seconds.toFixed(0)} s in all\n`)
  }
  if (args.write) {
    writeFileSync(join(BENCH, 'RESULTS.md'), resultsMarkdown(report, results))
    if (svg) writeFileSync(join(BENCH, 'scale.svg'), svg)
    const readme = join(ROOT, 'README.md')
    writeFileSync(readme, withBenchmarksSection(readFileSync(readme, 'utf8'), readmeSection(report, results)))
    log(`wrote ${relative(ROOT, join(BENCH, 'RESULTS.md'))} and the Benchmarks section of README.md`)
  }
}

function resultsMarkdown(report: { loadavgStart: number[]; loadavgEnd: number[]; date: string; command: string; seconds: number; machine: Record<string, unknown>; fixtures: Record<string, Record<string, unknown>>; targets: { case: string; description: string; value: string; met: boolean }[] }, results: CaseResult[]): string {
  const m = report.machine
  const out: string[] = [
    '# Benchmark results',
    '',
    '<!-- Written by `npm run bench` (benchmarks/src/main.ts) from the run it describes; do not edit by hand. -->',
    '',
    `- date: ${report.date}`,
    `- command: \`${report.command.replace(' -- ', ' -- ').trim()}\` (${report.seconds.toFixed(0)} s, bundles ${report.fixtures.stdlib.builtBy === 'cli' ? 'built by `pybundle build`' : '**built by the development fallback, not the CLI**'})`,
    `- machine: ${m.cpu}, ${m.cores} cores, ${m.memoryGiB} GiB, ${m.os}`,
    `- load average (1, 5, 15 min) at start ${report.loadavgStart.join(', ')}, at end ${report.loadavgEnd.join(', ')} (${m.cores} cores; other work on the machine shares them)`,
    `- node ${m.node}${m.exposeGc ? ' (--expose-gc, for the memory case; samples run back to back without a forced GC, see measure() in harness.ts)' : ''}; python3: ${m.python}`,
    '',
    'Method: the contenders of a case run in one process, interleaved round by round (the order rotates), after a warm-up;',
    'a sample times a batch of operations with `process.hrtime`; the median of the samples is quoted, min and max show the',
    'spread, `runs` is the number of samples. Lines marked † are timed inside a python3 subprocess with the same method.',
    'Files are in the OS page cache for every contender (warm cache); every pybundle operation starts from a fresh',
    '`openBundle`, so the loader\'s own caches never carry over.',
    '',
    '| fixture | manifest | modules | bundle | .pyc files | zip (stored) |',
    '|---|---|---:|---:|---:|---:|',
  ]
  for (const [k, f] of Object.entries(report.fixtures)) {
    out.push(`| ${k} | \`${f.manifest}\` | ${f.modules} | ${Number(f.bytes).toLocaleString('en-US')} B | ${f.pycFiles} files, ${Number(f.pycBytes).toLocaleString('en-US')} B | ${Number(f.zipBytes).toLocaleString('en-US')} B |`)
  }
  out.push('', '## Targets', '', '| case | target | measured | |', '|---|---|---|---|')
  for (const t of report.targets) out.push(`| ${t.case} | ${t.description} | ${t.value} | ${t.met ? 'met' : '**missed**'} |`)
  out.push('', '## Cases', '')
  for (const r of results) out.push(caseMarkdown(r))
  out.push(readFileSync(join(BENCH, 'src', 'analysis.md'), 'utf8'))
  return out.join('\n')
}

main().catch((e) => {
  process.stderr.write(`bench failed: ${(e as Error).stack ?? e}\n`)
  process.exit(1)
})

/** README.md with its "## Benchmarks" section (up to the next "## " heading) replaced, so the README shows what this run printed. */
function withBenchmarksSection(readme: string, section: string): string {
  const start = readme.indexOf('\n## Benchmarks\n')
  if (start < 0) throw new Error('README.md has no "## Benchmarks" section to replace')
  const next = readme.indexOf('\n## ', start + 1)
  return readme.slice(0, start + 1) + section.trimEnd() + '\n' + (next < 0 ? '' : readme.slice(next))
}
