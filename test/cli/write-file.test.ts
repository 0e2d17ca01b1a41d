/**
 * Temporary files of the atomic writer: a later write of the same output deletes
 * those of writers that are gone (a SIGKILLed build), never those of a live one.
 */
import { spawn, spawnSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { writeFileAtomic } from '@pybundle/bundler'
import { tempDir } from './helpers.js'

describe('writeFileAtomic and stale temporary files', () => {
  it('removes .<name>.<dead pid>.<hex>.tmp of the same output, keeps a live pid\'s and other outputs\'', async () => {
    const dir = tempDir()
    const dead = spawnSync(process.execPath, ['-e', '0']).pid!
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
