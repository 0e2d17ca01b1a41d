/**
 * Temporary files of the atomic writer: a later write of the same output deletes
 * those of writers that are gone (a SIGKILLed build), never those of a live one.
 */
import { spawn, spawnSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { replaceFile, writeFileAtomic } from '@pybundle/bundler'
// The CLI's writer (internal to it, not its API): the module itself, as built.
import { writeFileReplacing } from '../../packages/cli/dist/lib/safe-write.js'
import { tempDir } from './helpers.js'

describe('writeFileAtomic and stale temporary files', () => {
  it('removes .<name>.<dead pid>.<hex>.tmp of the same output, keeps a live pid\'s and other outputs\'', async () => {
    const dir = tempDir()
    const dead = spawnSync(process.execPath, ['-e', '0']).pid
    const live = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1 << 30)'], { stdio: 'ignore' }) // lives until killed, however slow the test
    try {
      const stale = `.out.pyb.${dead}.0123456789ab.tmp`
      const busy = `.out.pyb.${live.pid}.0123456789ab.tmp`
      const other = `.other.pyb.${dead}.0123456789ab.tmp`
      for (const f of [stale, busy, other]) fs.writeFileSync(path.join(dir, f), 'partial')
      await writeFileAtomic(path.join(dir, 'out.pyb'), Uint8Array.of(1, 2, 3))
      expect(fs.readdirSync(dir).sort()).toEqual([busy, other, 'out.pyb'].sort())
      expect([...fs.readFileSync(path.join(dir, 'out.pyb'))]).toEqual([1, 2, 3])
    } finally {
      live.kill()
    }
  })

  it('leaves no SIGINT/SIGTERM listener behind after a write', async () => {
    const before = [process.listenerCount('SIGINT'), process.listenerCount('SIGTERM')]
    await writeFileAtomic(path.join(tempDir(), 'x.pyb'), Uint8Array.of(1))
    expect([process.listenerCount('SIGINT'), process.listenerCount('SIGTERM')]).toEqual(before)
  })
})

describe('one temporary-file writer for the bundle and the CLI', () => {
  it('a CLI write and a bundler write in flight together share one SIGINT/SIGTERM handler, removed after', async () => {
    const dir = tempDir()
    const count = (): number[] => [process.listenerCount('SIGINT'), process.listenerCount('SIGTERM')]
    const before = count()
    // Both track their temporary file before their first await, so both are in flight here.
    const cli = writeFileReplacing(path.join(dir, 'report.html'), '<html></html>')
    const bundler = replaceFile(path.join(dir, 'b.bin'), Uint8Array.of(7), path.join(dir, '.b.bin.tmp'))
    expect(count()).toEqual(before.map((n) => n + 1))
    await Promise.all([cli, bundler])
    expect(count()).toEqual(before)
    expect(fs.readdirSync(dir).sort()).toEqual(['b.bin', 'report.html'])
  })

  it('replaceFile removes its temporary file and keeps the target when the rename fails', async () => {
    const dir = tempDir()
    fs.mkdirSync(path.join(dir, 'target'))
    fs.writeFileSync(path.join(dir, 'target/inside'), 'x')
    const err = await replaceFile(path.join(dir, 'target'), Uint8Array.of(1), path.join(dir, '.t.tmp')).catch((e: unknown) => e)
    expect((err as NodeJS.ErrnoException).code).toMatch(/^(EISDIR|ENOTDIR|EEXIST|ENOTEMPTY)$/)
    expect(fs.readdirSync(dir)).toEqual(['target'])
  })
})
