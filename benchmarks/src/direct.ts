/**
 * A second opinion on the two headline claims, without the harness: plain
 * loops, no interleaving, no batching logic, so a reader can see the whole
 * measurement in one screen.
 *
 *   node --expose-gc --import tsx benchmarks/src/direct.ts [rounds]
 *
 * - open + lookup: openBundle + getModule("os") + close on the startup and
 *   stdlib bundles, 2,000 times per round;
 * - startup working set: open, touch the 63 startup modules (bytecode, every
 *   name, every constant, shallow), close: 100 times per round;
 * - CPython's marshal.loads of the same 63 .pyc bodies, in python3 with
 *   timeit (100 loops per round).
 * Prints the median over rounds of the per-operation time. Uses the fixtures
 * `npm run bench` builds (it builds them if missing).
 */
import { spawnSync } from 'node:child_process'
import { openBundle } from '@pybundle/loader'
import { touchView } from './contenders.js'
import { PYTHON, startupFixture, stdlibFixture } from './fixtures.js'
import { startupSet } from './cases/working-set.js'
import { median } from './harness.js'

const rounds = Number(process.argv[2] ?? 9)
const startup = await startupFixture()
const stdlib = await stdlibFixture()
const set = startupSet(startup)

function perOp(n: number, op: () => void): number {
  for (let i = 0; i < Math.min(n, 50); i++) op() // warm-up
  const out: number[] = []
  for (let r = 0; r < rounds; r++) {
    const t0 = process.hrtime.bigint()
    for (let i = 0; i < n; i++) op()
    out.push(Number(process.hrtime.bigint() - t0) / n / 1000)
  }
  return median(out)
}

const open = (file: string) => () => {
  const b = openBundle(file)
  b.getModule('os')
  b.close()
}
const workingSet = () => {
  const b = openBundle(startup.bundle)
  for (const name of set.names) touchView(b.getModule(name)!.code!)
  b.close()
}

const py = spawnSync(PYTHON, ['-c', `
import marshal, sys, timeit
blobs = [open(f, 'rb').read()[16:] for f in sys.argv[1:]]
def op():
    for b in blobs: marshal.loads(b)
t = timeit.repeat(op, number=100, repeat=${rounds})
t.sort()
print(t[len(t) // 2] / 100 * 1e6)
`, ...set.files], { encoding: 'utf8' })
if (py.status !== 0) throw new Error(py.stderr)

const rows: [string, number][] = [
  ['open + lookup, startup bundle', perOp(2000, open(startup.bundle))],
  ['open + lookup, stdlib bundle', perOp(2000, open(stdlib.bundle))],
  [`startup working set (${set.names.length} modules), pybundle`, perOp(100, workingSet)],
  [`startup working set, CPython marshal.loads (timeit)`, Number(py.stdout)],
]
for (const [what, us] of rows) process.stdout.write(`${what.padEnd(58)} ${us.toFixed(1).padStart(9)} µs\n`)
const [ws, ml] = [rows[2][1], rows[3][1]]
process.stdout.write(`working set: pybundle is ${(ml / ws).toFixed(2)}x faster than marshal.loads\n`)
