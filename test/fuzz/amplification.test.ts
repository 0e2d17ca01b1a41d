/**
 * Issue 6 §1 "no allocation driven by a forged size beyond what the file can
 * hold", for sharing instead of sizes: constants may be shared (a tuple entry
 * names an earlier CNST entry, §9.2), so a file of N records can describe a
 * DAG with 2^N paths. Emitting it as a tree (no marshal refs) would allocate
 * exponentially from a 1 KB file. The loader must emit shared constants by
 * reference (as CPython's marshal does for shared objects) or stop with
 * LIMIT_EXCEEDED; either way in bounded time and memory. Runs in a child with a
 * heap cap and a timeout so a failure is a failure, not a hung test run.
 */
import { spawnSync } from 'node:child_process'
import { resolve } from 'node:path'
import { describe, expect, it } from 'vitest'

describe('constant-sharing amplification', () => {
  it('a 1 KB bundle whose constants double 30 times: emitted in bounded time and memory', () => {
    const r = spawnSync(process.execPath, ['--max-old-space-size=512', resolve('test/fuzz/lib/amplify-child.mjs'), '30'], { encoding: 'utf8', timeout: 300_000 }) // a hang bound, not a speed test: the doubling done eagerly never ends
    console.log(`amplification: status ${r.status} signal ${r.signal} ${r.stdout.trim()} ${r.stderr.split('\n').filter((l) => /heap|Error/.test(l)).slice(0, 2).join(' ')}`)
    expect(r.signal, 'killed: hang (timeout) or crash').toBeNull()
    expect(r.status, r.stderr.slice(-2000)).toBe(0)
    const out = JSON.parse(r.stdout.trim().split('\n').at(-1) ?? '{}')
    expect(out.verifyOk).toBe(true)
    for (const step of ['toMarshal', 'toPyc']) {
      const v = out[step]
      if (typeof v === 'number') expect(v, step).toBeLessThan(64 * out.file + (1 << 20))
      else expect(v, step).toBe('LIMIT_EXCEEDED')
    }
  })
})
