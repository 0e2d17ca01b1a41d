/**
 * Issue 6 §4: a `pybundle build` killed while it works leaves no partial output
 * and the previous bundle byte-identical, at the same inode, and loadable.
 *
 * The build is a real one (bin/pybundle.js, the interpreter's whole standard
 * library, ~20 MB of output) so there is time to kill it in each phase: at
 * start-up, while compiling, and while writing — the last one timed by watching
 * the output folder for the writer's temporary file and killing the moment it
 * appears (the kill lands before the rename: the test checks the temp file still
 * existed at that moment, otherwise the case is reported as not mid-write).
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
let previous: Buffer
let previousIno: number

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'pybundle-faults-'))
  writeFileSync(join(dir, 'small.toml'), '[bundle]\noutput = "out.pyb"\npython = "python3"\n\n[modules]\ninclude = ["json.*", "textwrap"]\n')
  writeFileSync(join(dir, 'big.toml'), '[bundle]\noutput = "out.pyb"\npython = "python3"\n\n[modules]\nstdlib = true\n')
  const r = pybundle(['build', 'small.toml', '-q'], dir)
  expect(r.code, r.stderr).toBe(0)
  previous = readFileSync(join(dir, 'out.pyb'))
  previousIno = statSync(join(dir, 'out.pyb')).ino
})
afterAll(() => rmSync(dir, { recursive: true, force: true }))

type When = number | 'write'

async function killBuild(signal: NodeJS.Signals, when: When) {
  const before = new Set(readdirSync(dir))
  const child = startBuild(['big.toml', '-q'], dir)
  let stderr = ''
  child.stderr?.on('data', (d) => (stderr += d))
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
  const timer = typeof when === 'number' ? setTimeout(kill, when) : undefined
  const exit = await new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('exit', (code, sig) => resolve({ code, signal: sig })))
  watcher.close()
  clearTimeout(timer)
  // Give orphaned workers a moment to notice their parent is gone.
  for (let i = 0; i < 50 && tree.some(alive); i++) await sleep(100)
  const leftovers = readdirSync(dir).filter((f) => !before.has(f))
  return { exit, stderr, tempAtKill, leftovers, survivors: tree.filter(alive) }
}

function expectPreviousIntact() {
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
    ['SIGINT', 300, 'at start-up'],
    ['SIGKILL', 2500, 'while resolving/compiling'],
    ['SIGINT', 2500, 'while resolving/compiling'],
    ['SIGKILL', 'write', 'while writing the bundle'],
    ['SIGINT', 'write', 'while writing the bundle'],
  ]
  for (const [signal, when, phase] of points) {
    it(`${signal} ${phase}: previous bundle byte-identical and loadable, no partial output`, async () => {
      const r = await killBuild(signal, when)
      console.log(`${signal} ${phase}: exit ${JSON.stringify(r.exit)}, temp file at kill ${r.tempAtKill ?? '-'}, leftovers ${JSON.stringify(r.leftovers)}, surviving workers ${r.survivors.length}`)
      expect(r.exit.code === 0, `the build finished before the ${signal}`).toBe(false)
      if (when === 'write') expect(r.tempAtKill, 'the kill did not land mid-write').not.toBeNull()
      expectPreviousIntact()
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
