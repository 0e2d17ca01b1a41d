/**
 * [modules] sources = true stores the bytes that were compiled: the compile
 * step's own read, not a second read that an edit in between could change.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { buildBundle, type BundleInput } from '@pybundle/bundler'

describe('sources = true', () => {
  it('stores the bytes compiled even when the file is edited after the compile step read it', async () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'pybundle-sources-'))
    const file = path.join(root, 'src', 'p', '__init__.py')
    fs.mkdirSync(path.dirname(file), { recursive: true })
    fs.writeFileSync(file, 'X = 1\n')
    const m = path.join(root, 'm.toml')
    fs.writeFileSync(m, '[bundle]\npython = "python3"\n[modules]\npaths = ["src"]\ninclude = ["p"]\nsources = true\n')
    let input: BundleInput | undefined
    let edited = false
    await buildBundle(m, {
      jobs: 1,
      output: path.join(root, 'out.pyb'),
      // 'convert' starts once compilation (and its racy-mtime recheck) is over: an edit now is after the read.
      onProgress: (p) => { if (p.phase === 'convert' && !edited) { edited = true; fs.writeFileSync(file, 'X = 22222\n') } },
      onBundleInput: (i) => { input = i },
    })
    expect(edited).toBe(true)
    const p = input!.modules.find((mod) => mod.name === 'p')!
    expect(Buffer.from(p.sourceBytes!).toString()).toBe('X = 1\n')
    expect(p.source?.size).toBe(p.sourceBytes!.length)
    // The code object is the first text's: its constants hold 1, not 22222.
    expect(JSON.stringify(p.code, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v))).not.toContain('22222')
  })
})
