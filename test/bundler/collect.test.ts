/**
 * Issue 14, build side: package data files, distribution metadata and module
 * sources collected into the writer's input (BundleInput.data,
 * .distributions, ModuleInput.sourceBytes, buildInfo.skippedData).
 */
import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { buildBundle, collectData, MAX_DATA_FILE_SIZE, parseManifest, readDistributions, type BuildSummary, type BundleInput } from '@pybundle/bundler'
import { resourcePathProblem } from '@pybundle/format-spec'
// Internal to the data collector (not the package's API): the module itself, as built.
import { fnmatcher } from '../../packages/bundler/dist/collect/paths.js'
import { summaryText } from '@pybundle/cli'
import { PyBundleError } from '@pybundle/errors'
import { tmp, write } from './helpers.js'

const isRoot = process.getuid?.() === 0

async function build(manifestPath: string): Promise<{ summary: BuildSummary; input: BundleInput }> {
  let input: BundleInput | undefined
  const summary = await buildBundle(manifestPath, { jobs: 2, onBundleInput: (i) => { input = i } })
  return { summary, input: input! }
}

const text = (b: Uint8Array): string => Buffer.from(b).toString('utf8')

/**
 * A package tree with every kind of entry the collector must handle. `data`
 * lists what must be collected, by package; the rest must be skipped (with
 * a reason, or silently when it is code or __pycache__).
 */
function fixture(): { root: string; src: string; data: Record<string, Record<string, string>>; reasons: Record<string, RegExp> } {
  const root = tmp('pybundle-collect-')
  const src = path.join(root, 'src')
  const data: Record<string, Record<string, string>> = {
    pkg: {
      'data.txt': 'top data\n',
      'templates/base.html': '<html>{{ x }}</html>\n',
      'templates/mail/welcome.txt': 'hello\n',
      'linked/a.dat': 'from a linked folder\n',
      'linked/deep/b.dat': 'deeper\n',
      'notpkg/readme.txt': 'a folder that is not a package\n',
      'py.typed': '',
    },
    'pkg.sub': { 's.txt': 'belongs to pkg.sub\n' },
  }
  write(src, {
    'pkg/__init__.py': 'X = 1\n',
    'pkg/mod.py': 'Y = 2\n',
    'pkg/templates/helper.py': '# a module source in a data folder: not data\n',
    'pkg/__pycache__/mod.cpython-311.pyc': 'not data',
    'pkg/old.pyo': 'not data',
    'pkg/_speedups.cpython-311-x86_64-linux-gnu.so': 'native',
    'pkg/_win.pyd': 'native',
    'pkg/_mac.dylib': 'native',
    'pkg/sub/__init__.py': '',
    'pkg/sub/__pycache__/x.pyc': 'not data',
    'ns/mod.py': 'Z = 3\n',
    'ns/note.txt': 'a namespace package has no data of its own\n',
  })
  for (const [pkg, files] of Object.entries(data)) write(path.join(src, ...pkg.split('.')), Object.fromEntries(Object.entries(files).filter(([p]) => !p.startsWith('linked/'))))
  // A symlinked folder outside the package (as Debian's babel links /usr/share), and a link back into it.
  write(root, { 'shared/a.dat': data.pkg['linked/a.dat'], 'shared/deep/b.dat': data.pkg['linked/deep/b.dat'] })
  fs.symlinkSync(path.join(root, 'shared'), path.join(src, 'pkg/linked'))
  fs.symlinkSync('.', path.join(src, 'pkg/notpkg/loop'))
  fs.symlinkSync('nowhere', path.join(src, 'pkg/dangling'))
  execFileSync('mkfifo', [path.join(src, 'pkg/fifo')])
  fs.symlinkSync('/proc/self/mem', path.join(src, 'pkg/procmem')) // a regular file that read() refuses (EIO), even for root
  // Sparse: one byte over the limit without writing 64 MiB.
  const big = fs.openSync(path.join(src, 'pkg/big.bin'), 'w')
  fs.ftruncateSync(big, MAX_DATA_FILE_SIZE + 1)
  fs.closeSync(big)
  fs.writeFileSync(path.join(src, 'pkg/back\\slash.txt'), 'x')
  fs.writeFileSync(path.join(src, 'pkg/ctl\u0001.txt'), 'x')
  const reasons: Record<string, RegExp> = {
    'pkg/dangling': /^dangling symlink$/,
    'pkg/fifo': /^not a regular file \(a FIFO\)$/,
    'pkg/notpkg/loop': /^symlink loop$/,
    'pkg/procmem': /^unreadable: EIO$/,
    'pkg/big.bin': new RegExp(`^over the size limit \\(${MAX_DATA_FILE_SIZE + 1} bytes`),
    'pkg/back\\slash.txt': /^not a valid data path \(component 1 holds a path separator \('\/' or '\\'\)\)$/,
    'pkg/ctl\u0001.txt': /^not a valid data path \(component 1 holds a control or format character \(U\+0001\)\)$/,
  }
  if (!isRoot) {
    fs.writeFileSync(path.join(src, 'pkg/secret.txt'), 'x')
    fs.chmodSync(path.join(src, 'pkg/secret.txt'), 0o000)
    reasons['pkg/secret.txt'] = /^unreadable: EACCES$/
    fs.mkdirSync(path.join(src, 'pkg/closed'))
    fs.chmodSync(path.join(src, 'pkg/closed'), 0o000)
    reasons['pkg/closed'] = /^unreadable folder: EACCES$/
  } else {
    console.log('collect.test: running as root, chmod 000 does not stop reads; the unreadable case is covered by /proc/self/mem (EIO) only')
  }
  return { root, src, data, reasons }
}

