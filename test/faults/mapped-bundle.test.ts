/**
 * Issue 6 §4: bundles in use.
 *
 * - A bundle replaced by a rebuild (written to a temp file and renamed over the
 *   path) while a process has the old one mapped keeps working in that process:
 *   the mapping holds the old inode, which lives until it is unmapped.
 * - No pybundle command writes a bundle in place: a rebuild gives the path a new
 *   inode, and inspect/verify/extract leave the bundle's bytes, inode and mtime
 *   alone.
 * - Truncating a mapped file IN PLACE (truncate(2), `> file`, `cp new file`,
 *   an editor that rewrites in place) is the one thing that cannot be survived:
 *   the kernel raises SIGBUS in the process on its next access to a page past
 *   the new end, and no JavaScript handler can turn that into an error. This is
 *   why every pybundle writer goes through temp file + rename, and why tools
 *   that replace a bundle must do the same (cp --remove-destination, install(1),
 *   mv, rsync without --inplace). The last test shows the SIGBUS in a child.
 */
import { spawnSync } from 'node:child_process'
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, statSync, writeFileSync, writeSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { PyBundleError } from '@pybundle/errors'
import { CodeView, openBundle } from '@pybundle/loader'
import { pybundle } from './helpers.js'
// @ts-expect-error plain ESM harness
import { Rng } from '../fuzz/lib/rng.mjs'

let dir: string
const bundle = () => join(dir, 'app.pyb')

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'pybundle-mapped-'))
  writeFileSync(join(dir, 'v1.toml'), '[bundle]\noutput = "app.pyb"\npython = "python3"\n\n[modules]\ninclude = ["json.*"]\n')
  writeFileSync(join(dir, 'v2.toml'), '[bundle]\noutput = "app.pyb"\npython = "python3"\n\n[modules]\ninclude = ["textwrap", "colorsys"]\n')
  const r = pybundle(['build', 'v1.toml', '-q'], dir)
  expect(r.code, r.stderr).toBe(0)
})
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('a mapped bundle', () => {
  it('keeps working in the process that mapped it when a rebuild renames a new bundle over it', () => {
    const old = openBundle(bundle())
    const names = [...old.moduleNames()]
    const pycs = names.map((n) => (old.getModule(n)?.isNamespace ? null : old.toPyc(n)))
    const ino = statSync(bundle()).ino

    const r = pybundle(['build', 'v2.toml', '-q'], dir)
    expect(r.code, r.stderr).toBe(0)
    expect(statSync(bundle()).ino, 'the rebuild wrote the bundle in place').not.toBe(ino)

    // The old mapping still reads the old bundle, completely and correctly.
    expect(old.verify().ok).toBe(true)
    expect([...old.moduleNames()]).toEqual(names)
    names.forEach((n, i) => {
      if (pycs[i]) expect(Buffer.compare(Buffer.from(old.toPyc(n)), Buffer.from(pycs[i]))).toBe(0)
    })
    for (const m of old.modules()) m.code?.materialize()
    // A new open sees the new bundle.
    const fresh = openBundle(bundle())
    expect(fresh.has('textwrap')).toBe(true)
    expect(fresh.has('json')).toBe(false)
    fresh.close()
    old.close()
  })

  it('no pybundle command writes a bundle in place: rebuild changes the inode; inspect/verify/extract change nothing', () => {
    const before = statSync(bundle())
    const bytes = readFileSync(bundle())
    for (const args of [['inspect', 'app.pyb'], ['inspect', 'app.pyb', '--json'], ['verify', 'app.pyb'], ['extract', 'app.pyb', '--out', 'x', '-q']]) {
      const r = pybundle(args, dir)
      expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(0)
      const now = statSync(bundle())
      expect([now.ino, now.mtimeMs, now.size], args.join(' ')).toEqual([before.ino, before.mtimeMs, before.size])
      expect(Buffer.compare(readFileSync(bundle()), bytes), args.join(' ')).toBe(0)
    }
    // Rebuilding the same manifest twice: a new inode every time, same bytes (deterministic).
    const r1 = pybundle(['build', 'v2.toml', '-q'], dir)
    expect(r1.code, r1.stderr).toBe(0)
    const after = statSync(bundle())
    expect(after.ino).not.toBe(before.ino)
    expect(Buffer.compare(readFileSync(bundle()), bytes)).toBe(0)
    // -o onto an existing path: also by rename.
    const r2 = pybundle(['build', 'v1.toml', '-q', '-o', 'app.pyb'], dir)
    expect(r2.code, r2.stderr).toBe(0)
    expect(statSync(bundle()).ino).not.toBe(after.ino)
  })

  it('bytes overwritten in place under a live mapping (same size): reads fail only with PyBundleError', () => {
    const victim = join(dir, 'overwritten.pyb')
    const good = readFileSync(bundle())
    writeFileSync(victim, good)
    const b = openBundle(victim)
    const names = [...b.moduleNames()]
    const rng = new Rng(6, 42)
    const foreign: string[] = []
    let codes = 0
    const attempt = (fn: () => unknown) => {
      try {
        fn()
      } catch (e) {
        if (e instanceof PyBundleError) codes++
        else foreign.push(String((e as Error)?.stack ?? e))
      }
    }
    const walk = (cv: CodeView, depth: number) => {
      if (depth > 50) return
      attempt(() => [cv.name, cv.filename, cv.qualname, cv.bytecode.length, cv.names.toArray()])
      attempt(() => {
        for (const v of cv.consts) if (v instanceof CodeView) walk(v, depth + 1)
      })
      attempt(() => cv.toMarshal())
    }
    const fd = openSync(victim, 'r+')
    try {
      for (let round = 0; round < 60; round++) {
        // Scribble over the live file (MAP_SHARED: the mapping sees it at once), then read everything.
        const bytes = Buffer.from(good)
        for (let i = 0, n = 1 + rng.int(64); i < n; i++) bytes[rng.int(bytes.length)] = rng.int(256)
        writeSync(fd, bytes, 0, bytes.length, 0)
        attempt(() => b.verify())
        for (const n of names) {
          attempt(() => b.toPyc(n))
          attempt(() => {
            const code = b.getModule(n)?.code
            if (code) walk(code, 0)
          })
        }
        attempt(() => [...b.moduleNames()])
      }
    } finally {
      closeSync(fd)
      b.close()
    }
    console.log(`in-place overwrites under a mapping: ${codes} PyBundleErrors, ${foreign.length} foreign`)
    expect(foreign.slice(0, 3)).toEqual([])
  })

  it('documents: truncating a mapped bundle in place kills the reader with SIGBUS (why nothing may write in place)', () => {
    const victim = join(dir, 'victim.pyb')
    writeFileSync(victim, readFileSync(bundle()))
    // The child maps the bundle, truncates the file under its own mapping, then reads.
    const script = `
      import { truncateSync } from 'node:fs'
      import { openBundle } from '@pybundle/loader'
      const b = openBundle(${JSON.stringify(victim)})
      truncateSync(${JSON.stringify(victim)}, 0)
      let n = 0
      for (const m of b.modules()) n += m.code ? m.code.materialize().code.length : 0
      b.verify()
      console.log('survived', n)
    `
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { cwd: resolve('.'), encoding: 'utf8' })
    expect(r.signal, `stdout ${r.stdout} stderr ${r.stderr}`).toBe('SIGBUS')
  })
})
