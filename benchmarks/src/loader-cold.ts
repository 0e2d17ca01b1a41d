/**
 * The cold path of loader-compare.ts: toPyc of the startup modules in a fresh
 * process (nothing compiled by V8 yet), old loader (packages/loader/.dist-base)
 * and new (packages/loader/dist) alternated, one process per run.
 *
 *   node --import tsx benchmarks/src/loader-cold.ts <bundle.pyb> [runs]
 *
 * Each child imports its loader, then times open + toPyc of every startup module
 * the bundle has + close (the import itself is not timed); prints the medians.
 */
import { execFileSync } from 'node:child_process'
import path from 'node:path'
import { pathToFileURL } from 'node:url'
import { median } from './harness.js'
import { STARTUP } from './startup-modules.js'

const [file, runsArg] = process.argv.slice(2)
if (file === undefined) {
  console.error('usage: node --import tsx benchmarks/src/loader-cold.ts <bundle.pyb> [runs]')
  process.exit(2)
}
const runs = Number(runsArg ?? 7)
const dist = (which: 'old' | 'new'): string => path.resolve(import.meta.dirname, `../../packages/loader/${which === 'old' ? '.dist-base' : 'dist'}/index.js`)

const child = `
const L = await import(process.argv[1])
const t = process.hrtime.bigint()
const b = L.openBundle(process.argv[2])
let bytes = 0
for (const n of process.argv[3].split(',')) if (b.has(n) && !b.getModule(n).isNamespace) bytes += b.toPyc(n).length
b.close()
console.log(JSON.stringify({ ms: Number(process.hrtime.bigint() - t) / 1e6, bytes }))
`

const times = { old: [] as number[], new: [] as number[] }
const sizes = new Set<number>()
for (let i = 0; i < runs; i++) {
  for (const which of i % 2 === 0 ? (['old', 'new'] as const) : (['new', 'old'] as const)) {
    const out = execFileSync(process.execPath, ['--input-type=module', '-e', child, pathToFileURL(dist(which)).href, file, STARTUP.join(',')], { encoding: 'utf8' })
    const r = JSON.parse(out) as { ms: number; bytes: number }
    times[which].push(r.ms)
    sizes.add(r.bytes)
  }
}
const o = median(times.old)
const n = median(times.new)
console.log(`toPyc cold (${STARTUP.length} startup modules, fresh process each): old ${o.toFixed(2)} ms  new ${n.toFixed(2)} ms  new/old ${(n / o).toFixed(3)}  (median of ${runs}; pyc bytes ${sizes.size === 1 ? 'equal' : 'DIFFER'})`)