function manifest(root: string, modules: string): string {
  const m = path.join(root, 'm.toml')
  fs.writeFileSync(m, `[bundle]\npython = "python3"\n[modules]\npaths = ["src"]\n${modules}\n`)
  return m
}

describe('package data files', () => {
  it('collects every data file of each bundled regular package, skips the rest with its reason', async () => {
    const { root, src, data, reasons } = fixture()
    const { summary, input } = await build(manifest(root, 'include = ["pkg.*", "ns.*"]'))
    const got = input.data!.map((d) => [d.package, d.path, text(d.bytes)])
    const want = Object.entries(data).flatMap(([pkg, files]) => Object.entries(files).map(([p, t]) => [pkg, p, t]))
      .sort((a, b) => Buffer.compare(Buffer.from(a[0] + '\0' + a[1]), Buffer.from(b[0] + '\0' + b[1])))
    expect(got).toEqual(want)
    const skipped = input.buildInfo!.skippedData!
    expect(Object.fromEntries(skipped.map((s) => [`${s.package.replace(/\./g, '/')}/${s.path}`, s.reason]))).toEqual(
      Object.fromEntries(Object.entries(reasons).map(([k, re]) => [k, expect.stringMatching(re)])))
    expect(summary.data).toEqual({ files: want.length, bytes: want.reduce((n, w) => n + Buffer.byteLength(w[2]), 0), skipped })
    const lines = summaryText(summary).split('\n')
    expect(lines).toContain(`  data        ${want.length} files, ${summary.data!.bytes} B; ${skipped.length} skipped (--json lists each with its reason)`)
    expect(lines).toContain('    1 symlink loop: pkg/notpkg/loop')
    expect(lines).toContain('    2 not a valid data path: pkg/back\\slash.txt, pkg/ctl\u0001.txt')
    // The same walk twice gives the same input, byte for byte.
    const again = await collectData([{ name: 'pkg', dir: path.join(src, 'pkg') }, { name: 'pkg.sub', dir: path.join(src, 'pkg/sub') }])
    expect(again.files.map((d) => [d.package, d.path, text(d.bytes)])).toEqual(want)
  })

  it('a subpackage that is not bundled leaves its data to the nearest bundled package', async () => {
    const root = tmp('pybundle-collect-')
    write(path.join(root, 'src'), { 'p/__init__.py': '', 'p/sub/__init__.py': '', 'p/sub/x.txt': 'x', 'p/y.txt': 'y' })
    const { input } = await build(manifest(root, 'include = ["p"]'))
    expect(input.data!.map((d) => [d.package, d.path])).toEqual([['p', 'sub/x.txt'], ['p', 'y.txt']])
    expect(input.buildInfo?.skippedData).toBeUndefined() // nothing skipped, nothing to record
  })

  it('exclude_data trims by "top/package/relative/path"; data = false turns collection off', async () => {
    const { root, data } = fixture()
    const { input } = await build(manifest(root, 'include = ["pkg.*"]\nexclude_data = ["pkg/templates/*", "pkg/sub/*", "*.dat"]'))
    const kept = input.data!.map((d) => `${d.package}:${d.path}`)
    const all = Object.entries(data).flatMap(([pkg, files]) => Object.keys(files).map((p) => `${pkg}:${p}`))
    const dropped = all.filter((k) => !kept.includes(k))
    expect(dropped.sort()).toEqual(['pkg.sub:s.txt', 'pkg:linked/a.dat', 'pkg:linked/deep/b.dat', 'pkg:templates/base.html', 'pkg:templates/mail/welcome.txt'])
    const excluded = input.buildInfo!.skippedData!.filter((s) => s.reason === 'excluded by exclude_data').map((s) => `${s.package}:${s.path}`)
    expect(excluded.sort()).toEqual(dropped.sort())

    const off = await build(manifest(root, 'include = ["pkg.*"]\ndata = false'))
    expect(off.input.data).toBeUndefined()
    expect(off.summary.data).toBeNull()
    expect(summaryText(off.summary).split('\n')).toContain('  data        off ([modules] data = false)')
  })

  it('a FIFO is never opened, even when it is the only entry', async () => {
    const root = tmp('pybundle-collect-')
    write(path.join(root, 'src'), { 'p/__init__.py': '' })
    execFileSync('mkfifo', [path.join(root, 'src/p/pipe')])
    const r = await collectData([{ name: 'p', dir: path.join(root, 'src/p') }])
    expect(r).toEqual({ files: [], bytes: 0, skipped: [{ package: 'p', path: 'pipe', reason: 'not a regular file (a FIFO)' }] })
  })
})

