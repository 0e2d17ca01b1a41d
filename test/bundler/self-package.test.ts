/**
 * A module file that makes itself a package while it runs (six sets
 * `__spec__.submodule_search_locations = []` so that its `six.moves` importer
 * works) is a module on disk: traced, it is bundled as `name.py`, not as a
 * package whose folder would be the whole site-packages folder around it.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { buildBundle } from '@pybundle/bundler'
import { openBundle } from '@pybundle/loader'

describe('trace: a module that declares itself a package at run time', () => {
  it('is bundled as a module with its own file path', async () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'pybundle-selfpkg-'))
    fs.mkdirSync(path.join(root, 'src'))
    fs.writeFileSync(path.join(root, 'src', 'selfpkg.py'), [
      '__path__ = []',
      'if globals().get("__spec__") is not None:',
      '    __spec__.submodule_search_locations = []',
      'VALUE = 1',
      '',
    ].join('\n'))
    fs.writeFileSync(path.join(root, 'src', 'neighbour.txt'), 'not selfpkg\'s data\n')
    fs.writeFileSync(path.join(root, 'm.toml'), '[bundle]\npython = "python3"\n[modules]\npaths = ["src"]\ntrace = ["-c", "import selfpkg"]\n')
    const s = await buildBundle(path.join(root, 'm.toml'))
    const b = openBundle(s.output)
    try {
      const m = b.getModule('selfpkg')!
      expect(m).toBeDefined()
      expect(m.isPackage).toBe(false)
      expect(m.path).toBe('selfpkg.py')
    } finally {
      b.close()
    }
  })
})
