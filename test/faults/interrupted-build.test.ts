/**
 * Issue 6 §4: a `pybundle build` killed while it works leaves no partial output
 * and the previous bundle byte-identical, at the same inode, and loadable.
 *
 * The build is a real one (bin/pybundle.js, the interpreter's whole standard
 * library, ~20 MB of output), killed in each phase. The moment is taken from
 * the build's own `--progress` lines, never from a clock (a fast machine
 * finishes a stdlib build in under 3 s): while resolving (`progress: resolve`),
 * while compiling (`progress: compile N/M` with 0 < N < M), and while writing
 * — the last by watching the output folder for the writer's temporary file and
 * killing the moment it appears (the test checks the temp file still existed at
 * that moment, otherwise the case is reported as not mid-write).
 *
 * Leftover temporary files: after SIGINT there must be none (the process can
 * clean up). After SIGKILL nothing can run, so a hidden `.<name>.<pid>.<rand>.tmp`
 * may stay behind; it must never be at or look like the bundle's own path.
 */
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, watch, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openBundle } from '@pybundle/loader'
import { alive, descendants, pybundle, sleep, startBuild } from './helpers.js'

let dir: string

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'pybundle-faults-'))
  writeFileSync(join(dir, 'small.toml'), '[bundle]\noutput = "out.pyb"\npython = "python3"\n\n[modules]\ninclude = ["json.*", "textwrap"]\n')
  writeFileSync(join(dir, 'big.toml'), '[bundle]\noutput = "out.pyb"\npython = "python3"\n\n[modules]\nstdlib = true\n')
  const r = pybundle(['build', 'small.toml', '-q'], dir)
  expect(r.code, r.stderr).toBe(0)
})
afterAll(() => rmSync(dir, { recursive: true, force: true }))

/** When to kill: at a `--progress` line the predicate accepts, or when the writer's temp file appears. */
type When = ((line: string) => boolean) | 'write'

const resolving = (line: string) => line === 'progress: resolve'
const compiling = (line: string) => {
  const m = /^progress: compile (\d+)\/(\d+)$/.exec(line)
  return m !== null && Number(m[1]) > 0 && Number(m[1]) < Number(m[2])
}

async function killBuild(signal: NodeJS.Signals, when: When) {
  const before = new Set(readdirSync(dir))
  const child = startBuild(['big.toml', '-q', '--progress'], dir)
  let stderr = ''
  let killedAt: string | null = null
  child.stderr?.on('data', (d) => {
    const start = stderr.length
    stderr += d
    if (typeof when !== 'function' || killedAt !== null) return
    // Whole lines only: a chunk may end mid-line.
    const lines = stderr.slice(stderr.lastIndexOf('\n', start - 1) + 1).split('\n').slice(0, -1)
    const hit = lines.find(when)
    if (hit !== undefined) (killedAt = hit), kill()
  })
  let tempAtKill: string | null = null
  let tree: number[] = []
  const kill = () => {
    if (child.exitCode !== null) return
    tree = descendants(child.pid!)
    child.kill(signal)
  }
  const watcher = watch(dir, (_ev, name) => {
    if (when === 'write' && name?.endsWith('.tmp') && tempAtKill === null && existsSync(join(dir, name))) {
      tempAtKill = name
      kill()
    }
  })
  const exit = await new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('exit', (code, sig) => resolve({ code, signal: sig })))
  watcher.close()
  // Give orphaned workers a moment to notice their parent is gone.
  // Polled for up to a minute: on a busy machine dying can take a while; a live one fails the case.
  for (let i = 0; i < 600 && tree.some(alive); i++) await sleep(100)
  const leftovers = readdirSync(dir).filter((f) => !before.has(f))
  return { exit, stderr, killedAt, tempAtKill, leftovers, survivors: tree.filter(alive) }
}

/** The bundle a kill test starts from: whatever out.pyb holds (the small build, unless an earlier case failed). */
function snapshot() {
  const path = join(dir, 'out.pyb')
  return { previous: readFileSync(path), previousIno: statSync(path).ino }
}

function expectPreviousIntact({ previous, previousIno }: ReturnType<typeof snapshot>) {
  const path = join(dir, 'out.pyb')
  const now = readFileSync(path)
  expect(Buffer.compare(now, previous), 'the previous bundle changed').toBe(0)
  expect(statSync(path).ino).toBe(previousIno)
  const b = openBundle(path)
  try {
    expect(b.verify().ok).toBe(true)
    expect(b.has('json.decoder')).toBe(true)
  } finally {
    b.close()
  }
}

describe('a build killed while it works', () => {
  const points: [NodeJS.Signals, When, string][] = [
    ['SIGINT', resolving, 'while resolving'],
    ['SIGKILL', compiling, 'while compiling'],
    ['SIGINT', compiling, 'while compiling'],
    ['SIGKILL', 'write', 'while writing the bundle'],
    ['SIGINT', 'write', 'while writing the bundle'],
  ]
  for (const [signal, when, phase] of points) {
    it(`${signal} ${phase}: previous bundle byte-identical and loadable, no partial output`, async () => {
      const before = snapshot()
      const r = await killBuild(signal, when)
      console.log(`${signal} ${phase}: exit ${JSON.stringify(r.exit)}, killed at ${r.killedAt ?? r.tempAtKill ?? '-'}, leftovers ${JSON.stringify(r.leftovers)}, surviving workers ${r.survivors.length}`)
      if (when === 'write') expect(r.tempAtKill, 'the kill did not land mid-write').not.toBeNull()
      else expect(r.killedAt, `no matching --progress line; stderr:\n${r.stderr}`).not.toBeNull()
      expect(r.exit.code === 0, `the build finished before the ${signal}`).toBe(false)
      expectPreviousIntact(before)
      // Never a partial bundle under a name a user would take for output.
      for (const f of r.leftovers) expect(f).toMatch(/^\.out\.pyb\.\d+\.[0-9a-f]+\.tmp$/)
      if (signal === 'SIGINT') expect(r.leftovers, 'SIGINT leaves temporary files behind').toEqual([])
      // Compile workers do not outlive the build.
      expect(r.survivors, 'worker processes survive the killed build').toEqual([])
      for (const f of r.leftovers) rmSync(join(dir, f), { force: true })
    })
  }
})

describe('two builds of the same output at once', () => {
  it('end with one complete bundle (one of the two, verified) and no temporary files', async () => {
    writeFileSync(join(dir, 'other.toml'), '[bundle]\noutput = "out.pyb"\npython = "python3"\n\n[modules]\ninclude = ["email.*"]\n')
    const before = new Set(readdirSync(dir))
    const run = (toml: string) => new Promise<number | null>((resolve) => startBuild([toml, '-q'], dir).on('exit', (code) => resolve(code)))
    const codes = await Promise.all([run('small.toml'), run('other.toml')])
    expect(codes).toEqual([0, 0])
    const b = openBundle(join(dir, 'out.pyb'))
    try {
      expect(b.verify().ok).toBe(true)
      expect(b.has('json') !== b.has('email'), 'the bundle is a mix of the two builds').toBe(true)
    } finally {
      b.close()
    }
    expect(readdirSync(dir).filter((f) => !before.has(f) && f !== 'other.toml')).toEqual([])
  })
})
