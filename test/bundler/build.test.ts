/** buildBundle: the summary, compile-by-interpreter, and what a failure leaves behind. */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { buildBundle, compileModules, createInterpreter } from '@pybundle/bundler'
// Internal to the compile step (not the package's API): the module itself, as built.
import { shard } from '../../packages/bundler/dist/compile/compile-modules.js'
import { PyBundleError } from '@pybundle/errors'
import { openBundle } from '@pybundle/loader'

function project(files: Record<string, string>, toml: string): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'pybundle-build-'))
  for (const [rel, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(root, rel)), { recursive: true })
    fs.writeFileSync(path.join(root, rel), text)
  }
  fs.writeFileSync(path.join(root, 'm.toml'), toml)
  return path.join(root, 'm.toml')
}

describe('buildBundle', () => {
  it('without [pyodide] snapshot, removes the snapshot an earlier build left beside the output (it belongs to that bundle)', async () => {
    const m = project({ 'src/p.py': 'v = 1\n' }, '[modules]\npaths = ["src"]\ninclude = ["p"]\n')
    const stale = path.join(path.dirname(m), 'm.pyb.snapshot')
    fs.writeFileSync(stale, 'an earlier build\'s snapshot')
    const s = await buildBundle(m)
    expect(s.snapshot).toBeNull()
    expect(fs.existsSync(s.output)).toBe(true)
    expect(fs.existsSync(stale)).toBe(false)
  })

  it('returns a summary and writes a bundle the loader opens', async () => {
    const phases: string[] = []
    const m = project({ 'src/p/__init__.py': 'from .q import v\n', 'src/p/q.py': 'v = 1\n', 'src/ns/x.py': '' }, '[bundle]\noptimize = 1\n[modules]\npaths = ["src"]\ninclude = ["p.*", "ns.*", "builtins"]\n')
    const s = await buildBundle(m, { onProgress: (p) => { if (!phases.includes(p.phase)) phases.push(p.phase) } })
    expect(phases).toEqual(['resolve', 'compile', 'convert', 'write'])
    expect(s).toMatchObject({ modules: 4, packages: 1, namespaces: 1, sourceless: 0, optimize: 1, excluded: 0, traced: null })
    expect(s.skipped).toEqual([{ name: 'builtins', reason: expect.stringMatching(/built-in/) }])
    expect(s.size).toBe(fs.statSync(s.output).size)
    for (const k of ['resolve', 'compile', 'convert', 'write', 'total'] as const) expect(s.timings[k]).toBeGreaterThanOrEqual(0)
    const b = openBundle(s.output)
    try {
      expect([...b.moduleNames()]).toEqual(['ns', 'ns.x', 'p', 'p.q'])
      expect(b.optimize).toBe(1)
      expect(b.getModule('p.q')!.path).toBe('p/q.py')
      expect(b.getModule('p.q')!.source.size).toBe(6)
      expect(b.getModule('p.q')!.source.hash).not.toBe(0n)
      expect(b.getModule('ns')!.isNamespace).toBe(true)
    } finally {
      b.close()
    }
  })

  it('-o overrides [bundle] output', async () => {
    const m = project({ 'src/a.py': '' }, '[modules]\npaths = ["src"]\ninclude = ["a"]\n')
    const out = path.join(path.dirname(m), 'deep', 'er', 'x.pyb')
    const s = await buildBundle(m, { output: out })
    expect(s.output).toBe(out)
    expect(fs.existsSync(out)).toBe(true)
    expect(fs.existsSync(path.join(path.dirname(m), 'm.pyb'))).toBe(false)
  })

  it('a syntax error names file:line, and lists the other failures', async () => {
    const m = project({ 'src/a.py': 'x = (\n', 'src/b.py': '\n\nif:\n', 'src/c.py': 'ok = 1\n' }, '[modules]\npaths = ["src"]\ninclude = ["a", "b", "c"]\n')
    const e = await buildBundle(m).catch((x) => x)
    expect(e).toBeInstanceOf(PyBundleError)
    expect(e.code).toBe('SYNTAX')
    expect(e.message).toContain(path.join(path.dirname(m), 'src', 'a.py') + ':1')
    expect(e.message).toMatch(/and 1 more: b/)
    expect(e.details.failures).toHaveLength(2)
    expect(fs.existsSync(path.join(path.dirname(m), 'm.pyb'))).toBe(false)
  })

  it('compiles with the interpreter on several workers, results in job order', async () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'pybundle-compile-'))
    const jobs = Array.from({ length: 40 }, (_, i) => {
      const f = path.join(root, `m${i}.py`)
      fs.writeFileSync(f, `X = ${i}\n` + 'y = 1\n'.repeat(i))
      return { file: f, kind: 'source' as const }
    })
    let last = 0
    const r = await compileModules(createInterpreter('python3'), jobs, { optimize: 0, workers: 3, onProgress: (d) => { last = d } })
    expect(last).toBe(40)
    expect(r.every((x) => x.ok)).toBe(true)
    expect(r.map((x) => (x.ok ? x.source!.size : -1))).toEqual(jobs.map((j) => fs.statSync(j.file).size))
  })

  it('shards by size, each job once', () => {
    const s = shard([100, 1, 50, 50, 1], 2)
    expect(s.flat().sort()).toEqual([0, 1, 2, 3, 4])
    expect(s).toHaveLength(2)
  })
})
