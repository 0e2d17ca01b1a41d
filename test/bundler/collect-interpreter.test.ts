/**
 * The collect stage's interpreter runs (issue 11 follow-ups): every one is
 * bounded by `[bundle] timeout` and named in messages, and what the
 * interpreter reads for a folder the host cannot see (Pyodide's in-memory
 * stdlib) is never cut short silently.
 *
 * "A folder only the interpreter sees" is made with a real CPython run in
 * another working folder and package folders given relative to it: the host
 * (this process, in its own cwd) finds nothing there, the interpreter does.
 */
import fs from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { PyBundleError } from '@pybundle/errors'
import { buildBundle, collectData, readSources, SubprocessInterpreter, type Interpreter, type RunOptions } from '@pybundle/bundler'
import { tmp, write } from './helpers.js'

const PYTHON = fs.existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3'

type Run = { step?: string; timeout?: number; maxStdout?: number }

/** A real interpreter that records each run's options; `cwd` moves every run there; `capStdout` lowers maxStdout under what was asked. */
function recording(opts: { cwd?: string; capStdout?: number } = {}): { interpreter: Interpreter; runs: Run[] } {
  const base = new SubprocessInterpreter(PYTHON, { jobs: 2 })
  const runs: Run[] = []
  const interpreter: Interpreter = {
    id: base.id,
    parallelism: base.parallelism,
    runScript(script, args, options: RunOptions = {}) {
      runs.push({ step: options.step, timeout: options.timeout, maxStdout: options.maxStdout })
      const o = { ...options, ...(opts.cwd ? { cwd: opts.cwd } : {}) }
      if (opts.capStdout !== undefined) o.maxStdout = Math.min(options.maxStdout ?? Infinity, opts.capStdout)
      return base.runScript(script, args, o)
    },
  }
  return { interpreter, runs }
}

/** A package under `elsewhere` (the interpreter's cwd), named by a path relative to it that the host's cwd does not have. */
function elsewhere(files: Record<string, string | Uint8Array>): { cwd: string; dir: string } {
  const cwd = tmp('pybundle-elsewhere-')
  const rel = `pybundle-only-the-interpreter-sees-${path.basename(cwd)}`
  expect(fs.existsSync(rel)).toBe(false)
  write(path.join(cwd, rel, 'pkg'), { '__init__.py': 'X = 1\n', ...files })
  return { cwd, dir: `${rel}/pkg` }
}

describe('[bundle] timeout bounds every interpreter step', () => {
  it('the build passes it, with a step name, to each run: resolve, compile, distributions', async () => {
    const root = tmp('pybundle-timeout-')
    write(path.join(root, 'src'), { 'p/__init__.py': 'X = 1\n', 'p/d.txt': 'data\n' })
    const m = path.join(root, 'm.toml')
    fs.writeFileSync(m, `[bundle]\npython = "${PYTHON}"\ntimeout = 77\n[modules]\npaths = ["src"]\ninclude = ["p"]\nsources = true\n`)
    const { interpreter, runs } = recording()
    await buildBundle(m, { interpreter, output: path.join(root, 'out.pyb') })
    expect(runs.map((r) => r.step)).toContain('finding distribution metadata')
    for (const r of runs) {
      expect(r.timeout, `run "${r.step}"`).toBe(77)
      expect(r.step, 'every run is named').toBeTruthy()
    }
  })

  it('walking and reading a folder only the interpreter sees, and reading sources there', async () => {
    const { cwd, dir } = elsewhere({ 'a.txt': 'A\n', 'sub/b.txt': 'B\n' })
    const { interpreter, runs } = recording({ cwd })
    const got = await collectData([{ name: 'pkg', dir }], { interpreter, timeout: 77 })
    expect(got.files.map((f) => [f.path, Buffer.from(f.bytes).toString()])).toEqual([['a.txt', 'A\n'], ['sub/b.txt', 'B\n']])
    const sources = await readSources([{ name: 'pkg', file: `${dir}/__init__.py`, kind: 'source' }], interpreter, 77)
    expect(Buffer.from(sources.get('pkg')!).toString()).toBe('X = 1\n')
    expect(runs.map((r) => [r.step, r.timeout])).toEqual([
      ['listing package folders', 77], ['reading package data', 77], ['reading module sources', 77],
    ])
  })
})

describe('reading through the interpreter never loses a file silently', () => {
  const files = Object.fromEntries(Array.from({ length: 5 }, (_, i) => [`f${i}.dat`, Buffer.alloc(1000, 0x41 + i)]))

  it('reads in batches under the output budget, every file whole', async () => {
    const { cwd, dir } = elsewhere(files)
    const { interpreter, runs } = recording({ cwd })
    // 1008 bytes a frame: two fit in 2500, so 5 files take 3 runs.
    const got = await collectData([{ name: 'pkg', dir }], { interpreter, readBatchBytes: 2500 })
    expect(got.skipped).toEqual([])
    expect(got.files.map((f) => [f.path, Buffer.from(f.bytes)])).toEqual(Object.entries(files))
    const reads = runs.filter((r) => r.step === 'reading package data')
    expect(reads.length).toBe(3)
    for (const r of reads) expect(r.maxStdout).toBeGreaterThan(2500)
  })

  it('a file bigger than the budget goes in a run of its own; one over the size limit is skipped with its size, unread', async () => {
    const { cwd, dir } = elsewhere({ 'big.dat': Buffer.alloc(3000, 1), 'huge.dat': Buffer.alloc(5000, 2), 'small.dat': 'x' })
    const { interpreter, runs } = recording({ cwd })
    const got = await collectData([{ name: 'pkg', dir }], { interpreter, readBatchBytes: 100, maxFileSize: 4000 })
    expect(got.files.map((f) => [f.path, f.bytes.length])).toEqual([['big.dat', 3000], ['small.dat', 1]])
    expect(got.skipped).toEqual([{ package: 'pkg', path: 'huge.dat', reason: expect.stringMatching(/5000 bytes/) }])
    // big.dat alone, then small.dat: huge.dat is never sent.
    expect(runs.filter((r) => r.step === 'reading package data').length).toBe(2)
  })

  it('a run whose output was cut is an INTERPRETER error naming the step, not missing files', async () => {
    const { cwd, dir } = elsewhere(files)
    const { interpreter } = recording({ cwd, capStdout: 3000 })
    const err = await collectData([{ name: 'pkg', dir }], { interpreter }).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(PyBundleError)
    expect((err as PyBundleError).code).toBe('INTERPRETER')
    expect((err as PyBundleError).message).toMatch(/reading package data/)
  })
})
