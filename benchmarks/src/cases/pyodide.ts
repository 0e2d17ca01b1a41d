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
  const r = await runPyodideCase({ runs: quick ? 2 : 5, onProgress: (m) => process.stderr.write(`[bench] pyodide: ${m}\n`) })
  const gStart = 'Pyodide startup'
  const gImport = `Pyodide import (${r.newModules} new modules)`
  const sample = (name: string, xs: number[], note: string): Sample => ({ name, samples: xs.map((ms) => ms * 1e6), opsPerSample: 1, where: 'subprocess', note })
  const order = [...r.contenders].sort((a, b) => (a.name === 'pybundle' ? -1 : b.name === 'pybundle' ? 1 : 0))
  const ls = lines([
    ...order.map((c) => ({ sample: sample(`${c.name}`, c.runs.map((x) => x.startupMs), c.description), group: gStart, baseline: c.name === 'pybundle' })),
    ...order.map((c) => ({ sample: sample(`${c.name}`, c.runs.map((x) => x.importMs), c.description), group: gImport, baseline: c.name === 'pybundle' })),
  ])
  return {
    id: 'pyodide',
    title: '9. Pyodide (CPython 3.14 in WebAssembly)',
    description: 'one operation: a fresh Node process starting Pyodide (startup), then importing a fixed set of stdlib modules (import); one run per process',
    lines: ls,
    tables: [],
    targets: r.targets,
    notes: [`Measured by benchmarks/pyodide/pyodide.ts (the Pyodide engineer's module): ${r.runsPerContender} fresh processes per contender, interleaved; runs = processes.`],
    data: { ratios: r.ratios, bundle: r.bundle, pycZip: r.pycZip },
  }
}
