/**
 * `pybundle wire` (SPEC §18): writes <file>.wire beside the bundle, which
 * decodes to the bundle byte for byte; --decode gives the bundle back; verify
 * and inspect accept a wire file; damaged input is refused with exit 3 and
 * nothing written.
 */
import fs from 'node:fs'
import path from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { decodeWire, isWire } from '@pybundle/loader'
// @ts-expect-error plain ESM helpers shared with the fuzzers
import { bundleOf, compileWith, interpreters } from '../fuzz/lib/seeds.mjs'
import { cli, tempDir } from './helpers.js'

const pys: { minor: number; exe: string }[] = interpreters()
const main = pys.find((p) => p.minor === 11) ?? pys[pys.length - 1]
if (!main) console.log('wire CLI: no python3 interpreter here; skipped')

let dir = ''
let pyb = ''
let bytes: Uint8Array

beforeAll(async () => {
  if (!main) return
  dir = tempDir('pybundle-wire-')
  pyb = path.join(dir, 'app.pyb')
  bytes = await bundleOf(main.minor, compileWith(main.exe, ['json', 'json.decoder', 'textwrap', 'string'].map((name) => ({ name }))).modules)
  fs.writeFileSync(pyb, bytes)
}, 60_000)

describe.skipIf(!main)('pybundle wire', () => {
  it('writes <file>.wire, which decodes to the bundle; --json reports the sizes', async () => {
    const r = await cli('wire', pyb)
    expect(r.err).toBe('')
    expect(r.code).toBe(0)
    expect(r.out).toMatch(/^wrote .*app\.pyb\.wire .*brotli 9: .* against .* for the \.pyb/)
    const wire = new Uint8Array(fs.readFileSync(pyb + '.wire'))
    expect(isWire(wire)).toBe(true)
    expect(Buffer.from(decodeWire(wire)).equals(Buffer.from(bytes))).toBe(true)
    const j = await cli('wire', pyb, '-o', path.join(dir, 'other.wire'), '--json')
    expect(j.code).toBe(0)
    const report = JSON.parse(j.out)
    expect(report).toMatchObject({ bundleBytes: bytes.length, wireBytes: wire.length, out: path.join(dir, 'other.wire') })
    expect(report.brotli9.wire).toBeLessThan(report.brotli9.bundle)
  })

  it('verify and inspect accept the wire file; --decode gives the bundle back', async () => {
    await cli('wire', pyb)
    const v = await cli('verify', pyb + '.wire')
    expect(v.code).toBe(0)
    expect(v.out).toMatch(/app\.pyb\.wire: ok \(/)
    const i = await cli('inspect', pyb + '.wire', '--json')
    expect(i.code).toBe(0)
    expect(JSON.parse(i.out).modules.length).toBe(4)
    const back = path.join(dir, 'back.pyb')
    const d = await cli('wire', pyb + '.wire', '--decode', '-o', back)
    expect(d.code).toBe(0)
    expect(Buffer.from(fs.readFileSync(back)).equals(Buffer.from(bytes))).toBe(true)
  })

  it('refuses a wire file as input, a damaged bundle, a truncated wire file and a missing file', async () => {
    await cli('wire', pyb)
    const again = await cli('wire', pyb + '.wire')
    expect(again.code).toBe(3)
    expect(again.err).toMatch(/is a wire file already/)

    const bad = path.join(dir, 'bad.pyb')
    const b = bytes.slice()
    b[b.length - 100] ^= 0xff // inside the last section: its checksum no longer matches
    fs.writeFileSync(bad, b)
    const damaged = await cli('wire', bad)
    expect(damaged.code).toBe(3)
    expect(damaged.err).toMatch(/CHECKSUM_MISMATCH.*not writing its wire form/)
    expect(fs.existsSync(bad + '.wire')).toBe(false)

    const cut = path.join(dir, 'cut.wire')
    fs.writeFileSync(cut, fs.readFileSync(pyb + '.wire').subarray(0, 3000))
    const v = await cli('verify', cut)
    expect(v.code).toBe(3)
    expect(v.err).toMatch(/\[TRUNCATED\] wire file/)
    const d = await cli('wire', cut, '--decode')
    expect(d.code).toBe(3)
    expect(fs.existsSync(path.join(dir, 'cut'))).toBe(false)

    const missing = await cli('wire', path.join(dir, 'nothing.pyb'))
    expect(missing.code).toBe(2)
  })

  it('has help with examples and exit codes, and is listed by pybundle --help', async () => {
    const r = await cli('wire', '--help')
    expect(r.code).toBe(0)
    expect(r.out).toMatch(/Examples:/)
    expect(r.out).toMatch(/Exit status/)
    expect((await cli('--help')).out).toMatch(/\bwire\b/)
  })
})