describe('the folder walk of data and metadata', () => {
  it('skips a file name that is not UTF-8 with that reason, in a package folder and in a distribution folder', async () => {
    const root = tmp('pybundle-collect-')
    write(root, { 'p/__init__.py': '', 'p/ok.txt': 'ok', 'Foo-1.0.dist-info/METADATA': 'Name: Foo\n' })
    const badName = Buffer.from([0x62, 0x61, 0x64, 0xff, 0x2e, 0x74, 0x78, 0x74]) // "bad\xff.txt"
    for (const dir of ['p', 'Foo-1.0.dist-info']) fs.writeFileSync(Buffer.concat([Buffer.from(path.join(root, dir) + '/'), badName]), 'x')
    const reason = 'a file name that is not valid UTF-8'
    const shown = badName.toString('utf8')
    const data = await collectData([{ name: 'p', dir: path.join(root, 'p') }])
    expect(data.files.map((f) => f.path)).toEqual(['ok.txt'])
    expect(data.skipped).toEqual([{ package: 'p', path: shown, reason }])
    const dist = path.join(root, 'Foo-1.0.dist-info')
    const meta = await readDistributions([{ name: 'Foo-1.0.dist-info', path: dist, isFile: false, project: 'Foo', provides: ['p'] }])
    expect(meta.distributions.map((d) => d.files.map((f) => f.path))).toEqual([['METADATA']])
    expect(meta.skipped).toEqual([{ distribution: 'Foo-1.0.dist-info', path: shown, reason }])
  })
})

