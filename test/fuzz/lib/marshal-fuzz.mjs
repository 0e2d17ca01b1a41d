// @ts-check
/**
 * Marshal-reader fuzzing: real .pyc files from every interpreter found
 * (16-byte header written with @pybundle/cpython, marshal from CPython itself),
 * mutated by marshal-mutate.mjs, read with readPyc / readMarshal in a forked
 * child under a time budget per batch. Only PyBundleError may escape; the
 * reader must still read a good pyc after; memory stays bounded.
 */
import { fork } from 'node:child_process'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { magicForPython, writePycHeader } from '@pybundle/cpython'
import { TRICKY_SOURCE, compileWith, interpreters } from './seeds.mjs'

const here = dirname(fileURLToPath(import.meta.url))

/** @returns {{name: string, minor: number, bytes: Uint8Array}[]} */
export function buildPycSeeds() {
  const out = []
  for (const py of interpreters()) {
    const c = compileWith(py.exe, [{ name: 'tricky', source: TRICKY_SOURCE, path: 'tricky.py' }, { name: 'textwrap' }, { name: 'json.decoder' }])
    for (const m of c.modules) {
      const header = writePycHeader({ magic: magicForPython(py.minor), mtime: 1_700_000_000, sourceSize: 1234 })
      const bytes = new Uint8Array(16 + m.marshal.length)
      bytes.set(header)
      bytes.set(m.marshal, 16)
      out.push({ name: `${m.name}-3.${py.minor}`, minor: py.minor, bytes })
    }
  }
  return out
}

/**
 * @param {{seed: number, cases?: number, seconds?: number, onlyCase?: number, batchSize?: number, batchBudgetMs?: number, log?: (s: string) => void}} opts
 */
export async function runMarshalFuzz(opts) {
  const log = opts.log ?? ((/** @type {string} */ s) => console.log(s))
  const seeds = buildPycSeeds()
  const deadline = opts.seconds ? Date.now() + opts.seconds * 1000 : Infinity
  const last = opts.onlyCase !== undefined ? opts.onlyCase + 1 : opts.cases ?? Infinity
  let next = opts.onlyCase ?? 0
  const batchSize = opts.batchSize ?? 100
  const budget = opts.batchBudgetMs ?? 60_000
  const stats = {
    seed: opts.seed,
    seeds: seeds.length,
    cases: 0,
    accepted: 0,
    kinds: /** @type {Record<string, number>} */ ({}),
    codes: /** @type {Record<string, number>} */ ({}),
    foreign: /** @type {any[]} */ ([]),
    foreignCount: 0,
    hangs: 0,
    crashes: 0,
    failures: /** @type {string[]} */ ([]),
    handMade: /** @type {{name: string, want: string | null, got: string | null}[]} */ ([]),
    drift: 0,
    maxHeapDelta: 0,
  }
  /** @type {import('node:child_process').ChildProcess | undefined} */
  let child
  /** @type {((m: any) => void) | undefined} */
  let onMessage
  /** @type {((m: any) => void) | undefined} */
  let onExit
  const spawn = () =>
    new Promise((resolve) => {
      const c = fork(join(here, 'marshal-child.mjs'), [], { execArgv: ['--max-old-space-size=1024'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'], serialization: 'advanced' })
      c.on('message', (m) => (/** @type {any} */ (m).type === 'ready' ? resolve(c) : onMessage?.(m)))
      c.on('exit', (code, signal) => onExit?.({ code, signal }))
      c.send({ type: 'init', seeds })
    })
  for (;;) {
    let pending = []
    while (pending.length < batchSize && next < last && Date.now() < deadline) pending.push(next++)
    if (!pending.length) break
    while (pending.length) {
      child ??= /** @type {import('node:child_process').ChildProcess} */ (await spawn())
      const c = child
      const o = /** @type {any} */ (await new Promise((resolve) => {
        const timer = setTimeout(() => resolve({ hang: pending[0] }), budget)
        onMessage = (m) => {
          if (m.type === 'case') {
            const r = m.result
            pending = pending.filter((x) => x !== r.caseNo)
            stats.cases++
            stats.kinds[r.kind] = (stats.kinds[r.kind] ?? 0) + 1
            if (r.accepted) stats.accepted++
            for (const code of r.codes) stats.codes[code] = (stats.codes[code] ?? 0) + 1
            stats.maxHeapDelta = Math.max(stats.maxHeapDelta, r.heapDelta)
            if (r.foreign) {
              stats.foreignCount++
              if (stats.foreign.length < 10) stats.foreign.push({ case: r.caseNo, seed: r.seed, desc: r.desc, ...r.foreign })
            }
          } else if (m.type === 'batchDone') {
            if (m.drift) stats.drift++
            clearTimeout(timer)
            resolve({ ok: true })
          }
        }
        onExit = (e) => {
          clearTimeout(timer)
          resolve({ crash: pending[0], ...e })
        }
        c.send({ type: 'batch', seed: opts.seed, cases: pending })
      }))
      onMessage = onExit = undefined
      if (o.ok) break
      if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL')
      child = undefined
      const which = o.hang ?? o.crash
      if (o.hang !== undefined) stats.hangs++
      else stats.crashes++
      const line = `marshal ${o.hang !== undefined ? 'HANG' : `CRASH (${o.code} ${o.signal})`} case ${which}: replay with --target marshal --seed ${opts.seed} --case ${which}`
      stats.failures.push(line)
      log(line)
      pending = pending.filter((x) => x !== which)
    }
  }
  // The hand-made inputs, once.
  child ??= /** @type {import('node:child_process').ChildProcess} */ (await spawn())
  const c = child
  stats.handMade = await new Promise((resolve) => {
    onMessage = (m) => m.type === 'handMade' && resolve(m.results)
    c.send({ type: 'handMade' })
  })
  c.send({ type: 'exit' })
  return stats
}

/** @param {Awaited<ReturnType<typeof runMarshalFuzz>>} s */
export function formatMarshalStats(s) {
  const sortCounts = (/** @type {Record<string, number>} */ o) => Object.entries(o).sort((a, b) => b[1] - a[1]).map(([k, v]) => `${k}=${v}`).join(' ')
  const wrong = s.handMade.filter((h) => h.want !== h.got)
  const lines = [
    `marshal fuzz seed=${s.seed} cases=${s.cases} (${s.seeds} pyc seeds; ${s.accepted} mutants still read) crashes=${s.crashes} hangs=${s.hangs} foreign exceptions=${s.foreignCount}`,
    `mutations: ${sortCounts(s.kinds)}`,
    `error codes: ${sortCounts(s.codes)}`,
    `hand-made inputs: ${s.handMade.length - wrong.length}/${s.handMade.length} fail with the expected code${wrong.length ? `; wrong: ${wrong.map((w) => `${w.name} (want ${w.want}, got ${w.got})`).join('; ')}` : ''}`,
    `reader drift after hostile input: ${s.drift}; max heap delta ${(s.maxHeapDelta / 2 ** 20).toFixed(1)} MiB`,
  ]
  for (const f of s.foreign.slice(0, 5)) lines.push(`  FOREIGN case ${f.case} [${f.seed}] ${f.desc}: ${f.step}: ${f.message}\n${String(f.stack).split('\n').slice(0, 6).join('\n')}`)
  return lines.join('\n')
}
