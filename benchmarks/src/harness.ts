/**
 * The measuring loop: named contenders of one case run in one process,
 * interleaved round by round (the order rotates each round so no contender
 * always follows the same one), after a warm-up; every sample is a batch of
 * operations timed with hrtime, reported as ns per operation; the median is the
 * figure quoted, min and max show the spread.
 *
 * A contender measured in another process (CPython's marshal.loads in python3)
 * brings its own samples, taken the same way (see python/marshal_bench.py).
 */
import { performance } from 'node:perf_hooks'

export interface Contender {
  /** Shown in the table; stable, used as the JSON key. */
  name: string
  /** Short note shown under the table (what exactly one operation is). */
  note?: string
  /** One operation. A promise is awaited (zip readers are asynchronous). */
  run(): unknown
  /** Set when run() returns a promise. */
  async?: boolean
}

export interface Sample {
  name: string
  /** ns per operation, one entry per sample. */
  samples: number[]
  opsPerSample: number
  note?: string
  /** 'js' = this process; 'python3' = timed inside a python3 subprocess. */
  where: 'js' | 'python3' | 'subprocess'
}

export interface Stats {
  name: string
  median: number
  min: number
  max: number
  runs: number
  opsPerSample: number
  where: Sample['where']
  note?: string
}

export interface MeasureOptions {
  /** Warm-up time per contender, ms (at least warmupOps operations run). */
  warmupMs?: number
  /** Operations every warm-up runs at least (default 2). */
  warmupOps?: number
  /** A sample batches operations until it lasts about this long, ms. */
  sampleMs?: number
  /** Samples per contender (rounds). */
  rounds?: number
  /** Stop adding rounds after this many ms of measuring (at least minRounds run). */
  budgetMs?: number
  minRounds?: number
  /** Called between samples, outside the timed region (default: nothing; see measure()). */
  between?: () => void
}

/**
 * Options for operations long enough to be one per sample (a whole-stdlib pass):
 * one warm-up run, 5 samples (3 with --quick), stop adding samples after `budgetMs`.
 */
export function onePerSample(quick: boolean, budgetMs: number): MeasureOptions {
  return quick
    ? { rounds: 3, minRounds: 3, budgetMs: 5000, warmupMs: 0, warmupOps: 1, sampleMs: 0 }
    : { rounds: 5, minRounds: 3, budgetMs, warmupMs: 0, warmupOps: 1, sampleMs: 0 }
}

let sink: unknown
/** Keep results alive so the optimiser cannot drop the work. */
export function consume(v: unknown): void {
  sink = v
}
export function sunk(): unknown {
  return sink
}

async function runOnce(c: Contender): Promise<number> {
  const t0 = process.hrtime.bigint()
  if (c.async) consume(await c.run())
  else consume(c.run())
  return Number(process.hrtime.bigint() - t0)
}

async function runBatch(c: Contender, n: number): Promise<number> {
  const t0 = process.hrtime.bigint()
  if (c.async) {
    for (let i = 0; i < n; i++) consume(await c.run())
  } else {
    for (let i = 0; i < n; i++) consume(c.run())
  }
  return Number(process.hrtime.bigint() - t0)
}

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b)
  const m = s.length >> 1
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2
}

export function stats(s: Sample): Stats {
  return {
    name: s.name,
    median: median(s.samples),
    min: Math.min(...s.samples),
    max: Math.max(...s.samples),
    runs: s.samples.length,
    opsPerSample: s.opsPerSample,
    where: s.where,
    ...(s.note ? { note: s.note } : {}),
  }
}

/** Measure contenders interleaved. Returns samples in contender order. */
export async function measure(contenders: readonly Contender[], opts: MeasureOptions = {}): Promise<Sample[]> {
  const warmupMs = opts.warmupMs ?? 200
  const sampleMs = opts.sampleMs ?? 20
  const rounds = opts.rounds ?? 21
  const minRounds = Math.min(opts.minRounds ?? 5, rounds)
  const budgetMs = opts.budgetMs ?? 10_000
  // No forced GC between samples by default: a forced collection makes V8 hand
  // its free heap pages back to the OS, and the next sample faults them in again.
  // On the benchmark machine (a VM) a page fault costs ~20 µs: after gc() the next
  // 15 working-set operations took 16, 8, 12 ... ms against 1.3 ms back to back,
  // with 806 minor faults in the first one (process.resourceUsage). A running
  // process, and CPython's own timing loop (pymalloc keeps its arenas), do not pay
  // that per operation. Since the order of contenders rotates every round, the
  // collections of one contender's garbage fall evenly on the others.
  const between = opts.between ?? (() => {})
  const warmupOps = opts.warmupOps ?? 2

  // Warm-up and calibration: ops per sample so that a sample lasts about sampleMs.
  const perSample: number[] = []
  for (const c of contenders) {
    const start = performance.now()
    let n = 0
    let spent = 0
    let last = 0
    while (n < warmupOps || (spent < warmupMs && n < 1_000_000)) {
      last = await runOnce(c)
      spent = performance.now() - start
      n++
    }
    const per = Math.max(spent / n, last / 1e6, 1e-6)
    perSample.push(Math.max(1, Math.round(sampleMs / per)))
    between()
  }

  const out: Sample[] = contenders.map((c, i) => ({
    name: c.name,
    samples: [],
    opsPerSample: perSample[i],
    where: 'js' as const,
    ...(c.note ? { note: c.note } : {}),
  }))
  const t0 = performance.now()
  for (let r = 0; r < rounds; r++) {
    for (let k = 0; k < contenders.length; k++) {
      const i = (k + r) % contenders.length
      between()
      const ns = await runBatch(contenders[i], perSample[i])
      out[i].samples.push(ns / perSample[i])
    }
    if (r + 1 >= minRounds && performance.now() - t0 > budgetMs) break
  }
  return out
}