describe('data path rules and exclude_data patterns', () => {
  it('rejects what could escape a folder or hide in a listing', () => {
    for (const p of ['a', 'a/b.txt', 'locale-data/en_GB.dat', 'ünï/cödé.txt', '.hidden', 'a..b']) expect(resourcePathProblem(p)).toBeUndefined()
    for (const p of ['', '/etc/passwd', 'a//b', 'a/', './a', 'a/../b', '..', 'a\\b', 'a\0b', 'a\nb', 'a\u202eb', 'a\u200db', 'a\ud800b', 'a\udc80', 'x'.repeat(4097)]) {
      expect(resourcePathProblem(p), JSON.stringify(p)).toBeTypeOf('string')
    }
  })

  it('matches as Python fnmatch.fnmatchcase does', () => {
    const cases: [string, string][] = [['babel/locale-data/*', 'babel/locale-data/en.dat'], ['*.dat', 'a/b/c.dat'], ['p/[ab].txt', 'p/a.txt'],
      ['p/[!ab].txt', 'p/c.txt'], ['p/?.txt', 'p/x.txt'], ['p/[.txt', 'p/[.txt'], ['P/*', 'p/x'], ['p/*.TXT', 'p/a.txt'], ['p/(x)+.txt', 'p/(x)+.txt'], ['p/[a-c].txt', 'p/b.txt'],
      // Reversed ranges (a RegExp would throw), ']' first in a class, '^' and '-' as characters, '{' and '/'.
      ['p/[z-a].txt', 'p/z.txt'], ['p/[!z-a].txt', 'p/z.txt'], ['p/[z-ab]', 'p/b'], ['p/[]]', 'p/]'], ['p/[!]]', 'p/x'], ['p/[^a]', 'p/^'], ['p/[^a]', 'p/b'],
      ['p/[a-]', 'p/-'], ['p/[-a]', 'p/-'], ['p/{a,b}', 'p/{a,b}'], ['p/[/]x', 'p//x'], ['*', ''], ['p/[\\]', 'p/\\']]
    const py = execFileSync('python3', ['-c', 'import sys, json, fnmatch; print(json.dumps([fnmatch.fnmatchcase(s, p) for p, s in json.load(sys.stdin)]))'], { input: JSON.stringify(cases) })
    expect(cases.map(([p, s]) => fnmatcher([p])(s))).toEqual(JSON.parse(py.toString()))
  })
})

describe('manifest keys', () => {
  it('defaults: data and metadata on, sources off', () => {
    const m = parseManifest('[modules]\ninclude = ["a"]\n', '/x/m.toml')
    expect([m.data, m.metadata, m.sources, m.excludeData]).toEqual([true, true, false, []])
  })

  it.each([
    ['data = "yes"', 'modules.data', /\[modules\] data must be true or false/],
    ['metadata = 1', 'modules.metadata', /\[modules\] metadata must be true or false/],
    ['sources = []', 'modules.sources', /\[modules\] sources must be true or false/],
    ['exclude_data = "babel/*"', 'modules.exclude_data', /\[modules\] exclude_data must be an array of strings/],
    ['exclude_data = ["ok/*", ""]', 'modules.exclude_data', /exclude_data has an empty pattern/],
  ])('%s is a MANIFEST error naming the key', (line, key, message) => {
    const e = (() => { try { parseManifest(`[modules]\ninclude = ["a"]\n${line}\n`, '/x/m.toml') } catch (x) { return x } })() as PyBundleError
    expect(e).toBeInstanceOf(PyBundleError)
    expect(e.code).toBe('MANIFEST')
    expect(e.details?.key).toBe(key)
    expect(e.message).toMatch(message)
  })
})

