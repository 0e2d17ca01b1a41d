#!/usr/bin/env node
// @ts-check
/**
 * Long fuzz runs: `npm run fuzz -- --seconds N [--seed S] [--workers W]`, or
 * replay one case with `--seed S --case N`. Exits 1 on any crash, hang,
 * foreign exception, drift or undetected change (see test/fuzz/README).
 */
import { randomSeed } from './lib/rng.mjs'
import { formatStats, runFuzz } from './lib/run.mjs'
import { runMarshalFuzz, formatMarshalStats } from './lib/marshal-fuzz.mjs'

const args = process.argv.slice(2)
/** @param {string} name */
const opt = (name) => {
  const i = args.indexOf(`--${name}`)
  return i >= 0 ? args[i + 1] : undefined
}
const seed = opt('seed') !== undefined ? Number(opt('seed')) >>> 0 : randomSeed()
const seconds = opt('seconds') !== undefined ? Number(opt('seconds')) : undefined
const cases = opt('cases') !== undefined ? Number(opt('cases')) : seconds === undefined ? 2000 : undefined
const onlyCase = opt('case') !== undefined ? Number(opt('case')) : undefined
const workers = opt('workers') !== undefined ? Number(opt('workers')) : undefined
const target = opt('target') ?? 'all'
console.log(`pybundle fuzz: seed ${seed} (replay: npm run fuzz -- --seed ${seed}${seconds ? ` --seconds ${seconds}` : ''})`)

let failed = false
if (target === 'all' || target === 'loader') {
  const s = await runFuzz({ seed, seconds: target === 'all' && seconds ? seconds * 0.8 : seconds, cases, workers, onlyCase })
  console.log(formatStats(s))
  if (onlyCase !== undefined) console.log(JSON.stringify({ foreign: s.foreign, findings: s.findings }, null, 2))
  failed ||= s.crashes.length + s.hangs.length + s.foreignCount + s.drift.length > 0 || s.detection.detected !== s.detection.checked
}
if (target === 'all' || target === 'marshal') {
  const m = await runMarshalFuzz({ seed, seconds: target === 'all' && seconds ? seconds * 0.2 : seconds, cases, onlyCase })
  console.log(formatMarshalStats(m))
  failed ||= m.foreignCount + m.hangs + m.crashes > 0
}
process.exit(failed ? 1 : 0)
