/**
 * openBundle(path) on paths that are not regular files: each must fail with a
 * PyBundleError promptly. Each open runs in a child process with a timeout,
 * because a FIFO opened for reading blocks until a writer appears, which would
 * hang the host process forever.
 */
import { execFileSync, spawnSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

let dir: string
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'pybundle-open-paths-'))
  mkdirSync(join(dir, 'folder.pyb'))
  writeFileSync(join(dir, 'empty.pyb'), '')
  execFileSync('mkfifo', [join(dir, 'fifo.pyb')])
})
afterAll(() => rmSync(dir, { recursive: true, force: true }))

function openInChild(path: string) {
  const script = `
    import { openBundle } from '@pybundle/loader'
    try { openBundle(${JSON.stringify(path)}); console.log(JSON.stringify({ opened: true })) }
    catch (e) { console.log(JSON.stringify({ name: e?.name, code: e?.code, message: e?.message })) }
  `
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { cwd: resolve('.'), encoding: 'utf8', timeout: 120_000 }) // a hang bound (the FIFO), generous for a busy machine
  return { signal: r.signal, out: r.stdout.trim() ? JSON.parse(r.stdout.trim()) : null, stderr: r.stderr }
}

describe('openBundle on paths that are not bundles', () => {
  const cases: [string, () => string, RegExp][] = [
    ['a missing file', () => join(dir, 'missing.pyb'), /^IO$/],
    ['a folder', () => join(dir, 'folder.pyb'), /^IO$/],
    ['an empty file', () => join(dir, 'empty.pyb'), /^TRUNCATED$/],
    ['/dev/zero', () => '/dev/zero', /^(IO|TRUNCATED)$/],
    ['a FIFO (would block forever in open(2))', () => join(dir, 'fifo.pyb'), /^IO$/],
  ]
  for (const [what, path, code] of cases) {
    it(`${what}: a PyBundleError, promptly`, () => {
      const r = openInChild(path())
      expect(r.signal, `${what}: the open hung (killed after 10 s)`).toBeNull()
      expect(r.out?.name, r.stderr).toBe('PyBundleError')
      expect(r.out.code).toMatch(code)
      if (what === 'a folder') expect(r.out.message).toMatch(/folder|directory/i)
    })
  }
})