describe('sources = true', () => {
  it('carries exactly the bytes of each compiled .py, and nothing when off', async () => {
    const root = tmp('pybundle-collect-')
    // A BOM, a coding cookie and CRLF: the bytes must be the file's, not a decoded and re-encoded text.
    write(path.join(root, 'src'), { 'p/__init__.py': '\ufeffX = 1\r\n', 'p/latin.py': Buffer.concat([Buffer.from('# -*- coding: latin-1 -*-\ns = "'), Buffer.from([0xe9]), Buffer.from('"\n')]), 'p/ns/m.py': 'pass\n' })
    const { summary, input } = await build(manifest(root, 'include = ["p.*"]\nsources = true'))
    const withSource = input.modules.filter((m) => m.sourceBytes)
    expect(withSource.map((m) => m.name).sort()).toEqual(['p', 'p.latin', 'p.ns.m'])
    for (const m of withSource) expect(Buffer.from(m.sourceBytes!)).toEqual(fs.readFileSync(path.join(root, 'src', m.path)))
    expect(summary.sources).toEqual({ modules: 3, bytes: withSource.reduce((n, m) => n + m.sourceBytes!.length, 0) })
    const off = await build(manifest(root, 'include = ["p.*"]'))
    expect(off.input.modules.some((m) => m.sourceBytes)).toBe(false)
    expect(off.summary.sources).toBeNull()
  })
})

/** Interpreters to run the metadata scan under: every pyenv CPython 3.8+ present, and Debian's. */
function interpreters(): string[] {
  const out: string[] = []
  const pyenv = path.join(os.homedir(), '.pyenv', 'versions')
  for (const v of ['3.8', '3.9', '3.10', '3.11', '3.12', '3.13']) {
    const dir = fs.existsSync(pyenv) ? fs.readdirSync(pyenv).find((d) => d === v || d.startsWith(v + '.')) : undefined
    const exe = dir && path.join(pyenv, dir, 'bin', 'python3')
    if (exe && fs.existsSync(exe)) out.push(exe)
    else console.log(`collect.test: no CPython ${v} under ${pyenv}, skipped for the metadata scan`)
  }
  if (fs.existsSync('/usr/bin/python3')) out.push('/usr/bin/python3')
  return out
}

