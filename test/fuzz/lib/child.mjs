// @ts-check
/**
 * The fuzz child process: receives the seeds once, then batches of case
 * numbers; for each case derives its mutation from (seed, case), writes the
 * mutant to a file (to open it through mmap as well), exercises the loader and
 * reports a compact result per case. After each batch it checks that the loader
 * still reads a pristine seed exactly as before.
 *
 * Runs as a child process, not a worker thread, so a native crash (mmap, OOM)
 * kills only the child and is reported as a crash with its case number.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { exercise } from './exercise.mjs'
import { mapLayout } from './layout-map.mjs'
import { initMutators, mutate } from './mutate.mjs'
import { Rng } from './rng.mjs'

/** @typedef {{name: string, minor: number, bytes: Uint8Array}} Seed */

/** @type {Seed[]} */
let seeds = []
/** @type {ReturnType<typeof mapLayout>[]} */
let maps = []
/** @type {string[]} */
let fingerprints = []
const dir = mkdtempSync(join(tmpdir(), 'pybundle-fuzz-'))
process.on('exit', () => rmSync(dir, { recursive: true, force: true }))

/** What a good bundle reads as: its module names, its verify report and every module's pyc. @param {Uint8Array} bytes */
function fingerprint(bytes) {
  const r = exercise(bytes, { full: false })
  return JSON.stringify([r.buffer.openCode, r.buffer.verifyOk, r.buffer.modules, r.buffer.codesWalked, r.buffer.codes.map((c) => c.code), r.buffer.foreign.length])
}

/**
 * The mutant for (global seed, case): pick the seed bundle, then mutate.
 * @param {number} globalSeed @param {number} caseNo
 */
export function caseMutant(globalSeed, caseNo) {
  const rng = new Rng(globalSeed, caseNo)
  // Small seeds are cheaper and denser in tricky records: weight them up.
  const si = rng.chance(0.3) ? 0 : rng.int(seeds.length)
  const m = mutate(rng, seeds[si].bytes, maps[si])
  return { seedIndex: si, ...m }
}

/** @param {number} globalSeed @param {number} caseNo */
function runCase(globalSeed, caseNo) {
  const m = caseMutant(globalSeed, caseNo)
  const file = join(dir, `case-${caseNo}.pyb`)
  writeFileSync(file, m.bytes)
  const mem0 = process.memoryUsage()
  const r = exercise(m.bytes, { file: m.bytes.length > 0 ? file : undefined })
  const mem1 = process.memoryUsage()
  rmSync(file, { force: true })
  const allCodes = [...r.buffer.codes, ...(r.file?.codes ?? [])].map((c) => c.code)
  const foreign = [...r.buffer.foreign, ...(r.file?.foreign ?? [])]
  const findings = [...r.buffer.findings, ...(r.file?.findings ?? [])]
  // Buffer and mmap must agree on what the file is.
  if (r.file) {
    const a = [r.buffer.openCode, r.buffer.verifyOk, r.buffer.problemCodes.join(','), r.buffer.modules]
    const b = [r.file.openCode, r.file.verifyOk, r.file.problemCodes.join(','), r.file.modules]
    if (JSON.stringify(a) !== JSON.stringify(b)) findings.push({ kind: 'buffer-vs-file', message: `buffer ${JSON.stringify(a)} vs file ${JSON.stringify(b)}` })
  }
  return {
    caseNo,
    seed: seeds[m.seedIndex].name,
    desc: m.desc,
    kind: m.kind,
    repaired: m.repaired,
    changed: m.changed.length,
    regions: m.regions,
    size: m.bytes.length,
    openCode: r.buffer.openCode,
    verifyOk: r.buffer.verifyOk,
    problemCodes: r.buffer.problemCodes,
    codes: allCodes,
    foreign,
    findings,
    heapDelta: mem1.heapUsed - mem0.heapUsed,
    arrayBuffersDelta: mem1.arrayBuffers - mem0.arrayBuffers,
    rss: mem1.rss,
    maxOutputRatio: r.buffer.maxOutputRatio,
  }
}

process.on('message', async (/** @type {any} */ msg) => {
  if (msg.type === 'init') {
    await initMutators()
    seeds = msg.seeds
    maps = seeds.map((s) => mapLayout(s.bytes))
    fingerprints = seeds.map((s) => fingerprint(s.bytes))
    process.send?.({ type: 'ready' })
  } else if (msg.type === 'batch') {
    for (const caseNo of msg.cases) {
      process.send?.({ type: 'case', result: runCase(msg.seed, caseNo) })
    }
    // The loader still reads every good seed as before (no state leaked from hostile files).
    const drift = seeds.map((s, i) => (fingerprint(s.bytes) === fingerprints[i] ? null : s.name)).filter(Boolean)
    process.send?.({ type: 'batchDone', drift })
  } else if (msg.type === 'exit') {
    process.exit(0)
  }
})
