/**
 * Pyodide memory snapshots made by `pybundle build` ([pyodide] snapshot) and
 * restored by loadPyodideWithBundle (issue 15): round trip against a normal start,
 * fallbacks with the warning (another Pyodide, a damaged file, PYTHONHASHSEED),
 * `verify`, and per-process `random` after a restore.
 *
 * The bundle and its snapshot are built once (fixtures/snapshot.toml, ~30 MB) and
 * cached under os.tmpdir()/pybundle-test-cache, keyed by Pyodide's version and the
 * code that makes them.
 */
import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import { createRequire } from 'node:module'
import os from 'node:os'
import path from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { buildBundle } from '@pybundle/bundler'
import { createProgram, memoryContext } from '@pybundle/cli'
import { checkSnapshotLater, encodeSnapshotFile, readSnapshotFile, readSnapshotHead } from '@pybundle/loader'
import { loadPyodideWithBundle } from '@pybundle/pyodide'
import { cachePath } from '../helpers/cache.js'
import { FIXTURES, PYODIDE_VERSION, ROOT, pyodideInterpreter, treeHash } from './helpers.js'

const require = createRequire(import.meta.url)

let bundle: string
let snapshotBytes: Uint8Array

beforeAll(async () => {
  const key = treeHash(...['bundler/dist', 'bundler/src/python', 'pyodide/dist', 'pyodide/src/python', 'loader/dist'].map((d) => path.join(ROOT, 'packages', d)), FIXTURES)
  const dir = cachePath('pyodide-snapshot', [PYODIDE_VERSION, key], 'd')
  bundle = path.join(dir, 'snapshot.pyb')
  if (!fs.existsSync(bundle + '.snapshot')) {
    const tmp = `${dir}.${process.pid}.building`
    fs.rmSync(tmp, { recursive: true, force: true })
    fs.mkdirSync(tmp, { recursive: true })
    await buildBundle(path.join(FIXTURES, 'snapshot.toml'), { output: path.join(tmp, 'snapshot.pyb'), interpreter: pyodideInterpreter() })
    fs.rmSync(dir, { recursive: true, force: true })
    fs.renameSync(tmp, dir)
  }
  snapshotBytes = new Uint8Array(fs.readFileSync(bundle + '.snapshot'))
}, 600_000)

/** What a program sees after a start: the same after a restore as after a normal start. */
const PROGRAM = String.raw`
import sys, os, json
had = {m: m in sys.modules for m in ('shapes', 'email.parser')}
import shapes, email.parser
out = {
  'shapes': shapes.__file__, 'email.parser': email.parser.__spec__.origin,
  'loader': type(email.parser.__spec__.loader).__name__,
  'argv': sys.argv, 'FOO': os.environ.get('FOO'), 'PYTHONPATH' : os.environ.get('PYTHONPATH'),
  'path': sys.path, 'cwd': os.getcwd(), 'boot': [m for m in sys.modules if 'pybundle' in m],
  'meta': [type(f).__name__ for f in sys.meta_path],
  # package data, served from the bundle (its folder is mounted again after a restore)
  'data': open(os.path.join(os.path.dirname(shapes.__file__), 'data', 'palette.txt')).read(),
}
json.dumps([had, out])
`

async function run(options: Record<string, unknown>): Promise<{ result: [Record<string, boolean>, Record<string, unknown>]; warnings: string[] }> {
  const warnings: string[] = []
  const py = await loadPyodideWithBundle({ bundle, env: { FOO: 'bar' }, args: ['a', 'b'], stdout: () => {}, stderr: () => {}, onWarning: (m) => warnings.push(m), ...options })
  return { result: JSON.parse(py.runPython(PROGRAM) as string), warnings }
}