describe('distribution metadata', () => {
  function site(): { root: string; m: (python: string, extra?: string) => string } {
    const root = tmp('pybundle-meta-')
    write(path.join(root, 'site'), {
      'pkg/__init__.py': '',
      'Pkg-1.0.dist-info/METADATA': 'Metadata-Version: 2.1\nName: Pkg\nVersion: 1.0\n',
      'Pkg-1.0.dist-info/RECORD': 'pkg/__init__.py,,\nPkg-1.0.dist-info/METADATA,,\n',
      'Pkg-1.0.dist-info/top_level.txt': 'pkg\n',
      'Pkg-1.0.dist-info/entry_points.txt': '[console_scripts]\npkg = pkg:main\n',
      'Pkg-1.0.dist-info/licenses/LICENSE': 'MIT\n',
      // Debian style: an .egg-info folder with top_level.txt.
      'egg/__init__.py': '',
      'Egg-3.0.egg-info/PKG-INFO': 'Metadata-Version: 1.2\nName: Egg\nVersion: 3.0\n',
      'Egg-3.0.egg-info/top_level.txt': 'egg\n',
      'Egg-3.0.egg-info/entry_points.txt': '[egg.plugins]\nx = egg:x\n',
      // No top_level.txt: the top-level names come from RECORD.
      'norec.py': '',
      'norec-2.0.dist-info/METADATA': 'Metadata-Version: 2.1\nName: norec\nVersion: 2.0\n',
      'norec-2.0.dist-info/RECORD': 'norec.py,,\nnorec-2.0.dist-info/METADATA,,\n',
      // Old style: a single file holding PKG-INFO.
      'single.py': '',
      'single-0.5.egg-info': 'Metadata-Version: 1.1\nName: single\nVersion: 0.5\n',
      // Installed, but provides nothing that is bundled.
      'other/__init__.py': '',
      'Other-9.dist-info/METADATA': 'Metadata-Version: 2.1\nName: Other\nVersion: 9\n',
      'Other-9.dist-info/top_level.txt': 'other\n',
    })
    // Earlier on sys.path, a stale copy of Pkg's metadata without its files: it describes other files, so it is not taken.
    write(path.join(root, 'shadow'), { 'Pkg-0.1.dist-info/METADATA': 'Metadata-Version: 2.1\nName: Pkg\nVersion: 0.1\n', 'Pkg-0.1.dist-info/top_level.txt': 'pkg\n' })
    return {
      root,
      m: (python, extra = '') => {
        const f = path.join(root, 'm.toml')
        fs.writeFileSync(f, `[bundle]\npython = ${JSON.stringify(python)}\n[modules]\npaths = ["shadow", "site"]\ninclude = ["pkg", "egg", "norec", "single"]\n${extra}\n`)
        return f
      },
    }
  }

  for (const python of interpreters()) {
    it(`finds the distributions of the bundled top-level names, stored whole (${python})`, async () => {
      const { root, m } = site()
      const { summary, input } = await build(m(python))
      const dists = input.distributions!
      expect(dists.map((d) => [d.name, !!d.isFile])).toEqual([['Egg-3.0.egg-info', false], ['Pkg-1.0.dist-info', false], ['norec-2.0.dist-info', false], ['single-0.5.egg-info', true]])
      for (const d of dists) {
        const entry = path.join(root, 'site', d.name)
        if (d.isFile) {
          expect(d.files.map((f) => [f.path, text(f.bytes)])).toEqual([['PKG-INFO', fs.readFileSync(entry, 'utf8')]])
          continue
        }
        const onDisk = (fs.readdirSync(entry, { recursive: true }) as string[]).filter((p) => fs.statSync(path.join(entry, p)).isFile()).sort()
        expect(d.files.map((f) => f.path)).toEqual(onDisk)
        for (const f of d.files) expect(text(f.bytes)).toBe(fs.readFileSync(path.join(entry, f.path), 'utf8'))
      }
      expect(summaryText(summary).split('\n')).toContain(`  metadata    4 distributions, ${summary.metadata!.files} files, ${summary.metadata!.bytes} B`)
      expect(summary.metadata).toEqual({ distributions: 4, files: dists.reduce((n, d) => n + d.files.length, 0), bytes: dists.reduce((n, d) => n + d.files.reduce((k, f) => k + f.bytes.length, 0), 0), skipped: [] })
    })
  }

  it('metadata = false turns it off', async () => {
    const { m } = site()
    const { summary, input } = await build(m('python3', 'metadata = false'))
    expect(input.distributions).toBeUndefined()
    expect(summary.metadata).toBeNull()
    expect(summaryText(summary).split('\n')).toContain('  metadata    off ([modules] metadata = false)')
  })
})

