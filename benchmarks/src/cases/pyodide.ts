/**
 * Pyodide (issue 7), measured by the Pyodide engineer's self-contained module
 * benchmarks/pyodide/pyodide.ts (runPyodideCase: each start in a fresh Node
 * process, contenders interleaved, medians), shown here as lines of the same
 * table: startup (loadPyodide until Python is ready) and a 56-module import.
 */
import { lines, type CaseResult } from '../case.js'
import type { Sample } from '../harness.js'
import { runPyodideCase } from '../../pyodide/pyodide.js'

export async function pyodideCase(quick: boolean): Promise<CaseResult> {
  // With the snapshot contenders and the real app (issue 15): about 4 more minutes at 5 runs, plus building the app's inputs once.
  const r = await runPyodideCase({ runs: quick ? 2 : 5, snapshots: true, realapp: true, realappRuns: quick ? 1 : 3, onProgress: (m) => process.stderr.write(`[bench] pyodide: ${m}\n`) })
  const gStart = 'Pyodide startup'
  const gImport = `Pyodide import (${r.newModules} new modules)`
  const sample = (name: string, xs: number[], note: string): Sample => ({ name, samples: xs.map((ms) => ms * 1e6), opsPerSample: 1, where: 'subprocess', note })
  const order = [...r.contenders].sort((a, b) => (a.name === 'pybundle' ? -1 : b.name === 'pybundle' ? 1 : 0))
  const ls = lines([
    ...order.map((c) => ({ sample: sample(`${c.name}`, c.runs.map((x) => x.startupMs), c.description), group: gStart, baseline: c.name === 'pybundle' })),
    ...order.map((c) => ({ sample: sample(`${c.name}`, c.runs.map((x) => x.importMs), c.description), group: gImport, baseline: c.name === 'pybundle' })),
    ...(r.realapp && 'contenders' in r.realapp ? r.realapp.contenders.flatMap((c) => [
      { sample: sample(c.name, c.runs.map((x) => x.importsDoneMs), c.description), group: 'Pyodide real app: process start to imports done', baseline: c.name === 'pybundle-snapshot' },
      { sample: sample(c.name, c.runs.map((x) => x.workloadDoneMs), c.description), group: 'Pyodide real app: process start to workload done', baseline: c.name === 'pybundle-snapshot' },
    ]) : []),
  ])
  return {
    id: 'pyodide',
    title: '9. Pyodide (CPython 3.14 in WebAssembly)',
    description: 'one operation: a fresh Node process starting Pyodide (startup), then importing a fixed set of stdlib modules (import); one run per process',
    lines: ls,
    tables: [],
    targets: r.targets,
    notes: [`Measured by benchmarks/pyodide/pyodide.ts (the Pyodide engineer's module): ${r.runsPerContender} fresh processes per contender, interleaved; runs = processes.`,
      ...(r.realapp === undefined ? [] : ['skipped' in r.realapp ? `Real app skipped: ${r.realapp.skipped}` : `Real app (benchmarks/pyodide/realapp.ts): examples/realapp, ${r.realapp.runsPerContender} fresh processes per contender; workload = ${r.realapp.rounds} rounds of jinja2 + markdown + pygments + yaml.`])],
    data: { ratios: r.ratios, bundle: r.bundle, pycZip: r.pycZip },
  }
}
