/**
 * Issue 11 §5 (build) and §7: a build never writes over what it reads (the
 * manifest, a source, the traced script; by path, hard link or symbolic link),
 * and a manifest that is not a small regular UTF-8 file is refused at once.
 * Every case goes through the CLI: exit 2, one line, the input byte-identical.
 */
import { spawn } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { MAX_MANIFEST_BYTES } from '@pybundle/bundler'
import { memoryContext, run } from '@pybundle/cli'

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'pybundle-inout-'))
afterAll(() => fs.rmSync(root, { recursive: true, force: true }))
let n = 0

async function cli(...args: string[]): Promise<{ code: number; err: string }> {
  const ctx = memoryContext()
  const code = await run(['node', 'pybundle', ...args], ctx)
  return { code, err: ctx.err }
}

function expectOneLine(err: string): void {
  const lines = err.split('\n').filter((l) => l !== '')
  expect(lines, err).toHaveLength(1)
  expect(lines[0]).toMatch(/^pybundle: error: /)
}

/** A project: src/app.py, src/util.py, a manifest `m.toml` with `bundle` lines. */
function project(bundle: string, modules = 'paths = ["src"]\ninclude = ["app", "util"]'): string {
  const dir = path.join(root, `p${n++}`)
  fs.mkdirSync(path.join(dir, 'src'), { recursive: true })
  fs.writeFileSync(path.join(dir, 'src', 'app.py'), 'import util\n')
  fs.writeFileSync(path.join(dir, 'src', 'util.py'), 'X = 1\n')
  fs.writeFileSync(path.join(dir, 'main.py'), 'import json\n')
  fs.writeFileSync(path.join(dir, 'm.toml'), `[bundle]\n${bundle}\n[modules]\n${modules}\n`)
  return dir
}

/** Every file under dir with its bytes. */
function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {}
  for (const f of fs.readdirSync(dir, { recursive: true }) as string[]) {
    const p = path.join(dir, f)
    if (fs.lstatSync(p).isFile()) out[f] = fs.readFileSync(p, 'base64')
  }
  return out
}

describe('an output that is an input is refused before anything is written', () => {
  const cases: [string, (dir: string) => { bundle?: string; args?: string[]; modules?: string }, RegExp][] = [
    ['[bundle] output = the manifest', () => ({ bundle: 'output = "m.toml"' }), /is the manifest/],
    ['-o the manifest', (d) => ({ args: ['-o', path.join(d, 'm.toml')] }), /is the manifest/],
    ['-o a hard link to the manifest', (d) => (fs.linkSync(path.join(d, 'm.toml'), path.join(d, 'link.pyb')), { args: ['-o', path.join(d, 'link.pyb')] }), /is the manifest .*the same file by a link/],
    ['[bundle] output = a source file', () => ({ bundle: 'output = "src/util.py"' }), /is the source of module util/],
    ['-o a hard link to a source', (d) => (fs.linkSync(path.join(d, 'src', 'app.py'), path.join(d, 'app.pyb')), { args: ['-o', path.join(d, 'app.pyb')] }), /is the source of module app .*by a link/],
    ['-o a symbolic link to a source', (d) => (fs.symlinkSync(path.join(d, 'src', 'util.py'), path.join(d, 'u.pyb')), { args: ['-o', path.join(d, 'u.pyb')] }), /is the source of module util/],
    ['[bundle] output = the traced script', () => ({ bundle: 'output = "main.py"', modules: 'trace = ["main.py"]' }), /is the script \[modules\] trace runs/],
  ]
  for (const [what, make, message] of cases) {
    it(`${what}: exit 2, inputs untouched`, async () => {
      const dir = project('')
      const c = make(dir)
      if (c.bundle !== undefined || c.modules !== undefined) {
        fs.writeFileSync(path.join(dir, 'm.toml'), `[bundle]\n${c.bundle ?? ''}\n[modules]\n${c.modules ?? 'paths = ["src"]\ninclude = ["app", "util"]'}\n`)
      }
      const before = snapshot(dir)
      const r = await cli('build', path.join(dir, 'm.toml'), ...(c.args ?? []))
      expect(r.code, r.err).toBe(2)
      expectOneLine(r.err)
      expect(r.err).toMatch(/\[IO\] the output .* would replace it/)
      expect(r.err).toMatch(message)
      expect(snapshot(dir)).toEqual(before)
    })
  }

  it('an output that is no input still builds', async () => {
    const dir = project('output = "out.pyb"')
    const r = await cli('build', path.join(dir, 'm.toml'), '-q')
    expect(r.code, r.err).toBe(0)
    expect(fs.existsSync(path.join(dir, 'out.pyb'))).toBe(true)
  })
})

describe('manifests that are not a small regular UTF-8 file', () => {
  it('a FIFO is refused at once (no writer ever comes)', async () => {
    const dir = path.join(root, `fifo${n++}`)
    fs.mkdirSync(dir)
    const fifo = path.join(dir, 'm.toml')
    const mk = await new Promise<number | null>((resolve) => spawn('mkfifo', [fifo]).on('close', resolve).on('error', () => resolve(null)))
    if (mk !== 0) {
      console.log('skipped the FIFO case: mkfifo is not available')
      return
    }
    const r = await cli('build', fifo)
    expect(r.code).toBe(2)
    expectOneLine(r.err)
    expect(r.err).toMatch(/is a FIFO \(named pipe\), not a regular file/)
  })

  it('/dev/zero is refused at once, not read', async () => {
    const r = await cli('build', '/dev/zero')
    expect(r.code).toBe(2)
    expectOneLine(r.err)
    expect(r.err).toMatch(/is a character device, not a regular file/)
  })

  it(`a file over ${MAX_MANIFEST_BYTES} bytes is refused without being read`, async () => {
    const file = path.join(root, `big${n++}.toml`)
    // Sparse: its size says 64 MiB without 64 MiB on disk; reading it all would be the bug.
    const fd = fs.openSync(file, 'w')
    fs.ftruncateSync(fd, 64 * 1024 * 1024)
    fs.closeSync(fd)
    const r = await cli('build', file)
    expect(r.code).toBe(2)
    expectOneLine(r.err)
    expect(r.err).toMatch(/larger than 1048576 bytes/)
  })

  it('invalid UTF-8 is an error naming the byte offset', async () => {
    const file = path.join(root, `latin1${n++}.toml`)
    const head = Buffer.from('[modules]\n# caf')
    fs.writeFileSync(file, Buffer.concat([head, Buffer.from([0xe9]), Buffer.from('\ninclude = ["json"]\n')]))
    const r = await cli('build', file)
    expect(r.code).toBe(2)
    expectOneLine(r.err)
    expect(r.err).toContain(`at byte offset ${head.length} (line 2)`)
    expect(r.err).toMatch(/\(at byte 15 of /)
  })

  it.each([
    [[0xc0, 0x80], 0], [[0xed, 0xa0, 0x80], 0], [[0xf4, 0x90, 0x80, 0x80], 0], [[0x61, 0xe2, 0x82], 1], [[0xe2, 0x82, 0xac, 0xff], 3],
  ])('overlongs, surrogates, code points past U+10FFFF and cut sequences are invalid: %j at %d', async (bytes, at) => {
    const file = path.join(root, `bad${n++}.toml`)
    fs.writeFileSync(file, Buffer.from(bytes))
    const r = await cli('build', file)
    expect(r.code).toBe(2)
    expect(r.err).toContain(`at byte offset ${at} `)
  })
})
