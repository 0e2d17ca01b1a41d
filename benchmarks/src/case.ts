/**
 * What a case returns: its contenders' statistics, ratios against the case's
 * pybundle line, extra tables (memory, build, scale), and the targets of issue 5
 * it checks. main.ts prints these as a table, as JSON and into RESULTS.md.
 */
import { spawnSync } from 'node:child_process'
import { join } from 'node:path'
import { stats, type MeasureOptions, type Sample, type Stats } from './harness.js'
import { PY_DIR, PYTHON } from './fixtures.js'

export interface Line extends Stats {
  /** Contenders are compared within a group (e.g. one bundle). */
  group: string
  /** This line's median over the group baseline's median (> 1: pybundle is faster). */
  ratio: number
  /** Bytes one operation produces or reads, for MB/s lines. */
  bytesPerOp?: number
  mbPerS?: number
  baseline: boolean
}

export interface Table {
  title: string
  columns: string[]
  rows: (string | number)[][]
  note?: string
}

export interface Target {
  id: string
  description: string
  /** What was measured, as text. */
  value: string
  met: boolean
}

export interface CaseResult {
  id: string
  title: string
  /** What one operation is, per group. */
  description: string
  lines: Line[]
  tables: Table[]
  targets: Target[]
  notes: string[]
  /** Machine-readable extras (memory numbers, build stats, scale points). */
  data?: Record<string, unknown>
}

export interface Grouped {
  sample: Sample
  group: string
  baseline?: boolean
  bytesPerOp?: number
}

/** Lines with ratios against each group's baseline (the first line marked baseline, else the group's first line). */
export function lines(items: readonly Grouped[]): Line[] {
  const base = new Map<string, number>()
  for (const it of items) if (it.baseline && !base.has(it.group)) base.set(it.group, stats(it.sample).median)
  for (const it of items) if (!base.has(it.group)) base.set(it.group, stats(it.sample).median)
  return items.map((it) => {
    const s = stats(it.sample)
    const b = base.get(it.group)!
    const l: Line = { ...s, group: it.group, ratio: s.median / b, baseline: s.median === b && (it.baseline ?? false) }
    if (it.bytesPerOp !== undefined) {
      l.bytesPerOp = it.bytesPerOp
      l.mbPerS = it.bytesPerOp / 1e6 / (s.median / 1e9)
    }
    return l
  })
}

/**
 * CPython's C marshal.loads over the code objects of `files` (their .pyc headers
 * skipped), timed inside a python3 subprocess: one operation = every file once.
 */
export function pythonMarshal(name: string, files: readonly string[], opts: MeasureOptions = {}, note?: string): Sample & { bytes: number } {
  const r = spawnSync(PYTHON, [join(PY_DIR, 'marshal_bench.py')], {
    input: JSON.stringify({
      files,
      warmupMs: opts.warmupMs ?? 200,
      sampleMs: opts.sampleMs ?? 20,
      rounds: opts.rounds ?? 21,
      budgetMs: opts.budgetMs ?? 10_000,
      minRounds: opts.minRounds ?? 5,
    }),
    encoding: 'utf8',
    maxBuffer: 64 << 20,
  })
  if (r.status !== 0) throw new Error(`marshal_bench.py failed: ${r.stderr}`)
  const res = JSON.parse(r.stdout) as { samples: number[]; opsPerSample: number; bytes: number; python: string }
  return { name, samples: res.samples, opsPerSample: res.opsPerSample, where: 'python3', bytes: res.bytes, note: note ?? `python3 ${res.python}, in a subprocess` }
}

export function fmtNs(ns: number): string {
  if (ns < 1e3) return `${ns.toFixed(0)} ns`
  if (ns < 1e6) return `${(ns / 1e3).toFixed(ns < 1e4 ? 2 : 1)} µs`
  if (ns < 1e9) return `${(ns / 1e6).toFixed(ns < 1e7 ? 2 : 1)} ms`
  return `${(ns / 1e9).toFixed(2)} s`
}

export function fmtBytes(n: number): string {
  const a = Math.abs(n)
  if (a < 1024) return `${n} B`
  if (a < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`
  return `${(n / 1024 / 1024).toFixed(2)} MiB`
}

export function fmtRatio(r: number): string {
  return r >= 100 ? `${r.toFixed(0)}x` : r >= 10 ? `${r.toFixed(1)}x` : `${r.toFixed(2)}x`
}
