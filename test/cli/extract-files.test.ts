/**
 * `pybundle extract` writes package data next to the .pyc files, distribution
 * metadata at the top of --out (as site-packages lays them out) and, with
 * --sources, the .py files; these go through the same plan checks as modules.
 * Bundles are written from BundleInput (test/loader/fixtures.ts), so the cases
 * a build never produces (a data file where a sub-package's folder must be)
 * can be tried too.
 */
import fs from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { writeBundle, type BundleInput } from '@pybundle/bundler'
import { PY311, code, module } from '../loader/fixtures.js'
import { cli, tempDir } from './helpers.js'

const enc = new TextEncoder()
const body = (name: string) => code('3.11', { name: '<module>', filename: `${name}.py` })

function input(extra: Partial<BundleInput> = {}): BundleInput {
  return {
    python: PY311,
    optimize: 0,
    modules: [
      module('app', body('app'), { isPackage: true, path: 'app/__init__.py', sourceBytes: enc.encode('# app\n') }),
      module('app.sub', body('app.sub'), { isPackage: true, path: 'app/sub/__init__.py' }),
      module('app.main', body('app.main'), { sourceBytes: enc.encode('print("main")\n') }),
      module('other', body('other'), { sourceBytes: enc.encode('X = 1\n') }),
    ],
    data: [
      { package: 'app', path: 'templates/page.html', bytes: enc.encode('<p>{{ x }}</p>\n') },
      { package: 'app', path: 'config.yaml', bytes: enc.encode('a: 1\n') },
      { package: 'app.sub', path: 'x.txt', bytes: enc.encode('x\n') },
    ],
    distributions: [
      { name: 'app-1.0.dist-info', files: [
        { path: 'METADATA', bytes: enc.encode('Metadata-Version: 2.1\nName: app\nVersion: 1.0\n') },
        { path: 'top_level.txt', bytes: enc.encode('app\n') },
      ] },
      { name: 'other-2.0.egg-info', isFile: true, files: [{ path: 'PKG-INFO', bytes: enc.encode('Metadata-Version: 1.0\nName: other\nVersion: 2.0\n') }] },
    ],
    ...extra,
  }
}

async function bundleFile(dir: string, inp: BundleInput): Promise<string> {
  const file = path.join(dir, 'b.pyb')
  fs.writeFileSync(file, await writeBundle(inp))
  return file
}

const read = (p: string) => fs.readFileSync(p, 'utf8')

describe('extract: package data, distribution metadata, sources', () => {
  it('writes data beside the .pyc files and metadata at the top of --out; sourceless unless --sources', async () => {
    const dir = tempDir()
    const file = await bundleFile(dir, input())
    const out = path.join(dir, 'out')
    const r = await cli('extract', file, '--out', out, '--json')
    expect(r.err).toBe('')
    expect(r.code).toBe(0)
    expect(read(path.join(out, 'app/templates/page.html'))).toBe('<p>{{ x }}</p>\n')
    expect(read(path.join(out, 'app/config.yaml'))).toBe('a: 1\n')
    expect(read(path.join(out, 'app/sub/x.txt'))).toBe('x\n')
    expect(read(path.join(out, 'app-1.0.dist-info/METADATA'))).toContain('Name: app')
    expect(read(path.join(out, 'other-2.0.egg-info'))).toContain('Name: other') // an old-style egg-info file
    expect(fs.existsSync(path.join(out, 'app/main.py'))).toBe(false)
    const j = JSON.parse(r.out)
    expect(j.data).toEqual({ files: 3, bytes: 15 + 5 + 2 })
    expect(j.metadata.distributions).toBe(2)
    expect(j.sources).toBeNull()
    expect(j.files.find((f: { path: string }) => f.path === 'app/sub/x.txt').from).toEqual({ kind: 'data', package: 'app.sub', path: 'x.txt' })

    const text = await cli('extract', file, '--out', path.join(dir, 'out-text'))
    expect(text.out).toMatch(/and 3 data files \(22 B\), the metadata of 2 distributions \(3 files, /)
  })

  it('--sources writes each stored .py; --module takes only its packages\' data and the distributions that provide them', async () => {
    const dir = tempDir()
    const file = await bundleFile(dir, input())
    const out = path.join(dir, 'out')
    const r = await cli('extract', file, '--out', out, '--module', 'app', 'app.main', '--sources', '--json')
    expect(r.code).toBe(0)
    expect(read(path.join(out, 'app/__init__.py'))).toBe('# app\n')
    expect(read(path.join(out, 'app/main.py'))).toBe('print("main")\n')
    expect(fs.existsSync(path.join(out, 'app/sub/x.txt'))).toBe(false) // app.sub not selected
    expect(fs.existsSync(path.join(out, 'other.py'))).toBe(false)
    expect(fs.existsSync(path.join(out, 'app-1.0.dist-info/METADATA'))).toBe(true)
    expect(fs.existsSync(path.join(out, 'other-2.0.egg-info'))).toBe(false)
    expect(JSON.parse(r.out).sources).toEqual({ files: 2, bytes: 6 + 14 })
  })

  it('a data file where a module needs a folder, or on one path case-folded, is refused before anything is written (exit 3)', async () => {
    let tried = 0
    let refusedByWriter = 0
    for (const [data, other] of [
      [{ package: 'app', path: 'sub', bytes: enc.encode('file, not folder') }, 'module "app.sub"'],
      [{ package: 'app', path: 'Config.yaml', bytes: enc.encode('b: 2\n') }, 'data file "config.yaml" of package "app"'],
    ] as const) {
      tried++
      const dir = tempDir()
      const inp = input()
      inp.data = [...inp.data!, data]
      let file: string
      try {
        file = await bundleFile(dir, inp)
      } catch {
        refusedByWriter++ // the writer refuses it already: nothing to extract
        continue
      }
      const out = path.join(dir, 'out')
      const r = await cli('extract', file, '--out', out)
      expect(r.code, r.err).toBe(3)
      expect(r.err).toContain(other)
      expect(fs.existsSync(out)).toBe(false)
    }
    expect(refusedByWriter).toBeLessThan(tried) // at least one case reached extract
  })
})
