/**
 * Profile one pybundle operation of the benchmarks and print the top frames
 * (self time), for the "explain with a profile" part of issue 5:
 *
 *   node --expose-gc --import tsx benchmarks/src/profile.ts open|working-set|materialize [bundle: startup|stdlib] [iterations]
 *
 * Uses the cached fixtures (run `npm run bench` once first). Runs node's
 * inspector profiler in-process (same as --cpu-prof) and writes the profile
 * to benchmarks/.work/profiles/<op>-<bundle>.cpuprofile.
 */
import { Session } from 'node:inspector/promises'
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { openBundle } from '@pybundle/loader'
import { readPyc } from '@pybundle/cpython'
import { readFileSync } from 'node:fs'
import { touchView } from './contenders.js'
import { WORK, startupImports, startupFixture, stdlibFixture } from './fixtures.js'

interface Node {
  id: number
  callFrame: { functionName: string; url: string; lineNumber: number }
}
interface Profile {
  nodes: Node[]
  samples: number[]
  timeDeltas: number[]
}

const [op = 'open', which = 'stdlib', iters = '0'] = process.argv.slice(2)
const startup = await startupFixture()
const f = which === 'startup' ? startup : await stdlibFixture()
const names = startupImports(startup).filter((n) => f.modules.some((m) => m.name === n))
const all = f.modules.filter((m) => m.pycRel).map((m) => m.name)
const pycs = f.pycFiles.map((p) => readFileSync(p))

const ops: Record<string, [() => unknown, number]> = {
  open: [() => { const b = openBundle(f.bundle); b.getModule('os'); b.close() }, 20000],
  'working-set': [() => { const b = openBundle(f.bundle); for (const n of names) touchView(b.getModule(n)!.code!); b.close() }, 300],
  materialize: [() => { const b = openBundle(f.bundle); for (const n of all) b.getModule(n)!.code!.materialize(); b.close() }, 3],
  'marshal-reader': [() => { for (const p of pycs) readPyc(p) }, 3],
}
const [fn, n0] = ops[op] ?? ops.open
const n = Number(iters) || n0
for (let i = 0; i < Math.min(n, 20); i++) fn()
const s = new Session()
s.connect()
await s.post('Profiler.enable')
await s.post('Profiler.setSamplingInterval', { interval: 100 })
await s.post('Profiler.start')
const t0 = process.hrtime.bigint()
for (let i = 0; i < n; i++) fn()
const ns = Number(process.hrtime.bigint() - t0) / n
const { profile } = (await s.post('Profiler.stop')) as unknown as { profile: Profile }
mkdirSync(join(WORK, 'profiles'), { recursive: true })
const out = join(WORK, 'profiles', `${op}-${which}.cpuprofile`)
writeFileSync(out, JSON.stringify(profile))

const dt = new Map<number, number>()
profile.samples.forEach((id, i) => dt.set(id, (dt.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)))
const self = new Map<string, number>()
let total = 0
for (const nd of profile.nodes) {
  const t = dt.get(nd.id) ?? 0
  total += t
  const cf = nd.callFrame
  const k = `${cf.functionName || '(anonymous)'} ${cf.url.split('/').slice(-3).join('/')}:${cf.lineNumber + 1}`
  self.set(k, (self.get(k) ?? 0) + t)
}
process.stdout.write(`${op} on ${which}: ${n} iterations, ${(ns / 1000).toFixed(1)} µs each (profiler on); ${out}\n`)
for (const [k, t] of [...self].sort((a, b) => b[1] - a[1]).slice(0, 15)) process.stdout.write(`${((100 * t) / total).toFixed(1).padStart(5)}%  ${k}\n`)