describe('memory snapshot', () => {
  it('is made beside the bundle from the trace, and restores to what a normal start gives', async () => {
    const { info } = readSnapshotFile(snapshotBytes)
    expect(info.pyodideVersion).toBe(PYODIDE_VERSION)
    expect(info.imports).toEqual(expect.arrayContaining(['shapes', 'json', 'random']))
    expect(info.imports).not.toContain('email.parser')
    const restored = await run({})
    const normal = await run({ snapshot: false })
    expect(restored.warnings).toEqual([])
    expect(normal.warnings).toEqual([])
    // In the snapshot: shapes; not in it: email.parser, served by the bundle after the restore.
    expect(restored.result[0]).toEqual({ shapes: true, 'email.parser': false })
    expect(normal.result[0]).toEqual({ shapes: false, 'email.parser': false })
    expect(restored.result[1]).toEqual(normal.result[1])
    expect(restored.result[1].loader).toBe('BundleLoader')
    expect(restored.result[1].argv).toEqual(['a', 'b'])
    expect(restored.result[1].FOO).toBe('bar')
    expect(restored.result[1].data).toBe(fs.readFileSync(path.join(FIXTURES, 'app/shapes/data/palette.txt'), 'utf8'))
  }, 300_000)

  it('made by another Pyodide: starts normally with one warning line', async () => {
    const s = readSnapshotFile(snapshotBytes)
    const other = encodeSnapshotFile({ ...s.info, pyodideVersion: '0.0.1' }, s.snapshot)
    const { result, warnings } = await run({ snapshot: other })
    expect(warnings).toHaveLength(1)
    expect(warnings[0]).toMatch(/made by Pyodide 0\.0\.1, this is 314\./)
    expect(warnings[0]).not.toContain('\n')
    expect(result[0]).toEqual({ shapes: false, 'email.parser': false })
    expect(result[1].loader).toBe('BundleLoader')
  }, 300_000)

  it('made for an empty stdlib zip ([pyodide] stdlib_zip = "empty", for a page): under Node, where Pyodide gets its own zip, starts normally with one warning line', async () => {
    const s = readSnapshotFile(snapshotBytes)
    const forPage = encodeSnapshotFile({ ...s.info, options: { ...s.info.options, stdlibZip: 'empty' } }, s.snapshot)
    const { result, warnings } = await run({ snapshot: forPage })
    expect(warnings).toEqual([expect.stringMatching(/not restored: it was made with an empty stdlib zip \(\[pyodide\] stdlib_zip = "empty"\), for a page loading with stdlibZip: 'empty'; starting normally$/)])
    expect(result[0]).toEqual({ shapes: false, 'email.parser': false })
  }, 300_000)

  it('damaged: rejected by verify (exit 3) and ignored at load with a warning', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pybundle-snap-'))
    try {
      const copy = path.join(dir, 'app.pyb')
      fs.copyFileSync(bundle, copy)
      const bad = new Uint8Array(snapshotBytes)
      const at = bad.length - 1000
      bad[at] ^= 0x40
      fs.writeFileSync(copy + '.snapshot', bad)
      const ctx = memoryContext()
      await createProgram(ctx).parseAsync(['node', 'pybundle', 'verify', copy], { from: 'node' })
      expect(ctx.exitCode).toBe(3)
      expect(ctx.err).toMatch(/snapshot .* is damaged/)
      expect(ctx.err).toContain('CHECKSUM_MISMATCH')
      const good = memoryContext()
      fs.copyFileSync(bundle + '.snapshot', copy + '.snapshot')
      await createProgram(good).parseAsync(['node', 'pybundle', 'verify', copy], { from: 'node' })
      expect(good.exitCode).toBe(0)
      expect(good.out).toMatch(/snapshot .*: ok, Pyodide 314\./)
      fs.writeFileSync(copy + '.snapshot', bad)
      const { result, warnings } = await run({ bundle: copy })
      expect(warnings).toHaveLength(1)
      expect(warnings[0]).toMatch(/not restored: .*CHECKSUM_MISMATCH.*; starting normally$/)
      expect(result[0].shapes).toBe(false)
    } finally {
      fs.rmSync(dir, { recursive: true, force: true })
    }
  }, 300_000)

  it('damaged, given as bytes: checked whole before the start, the caller\'s bytes untouched', async () => {
    const bad = new Uint8Array(snapshotBytes)
    bad[bad.length - 1000] ^= 0x40
    const before = new Uint8Array(bad)
    const { result, warnings } = await run({ snapshot: bad })
    expect(warnings).toHaveLength(1)
    expect(warnings[0]).toMatch(/given as bytes not restored: .*CHECKSUM_MISMATCH.*; starting normally$/)
    expect(result[0].shapes).toBe(false)
    expect(Buffer.compare(bad, before)).toBe(0)
    // The file is read in two steps at startup: the header and description first, the snapshot's own bytes later.
    const head = readSnapshotHead(bad)
    expect(head.info.pyodideVersion).toBe(PYODIDE_VERSION)
    const late = await checkSnapshotLater(head)
    expect(late?.code).toBe('CHECKSUM_MISMATCH')
    expect(late?.offset).toBe(head.snapshotOffset)
    expect(await checkSnapshotLater(readSnapshotHead(snapshotBytes))).toBeUndefined()
  }, 300_000)

  it('after a restore the caller\'s stdout, stderr and stdin are Python\'s; stdLibURL or packages mean a normal start', async () => {
    const out: string[] = []
    const err: string[] = []
    const input = ['first line']
    const warnings: string[] = []
    const py = await loadPyodideWithBundle({ bundle, stdout: (s) => out.push(s), stderr: (s) => err.push(s), stdin: () => input.shift() ?? null, onWarning: (m) => warnings.push(m) })
    expect(warnings).toEqual([])
    expect(py.runPython("import sys; 'shapes' in sys.modules")).toBe(true) // restored
    py.runPython("import sys; print('to stdout'); print('to stderr', file=sys.stderr); print('read', input())")
    expect(out).toEqual(['to stdout', 'read first line'])
    expect(err).toEqual(['to stderr'])
    const zip = path.join(path.dirname(require.resolve('pyodide/package.json')), 'python_stdlib.zip')
    const { result, warnings: w2 } = await run({ stdLibURL: zip })
    expect(w2).toHaveLength(1)
    expect(w2[0]).toMatch(/not restored: stdLibURL given .*; starting normally$/)
    expect(result[0].shapes).toBe(false)
  }, 300_000)

  it('PYTHONHASHSEED given: starts normally (the hash secret is fixed once the interpreter started)', async () => {
    const { result, warnings } = await run({ env: { FOO: 'bar', PYTHONHASHSEED: '0' } })
    expect(warnings).toHaveLength(1)
    expect(warnings[0]).toContain('PYTHONHASHSEED')
    expect(result[0].shapes).toBe(false)
  }, 300_000)

  it('random is seeded per process after a restore', () => {
    const child = path.join(FIXTURES, '..', 'py', 'snapshot-child.mjs')
    const runs = [0, 1].map(() => {
      const r = spawnSync(process.execPath, [child, bundle], { encoding: 'utf8', cwd: ROOT })
      expect(r.status, r.stderr).toBe(0)
      return JSON.parse(r.stdout.trim().split('\n').pop()!) as { restored: boolean; random: number[]; argv: string[] }
    })
    expect(runs.map((r) => r.restored)).toEqual([true, true])
    // No args given: [''], as in a normal start (the snapshot was made with other args).
    expect(runs[0].argv).toEqual([''])
    expect(runs[0].random).not.toEqual(runs[1].random)
  }, 300_000)
})
