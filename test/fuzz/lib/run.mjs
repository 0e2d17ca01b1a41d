// @ts-check
/**
 * The fuzz driver: builds the seeds, forks child processes (one per core),
 * hands them batches of case numbers under a time budget per batch, and
 * aggregates the results. A child that dies is a crash, a batch that overruns
 * its budget is a hang; either is pinned to the case that was running (the
 * first case of the batch not yet reported) and the child is replaced.
 */
import { fork } from 'node:child_process'
import { availableParallelism } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { buildSeeds } from './seeds.mjs'

const here = dirname(fileURLToPath(import.meta.url))

/**
 * @typedef {{
 *   seed: number, cases?: number, seconds?: number, workers?: number, batchSize?: number,
 *   batchBudgetMs?: number, maxOldSpaceMb?: number, log?: (line: string) => void, onlyCase?: number,
 *   seedNames?: RegExp,
 * }} FuzzOptions
 */

/** @param {FuzzOptions} opts */
export async function runFuzz(opts) {
  const log = opts.log ?? ((/** @type {string} */ s) => console.log(s))
  const workers = Math.max(1, opts.workers ?? Math.min(2, availableParallelism()))
  const batchSize = opts.batchSize ?? 25
  const budget = opts.batchBudgetMs ?? 60_000
  const deadline = opts.seconds ? Date.now() + opts.seconds * 1000 : Infinity
  const total = opts.onlyCase !== undefined ? 1 : opts.cases ?? Infinity
  // seedNames: mutate only the seeds whose names match (a run aimed at one part of the format)
  const seeds = (await buildSeeds()).filter((s) => !opts.seedNames || opts.seedNames.test(s.name))
  if (seeds.length === 0) throw new Error(`no fuzz seed matches ${opts.seedNames}`)

  const stats = {
    seed: opts.seed,
    seeds: seeds.map((s) => `${s.name} (${s.bytes.length} B)`),
    cases: 0,
    unchanged: 0,
    kinds: /** @type {Record<string, number>} */ ({}),
    codes: /** @type {Record<string, number>} */ ({}),
    openCodes: /** @type {Record<string, number>} */ ({}),
    verifyProblemCodes: /** @type {Record<string, number>} */ ({}),
    foreign: /** @type {any[]} */ ([]),
    foreignCount: 0,
    findings: /** @type {Record<string, {count: number, examples: any[]}>} */ ({}),
    crashes: /** @type {any[]} */ ([]),
    hangs: /** @type {any[]} */ ([]),
    drift: /** @type {string[]} */ ([]),
    detection: { checked: 0, detected: 0, undetected: /** @type {any[]} */ ([]), byRegion: /** @type {Record<string, [number, number]>} */ ({}) },
    padding: { cases: 0, detected: 0 },
    repaired: { cases: 0, rejected: 0, verifyOkButChanged: 0 },
    memory: { maxHeapDelta: 0, maxArrayBuffersDelta: 0, maxRss: 0, maxOutputRatio: 0 },
  }

  let next = opts.onlyCase ?? 0
  const lastCase = opts.onlyCase !== undefined ? opts.onlyCase + 1 : total
  /** @returns {number[]} */
  const takeBatch = () => {
    const out = []
    while (out.length < batchSize && next < lastCase && Date.now() < deadline) out.push(next++)
    return out
  }

  /** @param {any} r */
  const record = (r) => {
    stats.cases++
    stats.kinds[r.kind] = (stats.kinds[r.kind] ?? 0) + 1
    for (const c of r.codes) stats.codes[c] = (stats.codes[c] ?? 0) + 1
    if (r.openCode) stats.openCodes[r.openCode] = (stats.openCodes[r.openCode] ?? 0) + 1
    for (const c of r.problemCodes) stats.verifyProblemCodes[c] = (stats.verifyProblemCodes[c] ?? 0) + 1
    if (r.foreign.length) {
      stats.foreignCount++
      if (stats.foreign.length < 20) stats.foreign.push({ case: r.caseNo, seed: r.seed, desc: r.desc, ...r.foreign[0] })
    }
    for (const f of r.findings) {
      const e = (stats.findings[f.kind] ??= { count: 0, examples: [] })
      e.count++
      if (e.examples.length < 5) e.examples.push({ case: r.caseNo, seed: r.seed, desc: r.desc, message: f.message })
    }
    stats.memory.maxHeapDelta = Math.max(stats.memory.maxHeapDelta, r.heapDelta)
    stats.memory.maxArrayBuffersDelta = Math.max(stats.memory.maxArrayBuffersDelta, r.arrayBuffersDelta)
    stats.memory.maxRss = Math.max(stats.memory.maxRss, r.rss)
    stats.memory.maxOutputRatio = Math.max(stats.memory.maxOutputRatio, r.maxOutputRatio)
    if (r.changed === 0) {
      stats.unchanged++
      return
    }
    const detected = r.openCode !== null || r.verifyOk === false
    const paddingOnly = r.regions.every((/** @type {string} */ g) => g === 'padding')
    if (paddingOnly) {
      stats.padding.cases++
      if (detected) stats.padding.detected++
    }
    if (r.repaired) {
      stats.repaired.cases++
      if (detected) stats.repaired.rejected++
      else stats.repaired.verifyOkButChanged++
      return
    }
    stats.detection.checked++
    if (detected) stats.detection.detected++
    else if (stats.detection.undetected.length < 20) stats.detection.undetected.push({ case: r.caseNo, seed: r.seed, desc: r.desc, regions: r.regions })
    for (const g of r.regions) {
      const e = (stats.detection.byRegion[g] ??= [0, 0])
      e[1]++
      if (detected) e[0]++
    }
  }

  const seedMsg = { type: 'init', seeds: seeds.map((s) => ({ name: s.name, minor: s.minor, bytes: s.bytes })) }

  /**
   * One lane: a long-lived child that takes batches until none are left. A
   * crash or a hang replaces the child and skips the case it was running.
   */
  const lane = async () => {
    /** @type {import('node:child_process').ChildProcess | undefined} */
    let child
    /** @type {((m: any) => void) | undefined} */
    let onMessage
    /** @type {((m: any) => void) | undefined} */
    let onExit
    const spawn = () =>
      new Promise((resolve) => {
        const c = fork(join(here, 'child.mjs'), [], {
          execArgv: [`--max-old-space-size=${opts.maxOldSpaceMb ?? 1024}`],
          stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
          serialization: 'advanced',
        })
        c.on('message', (m) => (/** @type {any} */ (m).type === 'ready' ? resolve(c) : onMessage?.(m)))
        c.on('exit', (code, signal) => onExit?.({ code, signal }))
        c.on('error', (err) => onExit?.({ code: String(err) }))
        c.send(seedMsg)
      })
    try {
      for (;;) {
        let pending = takeBatch()
        if (!pending.length) return
        while (pending.length) {
          child ??= /** @type {import('node:child_process').ChildProcess} */ (await spawn())
          const c = child
          const outcome = await new Promise((resolve) => {
            const timer = setTimeout(() => resolve({ hang: pending[0] }), budget)
            const finish = (/** @type {any} */ v) => {
              clearTimeout(timer)
              resolve(v)
            }
            onMessage = (m) => {
              if (m.type === 'case') {
                record(m.result)
                pending = pending.filter((x) => x !== m.result.caseNo)
              } else if (m.type === 'batchDone') {
                stats.drift.push(...m.drift)
                finish({ ok: true })
              }
            }
            onExit = (e) => finish({ crash: pending[0], ...e })
            c.send({ type: 'batch', seed: opts.seed, cases: pending })
          })
          onMessage = onExit = undefined
          const o = /** @type {any} */ (outcome)
          if (o.ok) break
          if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL')
          child = undefined
          if (o.hang !== undefined) {
            stats.hangs.push({ case: o.hang, budgetMs: budget })
            log(`HANG case ${o.hang} (seed ${opts.seed}): replay with --seed ${opts.seed} --case ${o.hang}`)
            pending = pending.filter((x) => x !== o.hang)
          } else {
            stats.crashes.push({ case: o.crash, code: o.code, signal: o.signal })
            log(`CRASH case ${o.crash} (seed ${opts.seed}, exit ${o.code} ${o.signal}): replay with --seed ${opts.seed} --case ${o.crash}`)
            pending = pending.filter((x) => x !== o.crash)
          }
        }
      }
    } finally {
      if (child && child.exitCode === null) child.send({ type: 'exit' })
    }
  }

  await Promise.all(Array.from({ length: workers }, lane))
  return stats
}