describe('a real Debian package', () => {
  const dist = '/usr/lib/python3/dist-packages'
  const present = fs.existsSync('/usr/bin/python3') && fs.existsSync(path.join(dist, 'jinja2/__init__.py')) && fs.existsSync(path.join(dist, 'babel/__init__.py'))
  if (!present) console.log(`collect.test: Debian's python3-jinja2 / python3-babel are not installed in ${dist} (apt-get install -y python3-jinja2 python3-babel); skipped`)
  it.skipIf(!present)('jinja2 and babel: egg-info metadata, and babel\'s locale data through its symlinks', async () => {
    const root = tmp('pybundle-debian-')
    const f = path.join(root, 'm.toml')
    fs.writeFileSync(f, '[bundle]\npython = "/usr/bin/python3"\n[modules]\ninclude = ["jinja2", "babel"]\n')
    const { summary, input } = await build(f)
    const entries = fs.readdirSync(dist).filter((e) => /^(jinja2|babel)-[^-]+\.(egg|dist)-info$/i.test(e)).sort()
    expect(input.distributions!.map((d) => d.name)).toEqual(entries)
    for (const d of input.distributions!) {
      const files = fs.statSync(path.join(dist, d.name)).isDirectory() ? fs.readdirSync(path.join(dist, d.name)).sort() : ['PKG-INFO']
      expect(d.files.map((x) => x.path)).toEqual(files)
    }
    // Every file babel's folder shows, links followed, minus code: compare with a walk by Python itself.
    const walk = execFileSync('/usr/bin/python3', ['-c', `
import os, json, sys
root = sys.argv[1]
out = []
for d, dirs, files in os.walk(root, followlinks=True):
    dirs[:] = [x for x in dirs if x != '__pycache__']
    for f in files:
        if not f.endswith(('.py', '.pyc', '.so')):
            out.append(os.path.relpath(os.path.join(d, f), root).replace(os.sep, '/'))
print(json.dumps(sorted(out)))`, path.join(dist, 'babel')], { maxBuffer: 1 << 24 })
    const babel = input.data!.filter((d) => d.package === 'babel')
    expect(babel.map((d) => d.path).sort()).toEqual(JSON.parse(walk.toString()))
    expect(babel.some((d) => d.path.startsWith('locale-data/'))).toBe(true)
    for (const d of babel.filter((_, i) => i % 97 === 0)) expect(Buffer.from(d.bytes)).toEqual(fs.readFileSync(path.join(dist, 'babel', d.path)))
    expect(summary.data!.bytes).toBe(input.data!.reduce((n, d) => n + d.bytes.length, 0))
  }, 120_000)
})

describe('python = "pyodide"', () => {
  const zip = fileURLToPath(new URL('../../node_modules/pyodide/python_stdlib.zip', import.meta.url))
  const hasPyodide = fs.existsSync(zip)
  if (!hasPyodide) console.log(`collect.test: no ${zip} (npm ci installs pyodide); the Pyodide case is skipped`)
  it.skipIf(!hasPyodide)('data and metadata from host folders, data and sources also from Pyodide\'s in-memory stdlib', async () => {
    const root = tmp('pybundle-pyodide-')
    write(path.join(root, 'site'), {
      'pkg/__init__.py': 'X = 1\n',
      'pkg/templates/t.html': '<p>hi</p>\n',
      'Pkg-1.0.dist-info/METADATA': 'Metadata-Version: 2.1\nName: Pkg\nVersion: 1.0\n',
      'Pkg-1.0.dist-info/top_level.txt': 'pkg\n',
    })
    const f = path.join(root, 'm.toml')
    fs.writeFileSync(f, '[bundle]\npython = "pyodide"\n[modules]\npaths = ["site"]\ninclude = ["pkg", "json", "tomllib"]\nsources = true\n')
    const { input } = await build(f)
    expect(input.python.minor).toBe(14)
    // tomllib's mypy.ini exists only inside Pyodide (its stdlib is in the in-memory filesystem): walked and read there.
    const fromZip = (member: string): Buffer => execFileSync('python3', ['-c', 'import sys, zipfile; sys.stdout.buffer.write(zipfile.ZipFile(sys.argv[1]).read(sys.argv[2]))', zip, member])
    expect(input.data!.map((d) => [d.package, d.path, text(d.bytes)])).toEqual([['pkg', 'templates/t.html', '<p>hi</p>\n'], ['tomllib', 'mypy.ini', fromZip('tomllib/mypy.ini').toString('utf8')]])
    expect(input.buildInfo?.skippedData).toBeUndefined()
    expect(input.distributions!.map((d) => [d.name, d.files.map((x) => x.path)])).toEqual([['Pkg-1.0.dist-info', ['METADATA', 'top_level.txt']]])
    const bySource = Object.fromEntries(input.modules.map((m) => [m.name, m.sourceBytes && text(m.sourceBytes)]))
    expect(bySource.pkg).toBe('X = 1\n')
    // json's source as Pyodide ships it, read from the zip by a host Python.
    expect(Buffer.from(input.modules.find((m) => m.name === 'json')!.sourceBytes!)).toEqual(fromZip('json/__init__.py'))
  }, 300_000)
})
