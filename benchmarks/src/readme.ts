/**
 * The README's "Benchmarks" section, written into README.md by the same run
 * that writes RESULTS.md (main.ts withBenchmarksSection), so the two cannot
 * disagree.
 */
import { fmtBytes, fmtNs, fmtRatio, type CaseResult, type Line } from './case.js'

function find(results: CaseResult[], id: string): CaseResult | undefined {
  return results.find((r) => r.id === id)
}
function line(c: CaseResult | undefined, pred: (l: Line) => boolean): Line | undefined {
  return c?.lines.find(pred)
}
const t = (l: Line | undefined): string => (l ? fmtNs(l.median) : 'n/a')

export function readmeSection(report: { date: string; command: string; machine: Record<string, unknown>; targets: { case: string; description: string; value: string; met: boolean }[] }, results: CaseResult[]): string {
  const open = find(results, 'open')
  const ws = find(results, 'working-set')
  const mat = find(results, 'materialize')
  const emit = find(results, 'emit')
  const mem = find(results, 'memory')
  const build = find(results, 'build')
  const rows: string[][] = []
  const pbStd = line(open, (l) => l.name === 'pybundle stdlib.pyb')
  const pbSt = line(open, (l) => l.name === 'pybundle startup.pyb')
  const zipStd = line(open, (l) => l.name === 'zip stdlib, fflate')
  const dirStd = line(open, (l) => l.group.startsWith('stdlib') && l.name.startsWith('.pyc folder'))
  if (open) rows.push(['open + lookup, stdlib bundle (1,800 modules)', t(pbStd), `zip (fflate) ${t(zipStd)}; .pyc folder ${t(dirStd)}`, '', `startup bundle: ${t(pbSt)}`])
  const wsPb = line(ws, (l) => l.name === 'pybundle startup.pyb')
  const wsA = line(ws, (l) => l.name.startsWith('(a)'))
  const wsB = line(ws, (l) => l.name.startsWith('(b)'))
  const wsC = line(ws, (l) => l.name.startsWith('(c)'))
  if (ws) rows.push([`startup working set (${ws.lines[0].group.replace(/^startup set \(|\)$/g, '')})`, t(wsPb), `(a) .pyc + marshal reader ${t(wsA)}; (b) zip ${t(wsB)}`, t(wsC), ''])
  const mPb = mat?.lines[0]
  const mR = mat?.lines[1]
  const mC = mat?.lines[2]
  if (mat) rows.push(['full materialization, stdlib', `${t(mPb)} (${mPb?.mbPerS?.toFixed(0)} MB/s)`, `project marshal reader ${t(mR)} (${mR?.mbPerS?.toFixed(0)} MB/s)`, `${t(mC)} (${mC?.mbPerS?.toFixed(0)} MB/s)`, ''])
  const e = emit?.lines[0]
  if (emit) rows.push(['toPyc of every stdlib module', `${t(e)} (${e?.mbPerS?.toFixed(0)} MB/s)`, `writePyc from values ${t(emit.lines[1])}`, '', ''])
  const memData = mem?.data as { rss?: { before: { total: number }; afterOpen: { total: number } }[] } | undefined
  void memData
  const rssTarget = report.targets.find((x) => x.case === 'memory' && x.description.startsWith('RSS'))
  const shareTarget = report.targets.find((x) => x.case === 'memory' && x.description.includes('shared'))
  if (mem) rows.push(['memory: open the stdlib bundle', `RSS +${rssTarget?.value ?? '?'}`, '', '', `4 processes: ${shareTarget?.value ?? '?'}`])
  const bt = build?.tables[0]
  const bs = build?.tables[1]
  if (build && bt && bs) rows.push(['build the stdlib bundle', `${bt.rows[0]?.[1]} cold, ${bt.rows[bt.rows.length - 1]?.[1]} warm`, '', '', `size ${bs.rows[0]?.[2]} the .pyc files`])
  const br = find(results, 'browser')
  const bl = (name: string, group: string) => line(br, (l) => l.name === name && l.group === group)
  for (const what of ['ready', 'imports'] as const) {
    const g = `browser ${what}, cold`
    if (br && bl('layered', g)) {
      rows.push([`browser (Chromium): ${what === 'ready' ? 'navigation to Pyodide ready' : "the app's imports"}, cold cache`, `${t(bl('layered', g))} layered, ${t(bl('single', g))} single`,
        `stock ${t(bl('stock', g))}; .pyc zip ${t(bl('pyczip', g))}`, '', `warm cache: layered ${t(bl('layered', `browser ${what}, warm`))}, stock ${t(bl('stock', `browser ${what}, warm`))}`])
    }
  }
  const m = report.machine
  const out = [
    '## Benchmarks',
    '',
    '`npm run bench` prints a table per case; `npm run -s bench -- --json` prints the same results as JSON (per case: the',
    'contenders with median, min, max and runs, and the ratios against pybundle). Every bundle is built from this machine\'s',
    'python3 standard library by `pybundle build` and cached under `benchmarks/.work/`. Contenders run in one process,',
    'interleaved, after a warm-up; medians are quoted. Full tables, method and machine: [benchmarks/RESULTS.md](benchmarks/RESULTS.md).',
    '',
    `Measured ${report.date.slice(0, 10)} on ${m.cpu}, ${m.cores} cores (shared with other work: see the load average in RESULTS.md), node ${m.node}, CPython ${String(m.python).split(' ')[1] ?? ''}:`,
    '',
    '| case | pybundle | without pybundle (JS) | CPython marshal.loads (C) | |',
    '|---|---:|---|---:|---|',
    ...rows.map((r) => `| ${r.join(' | ')} |`),
    '',
    '![How the cost grows with the number of modules: open + lookup and a fixed 10-module working set, pybundle against a zip and .pyc files](benchmarks/scale.svg)',
    '',
    'Targets (issue 5):',
    '',
    '| target | measured | |',
    '|---|---|---|',
    ...report.targets.map((x) => `| ${x.description} | ${x.value} | ${x.met ? 'met' : '**missed**'} |`),
    '',
  ]
  const missed = report.targets.filter((x) => !x.met)
  if (missed.length) {
    out.push(
      'Where a target is missed, RESULTS.md says why, with the profile (`node --expose-gc --import tsx benchmarks/src/profile.ts open|working-set|materialize`).',
      '',
    )
  }
  out.push(
    'A second opinion on open + lookup and the working set against `marshal.loads`, in plain loops without the harness: `node --expose-gc --import tsx benchmarks/src/direct.ts`.',
    '',
  )
  void fmtBytes
  void fmtRatio
  return out.join('\n')
}
