/**
 * Issue 11 §4: the stamp a bundle records for a module (source size, mtime,
 * xxh64) belongs to the bytes that were compiled, so an edit racing the build
 * never yields a bundle that a staleness check calls fresh while its code is
 * the old one. The edits are injected at fixed points (a hook right after
 * pybundle read a source; an interpreter wrapper that edits the sources the
 * moment compile.py starts), never by a timer.
 */
import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import xxhash from 'xxhash-wasm'
import { afterAll, describe, expect, it } from 'vitest'
import { buildBundle, compileModules, createInterpreter } from '@pybundle/bundler'
import { PyBundleError } from '@pybundle/errors'
import { openBundle } from '@pybundle/loader'

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'pybundle-stamps-'))
afterAll(() => fs.rmSync(root, { recursive: true, force: true }))
let n = 0
const freshDir = () => fs.mkdtempSync(path.join(root, `d${n++}-`))

const OLD = 'VALUE = 111111\n'
const NEW = 'VALUE = 2222222222\n# edited\n'

/** co_consts of marshal data, as python3 sees them. */
function consts(marshal: Uint8Array): string {
  return execFileSync('python3', ['-c', 'import marshal, sys; print(marshal.loads(sys.stdin.buffer.read()).co_consts)'], { input: marshal, encoding: 'utf8' }).trim()
}

/**
 * The staleness check the stamp is for: fresh when size, mtime and hash all
 * match the file as it is now. A bundle is only wrong if it calls stale code fresh.
 */
async function calledFresh(stamp: { size: number; mtimeNs: bigint; hash: bigint }, file: string): Promise<boolean> {
  const { h64Raw } = await xxhash()
  const bytes = fs.readFileSync(file)
  const st = fs.statSync(file, { bigint: true })
  return stamp.size === bytes.length && stamp.mtimeNs === st.mtimeNs && stamp.hash === h64Raw(bytes, 0n)
}

describe('source stamps', () => {
  it('an edit right after the source was read: the code and the stamp are both of the bytes read', async () => {
    const dir = freshDir()
    const file = path.join(dir, 'a.py')
    fs.writeFileSync(file, OLD)
    const { h64Raw } = await xxhash()
    const [r] = await compileModules(createInterpreter('python3'), [{ file, kind: 'source' }], {
      optimize: 0,
      onSourceRead: () => fs.writeFileSync(file, NEW),
    })
    expect(r.ok).toBe(true)
    if (!r.ok) return
    expect(consts(r.marshal)).toContain('111111')
    expect(r.source).toMatchObject({ size: OLD.length, hash: h64Raw(Buffer.from(OLD), 0n) })
    expect(await calledFresh(r.source!, file)).toBe(false)
  })

  it('an edit the moment compile.py starts (interpreter wrapper): the bundle never calls stale code fresh', async () => {
    const dir = freshDir()
    fs.mkdirSync(path.join(dir, 'src'))
    const names = Array.from({ length: 12 }, (_, i) => `m${i}`)
    for (const m of names) fs.writeFileSync(path.join(dir, 'src', `${m}.py`), OLD)
    // The wrapper rewrites every source, then runs the real compiler.
    fs.writeFileSync(path.join(dir, 'python'), `#!/bin/sh
case "$1" in *compile.py) for f in "$(dirname "$0")"/src/*.py; do printf '${NEW.replace(/\n/g, '\\n')}' > "$f"; done ;; esac
exec python3 "$@"
`, { mode: 0o755 })
    fs.writeFileSync(path.join(dir, 'm.toml'), `[bundle]\npython = "./python"\n[modules]\npaths = ["src"]\ninclude = [${names.map((m) => `"${m}"`).join(', ')}]\n`)
    const s = await buildBundle(path.join(dir, 'm.toml'))
    expect(fs.readFileSync(path.join(dir, 'src', 'm0.py'), 'utf8')).toBe(NEW) // the edit did land
    const { h64Raw } = await xxhash()
    const b = openBundle(s.output)
    try {
      for (const m of names) {
        const mod = b.getModule(m)!
        const code = consts(b.toPyc(m).subarray(16))
        const compiledFrom = code.includes('111111') ? OLD : NEW
        // The stamp describes exactly the bytes compiled ...
        expect({ m, hash: mod.source.hash, size: mod.source.size }).toEqual({ m, hash: h64Raw(Buffer.from(compiledFrom), 0n), size: compiledFrom.length })
        // ... so old code is never called fresh against the edited file.
        if (compiledFrom === OLD) expect(await calledFresh(mod.source, path.join(dir, 'src', `${m}.py`))).toBe(false)
      }
    } finally {
      b.close()
    }
  })

  it('an edit that keeps size and mtime (same timestamp tick) fails the build instead of recording a stamp it matches', async () => {
    const dir = freshDir()
    const file = path.join(dir, 'a.py')
    fs.writeFileSync(file, 'VALUE = 111111\n')
    // An mtime an hour ahead is inside the racy window whatever the machine's load (a
    // recent mtime is too, but only while the build is quick); the edit keeps it.
    const ahead = BigInt(Date.now() + 3_600_000) * 1_000_000n
    execFileSync('python3', ['-c', 'import os, sys; os.utime(sys.argv[1], ns=(int(sys.argv[2]), int(sys.argv[2])))', file, String(ahead)])
    const e = await compileModules(createInterpreter('python3'), [{ file, kind: 'source' }], {
      optimize: 0,
      onSourceRead: () => {
        const st = fs.statSync(file, { bigint: true })
        fs.writeFileSync(file, 'VALUE = 999999\n') // same size
        // Put the mtime back to the nanosecond: what an edit within one clock tick looks like.
        execFileSync('python3', ['-c', 'import os, sys; os.utime(sys.argv[1], ns=(int(sys.argv[2]), int(sys.argv[3])))', file, String(st.atimeNs), String(st.mtimeNs)])
      },
    }).then(() => null, (x) => x)
    expect(e).toBeInstanceOf(PyBundleError)
    expect(e.code).toBe('IO')
    expect(e.message).toMatch(/a\.py changed during the build without changing its size or mtime/)
  })

  it('a source that cannot be read is a per-module failure, as a syntax error is', async () => {
    const dir = freshDir()
    const missing = path.join(dir, 'gone.py')
    const [r] = await compileModules(createInterpreter('python3'), [{ file: missing, kind: 'source' }], { optimize: 0 })
    expect(r).toMatchObject({ ok: false, error: { type: 'FileNotFoundError', file: missing } })
  })
})
