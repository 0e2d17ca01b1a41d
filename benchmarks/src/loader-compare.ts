/**
 * Old loader against new, side by side in one process (issue 13's rule for a
 * refactoring: working set, materialization and toPyc within 5% of the code
 * before the change, old and new alternated so that both see the same machine).
 *
 *   cp -r packages/loader/dist packages/loader/.dist-base     # before the change (untracked)
 *   ... change, npx tsc -b ...
 *   node --expose-gc --import tsx benchmarks/src/loader-compare.ts <bundle.pyb> [rounds] [case]
 *
 * Cases: workingSet (open, getModule + materialize() of the startup modules the
 * bundle has, close), materializeAll (every module), toPycAll (toPyc of every
 * module). Before timing it checks that both loaders give identical toPyc bytes and
 * valueEquals-equal materialize() results on every module, and prints bytesTouched
 * per case for both. Prints the median of `rounds` (default 11) after 2 warm-up
 * rounds, and new/old.
 */
import path from 'node:path'
import { pathToFileURL } from 'node:url'
import { valueEquals } from '@pybundle/cpython'
import * as neu from '@pybundle/loader'
import { median } from './harness.js'
import { STARTUP } from './startup-modules.js'

type Loader = Pick<typeof neu, 'openBundle'>
type Bundle = ReturnType<Loader['openBundle']>

const [file, roundsArg, only] = process.argv.slice(2)
/** With --expose-gc: collect before each sample (see the timing loop). */
const gc = (globalThis as { gc?: () => void }).gc
if (gc === undefined) console.warn('loader-compare: run node with --expose-gc to time each sample from a collected heap')
if (file === undefined) {
  console.error('usage: node --import tsx benchmarks/src/loader-compare.ts <bundle.pyb> [rounds] [workingSet|materializeAll|toPycAll]')
  process.exit(2)
}
const rounds = Number(roundsArg ?? 11)
const baseDir = path.resolve(import.meta.dirname, '../../packages/loader/.dist-base/index.js')
const base = (await import(pathToFileURL(baseDir).href)) as Loader


const probe = neu.openBundle(file)
const names = [...probe.moduleNames()].filter((n) => probe.getModule(n)?.isNamespace === false)
const startup = STARTUP.filter((n) => probe.has(n))
probe.close()
console.log(`${file}: ${names.length} modules with code, ${startup.length} startup modules`)

const cases: Record<string, (b: Bundle) => void> = {
  workingSet: (b) => startup.forEach((n) => b.getModule(n)?.code?.materialize()),
  materializeAll: (b) => names.forEach((n) => b.getModule(n)?.code?.materialize()),
  toPycAll: (b) => names.forEach((n) => b.toPyc(n)),
}

for (const [name, f] of Object.entries(cases)) {
  const touched = [base, neu].map((L) => {
    const b = L.openBundle(file)
    f(b)
    const n = b.bytesTouched
    b.close()
    return n
  })
  console.log(`bytesTouched ${name}: old ${touched[0]} new ${touched[1]}${touched[0] === touched[1] ? '' : ' (differs)'}`)
}
{
  const a = base.openBundle(file)
  const b = neu.openBundle(file)
  let differences = 0
  for (const n of names) {
    if (!Buffer.from(a.toPyc(n)).equals(Buffer.from(b.toPyc(n)))) differences++
    if (!valueEquals(a.getModule(n)!.code!.materialize(), b.getModule(n)!.code!.materialize())) differences++
  }
  a.close()
  b.close()
  console.log(`exactness: ${differences} differences over ${names.length} modules (toPyc bytes, materialize() valueEquals)`)
}

const times: Record<string, { old: number[]; new: number[] }> = {}
for (const name of Object.keys(cases)) times[name] = { old: [], new: [] }
for (let round = -2; round < rounds; round++) {
  for (const [name, f] of Object.entries(cases)) {
    if (only !== undefined && name !== only) continue
    const order: ['old' | 'new', Loader][] = round % 2 === 0 ? [['old', base], ['new', neu]] : [['new', neu], ['old', base]]
    for (const [which, L] of order) {
      // Each sample starts from a collected heap: otherwise a sample pays, at random, for
      // collecting the garbage the other loader's previous sample left (materializeAll
      // leaves ~100 MB), and the three cases' ratios move by 10% with their order.
      gc?.()
      const t = process.hrtime.bigint()
      const b = L.openBundle(file)
      f(b)
      b.close()
      if (round >= 0) times[name][which].push(Number(process.hrtime.bigint() - t) / 1e6)
    }
  }
}
for (const [name, t] of Object.entries(times)) {
  if (t.old.length === 0) continue
  const o = median(t.old)
  const n = median(t.new)
  console.log(`${name.padEnd(15)} old ${o.toFixed(2).padStart(9)} ms  new ${n.toFixed(2).padStart(9)} ms  new/old ${(n / o).toFixed(3)}  (median of ${t.old.length})`)
}
