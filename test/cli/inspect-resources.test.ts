/**
 * `pybundle inspect` on a format-1.1 bundle with package data, distributions,
 * sources and build info: the text summary, the documented --json fields, the
 * byte regions that with the modules account for the whole file, and
 * `--module PKG` listing the package's data files.
 */
import fs from 'node:fs'
import path from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { writeBundle } from '@pybundle/bundler'
import { resourceInput } from '../loader/fixtures.js'
import { cli, tempDir } from './helpers.js'

let file: string
let plain: string

beforeAll(async () => {
  const dir = tempDir()
  file = path.join(dir, 'app.pyb')
  fs.writeFileSync(file, await writeBundle(resourceInput()))
  plain = path.join(dir, 'plain.pyb')
  const input = resourceInput()
  fs.writeFileSync(plain, await writeBundle({ python: input.python, optimize: 0, modules: input.modules.map((m) => ({ ...m, sourceBytes: undefined })) }))
})

describe('inspect: data, metadata, sources, build info', () => {
  it('--json reports them, and modules + regions account for every byte of the file', async () => {
    const r = await cli('inspect', file, '--json')
    expect(r.code, r.err).toBe(0)
    const j = JSON.parse(r.out)
    // expected figures from the input: each distinct payload is attributed once, padded to 8, to its first
    // owner in DATA order (packages by name, their files by path; then distributions likewise; then sources)
    const input = resourceInput()
    const seen = new Set<string>()
    const stored = (bytes: Uint8Array): number => {
      const key = Buffer.from(bytes).toString('latin1')
      if (bytes.length === 0 || seen.has(key)) return 0
      seen.add(key)
      return Math.ceil(bytes.length / 8) * 8
    }
    const byPath = <T extends { path: string }>(a: T, b: T): number => Buffer.compare(Buffer.from(a.path), Buffer.from(b.path))
    const pkgs = [...new Set(input.data!.map((d) => d.package))].sort()
    const dataPackages = pkgs.map((name) => {
      const files = input.data!.filter((d) => d.package === name).sort(byPath)
      return { name, files: files.length, bytes: files.reduce((n, f) => n + f.bytes.length, 0), storedBytes: files.reduce((n, f) => n + stored(f.bytes), 0) }
    })
    const distributions = [...input.distributions!].sort((a, b) => (a.name < b.name ? -1 : 1)).map((d) => {
      const files = [...d.files].sort(byPath)
      return { name: d.name, isFile: !!d.isFile, files: files.length, bytes: files.reduce((n, f) => n + f.bytes.length, 0), storedBytes: files.reduce((n, f) => n + stored(f.bytes), 0) }
    })
    const sources = input.modules.filter((m) => m.sourceBytes).sort((a, b) => (a.name < b.name ? -1 : 1)).map((m) => m.sourceBytes!)
    expect(j.resources).toEqual({
      dataPackages,
      dataFiles: input.data!.length,
      dataBytes: input.data!.reduce((n, d) => n + d.bytes.length, 0),
      distributions,
      distributionFiles: 5,
      distributionBytes: distributions.reduce((n, d) => n + d.bytes, 0),
      sources: { modules: 2, bytes: sources.reduce((n, v) => n + v.length, 0), storedBytes: sources.reduce((n, v) => n + stored(v), 0) },
      buildInfo: { bytes: Buffer.byteLength(JSON.stringify(input.buildInfo)), modules: 2, skippedData: 1 },
    })
    expect(j.resources.dataBytes).toBe(input.data!.reduce((n, d) => n + d.bytes.length, 0))
    // the LICENSE payload is shared by app's data file and the distribution: stored (and attributed) once
    const data = j.sections.find((s: { name: string }) => s.name === 'DATA').size
    const attributed = [...j.resources.dataPackages, ...j.resources.distributions].reduce((n: number, o: { storedBytes: number }) => n + o.storedBytes, 0) + j.resources.sources.storedBytes
    expect(attributed).toBe(data)
    const modules = j.modules.reduce((n: number, m: { bytes: number }) => n + m.bytes, 0)
    const regions = j.regions.reduce((n: number, x: { bytes: number }) => n + x.bytes, 0)
    expect(modules + regions).toBe(j.fileSize)
    for (const x of j.regions) expect(x.bytes, x.name).toBeGreaterThanOrEqual(0)
    expect(j.regions.filter((x: { kind: string }) => x.kind === 'data').map((x: { name: string }) => x.name)).toEqual(['app', 'app.sub'])
    expect(j.regions.filter((x: { kind: string }) => x.kind === 'metadata').map((x: { name: string }) => x.name)).toEqual(['app-1.0.dist-info', 'old_thing-0.1.egg-info'])
    expect(j.sections.map((s: { name: string }) => s.name)).toEqual(['MIDX', 'MODS', 'CODE', 'STRT', 'CNST', 'STRD', 'CDAT', 'BLOB', 'PKGS', 'DIST', 'FILE', 'SRCS', 'RSTR', 'INFO', 'DATA'])
  })

  it('the text summary has data, metadata, sources and build info lines, and a table of data owners', async () => {
    const r = await cli('inspect', file)
    expect(r.code, r.err).toBe(0)
    const j = JSON.parse((await cli('inspect', file, '--json')).out)
    const res = j.resources
    expect(r.out).toContain(`  data        6 files, ${res.dataBytes} B in 2 packages\n`)
    expect(r.out).toContain(`  metadata    2 distributions, 5 files, ${res.distributionBytes} B\n`)
    expect(r.out).toContain(`  sources     2 modules, ${res.sources.bytes} B\n`)
    expect(r.out).toContain(`  build info  ${res.buildInfo.bytes} B (2 modules, 1 skipped data files)\n`)
    expect(r.out).toMatch(new RegExp(`^app-1\\.0\\.dist-info +4 +${res.distributions[0].bytes} `, 'm'))
  })

  it('--module PKG lists the package\'s data files (text and --json)', async () => {
    const j = JSON.parse((await cli('inspect', file, '--module', 'app', '--json')).out)
    const input = resourceInput()
    const files = input.data!.filter((d) => d.package === 'app').map((d) => ({ path: d.path, size: d.bytes.length }))
    expect(j.module.dataFiles).toEqual(files.sort((a, b) => Buffer.compare(Buffer.from(a.path), Buffer.from(b.path))))
    const src = input.modules.find((m) => m.name === 'app')!.sourceBytes!.length
    expect(j.module.storedSourceBytes).toBe(src)
    const t = await cli('inspect', file, '--module', 'app')
    const welcome = files.find((f) => f.path === 'templates/mail/welcome.txt')!.size
    expect(t.out).toMatch(new RegExp(`^templates/mail/welcome\\.txt +${welcome}$`, 'm'))
    expect(t.out).toContain(`source stored in the bundle: ${src} bytes`)
    const none = JSON.parse((await cli('inspect', file, '--module', 'app.main', '--json')).out)
    expect(none.module.dataFiles).toEqual([])
  })

  it('a bundle without resources says so and reports empty figures', async () => {
    const t = await cli('inspect', plain)
    expect(t.out).toMatch(/^ {2}data {8}none/m)
    const j = JSON.parse((await cli('inspect', plain, '--json')).out)
    expect(j.resources).toMatchObject({ dataPackages: [], dataFiles: 0, distributions: [], sources: { modules: 0 }, buildInfo: null })
    const modules = j.modules.reduce((n: number, m: { bytes: number }) => n + m.bytes, 0)
    expect(modules + j.regions.reduce((n: number, x: { bytes: number }) => n + x.bytes, 0)).toBe(j.fileSize)
  })
})