/** @param {Awaited<ReturnType<typeof runFuzz>>} s */
export function formatStats(s) {
  const sortCounts = (/** @type {Record<string, number>} */ o) => Object.entries(o).sort((a, b) => b[1] - a[1]).map(([k, v]) => `${k}=${v}`).join(' ')
  const d = s.detection
  const rate = d.checked ? ((100 * d.detected) / d.checked).toFixed(2) : 'n/a'
  const lines = [
    `fuzz seed=${s.seed} cases=${s.cases} (unchanged ${s.unchanged}) crashes=${s.crashes.length} hangs=${s.hangs.length} foreign exceptions=${s.foreignCount}`,
    `seeds: ${s.seeds.join(', ')}`,
    `mutations: ${sortCounts(s.kinds)}`,
    `error codes (all API calls): ${sortCounts(s.codes)}`,
    `open rejected with: ${sortCounts(s.openCodes)}`,
    `verify problem codes: ${sortCounts(s.verifyProblemCodes)}`,
    `verify detection rate: ${d.detected}/${d.checked} = ${rate}% of changed files (checksums not repaired); by region: ${Object.entries(d.byRegion).map(([k, [a, b]]) => `${k} ${a}/${b}`).join(', ')}`,
    `padding-only changes: ${s.padding.detected}/${s.padding.cases} detected`,
    `checksum-repaired forgeries: ${s.repaired.cases}, rejected ${s.repaired.rejected}, read as valid ${s.repaired.verifyOkButChanged}`,
    `memory: max heap delta ${(s.memory.maxHeapDelta / 2 ** 20).toFixed(1)} MiB, max arrayBuffers delta ${(s.memory.maxArrayBuffersDelta / 2 ** 20).toFixed(1)} MiB, max rss ${(s.memory.maxRss / 2 ** 20).toFixed(0)} MiB, max output/file ratio ${s.memory.maxOutputRatio.toFixed(2)}`,
    `findings: ${Object.entries(s.findings).map(([k, v]) => `${k}=${v.count}`).join(' ') || 'none'}`,
    `loader drift after hostile input: ${s.drift.length ? s.drift.join(', ') : 'none'}`,
  ]
  for (const f of s.foreign.slice(0, 5)) lines.push(`  FOREIGN case ${f.case} [${f.seed}] ${f.desc}: ${f.step}: ${f.message}\n${f.stack.split('\n').slice(0, 6).join('\n')}`)
  for (const [k, v] of Object.entries(s.findings)) for (const e of v.examples.slice(0, 3)) lines.push(`  FINDING ${k} case ${e.case} [${e.seed}] ${e.desc}: ${e.message}`)
  for (const u of d.undetected.slice(0, 10)) lines.push(`  UNDETECTED case ${u.case} [${u.seed}] ${u.desc} (${u.regions.join(',')})`)
  return lines.join('\n')
}
