/**
 * Package data, distribution metadata and sources served to Pyodide from the
 * bundle (packages/pyodide/README.md, "Files"): a bundle's ModuleSource with
 * `files` (what @pybundle/loader answers for a 1.1 bundle) behind the fixture
 * app's code. Nothing is written into Pyodide's filesystem by the test: every
 * file Python sees below the package folder and the distributions comes from
 * the source, and only when it is opened.
 */
import fs from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { openBundle } from '@pybundle/loader'
import { bundleSource, loadPyodideWithBundle, type ModuleSource } from '@pybundle/pyodide'
import { appBundle, FIXTURES, HERE } from './helpers.js'

const enc = new TextEncoder()
const APP = path.join(FIXTURES, 'app')

const DATA: Record<string, Record<string, string>> = {
  shapes: {
    'data/palette.txt': fs.readFileSync(path.join(APP, 'shapes/data/palette.txt'), 'utf8'),
    'templates/mail/a.html': '<p>{{ x }}</p>\n',
    'templates/b.txt': 'b\n',
    // Never shown: each breaks the path rules.
    '../evil.txt': 'outside',
    'templates/../../evil2.txt': 'outside',
    '/abs.txt': 'absolute',
    'a//b.txt': 'empty part',
    'back\\slash.txt': 'backslash',
    'bidi\u202etxt.exe': 'format character',
    'nul\0.txt': 'NUL',
  },
}
const DISTS: { name: string; isFile: boolean; files: Record<string, string> }[] = [
  {
    name: 'shapes-1.2.3.dist-info',
    isFile: false,
    files: {
      METADATA: 'Metadata-Version: 2.1\nName: shapes\nVersion: 1.2.3\nRequires-Dist: attrs (>=1)\n',
      'entry_points.txt': '[shapes.plugins]\nhello = nspkg.plugins.hello\n',
      'top_level.txt': 'shapes\n',
      RECORD: 'shapes/__init__.py,,\nshapes/data/palette.txt,,\n',
    },
  },
  { name: 'oldstyle-0.9.egg-info', isFile: true, files: { 'PKG-INFO': 'Metadata-Version: 1.1\nName: oldstyle\nVersion: 0.9\n' } },
  { name: '..', isFile: false, files: { METADATA: 'Name: dotdot\nVersion: 6.6.6\n' } },
  { name: 'evil/x.dist-info', isFile: false, files: { METADATA: 'Name: evil\nVersion: 6.6.6\n' } },
]

/** The fixture bundle's code with `files` answered from the tables above; `opened` records every read. */
function withFiles(base: ModuleSource, opened: string[], sources: boolean): ModuleSource {
  return {
    ...base,
    files: {
      dataFiles: (pkg) => Object.keys(DATA[pkg] ?? {}).sort(),
      getData(pkg, p) {
        const text = DATA[pkg]?.[p]
        if (text === undefined) return null
        opened.push(`${pkg}:${p}`)
        return enc.encode(text)
      },
      distributions: () => DISTS.map((d) => ({ name: d.name, isFile: d.isFile })),
      distributionFiles: (name) => Object.keys(DISTS.find((d) => d.name === name)?.files ?? {}).sort(),
      getDistributionFile(name, p) {
        const text = DISTS.find((d) => d.name === name)?.files[p]
        return text === undefined ? null : enc.encode(text)
      },
      getSource(module) {
        if (!sources || !module.startsWith('shapes')) return null
        const rel = module === 'shapes' ? 'shapes/__init__.py' : `${module.replace(/\./g, '/')}.py`
        opened.push(`source:${module}`)
        return new Uint8Array(fs.readFileSync(path.join(APP, rel)))
      },
    },
  }
}

const PROGRAM = String.raw`
import os, sys, json, importlib.resources, importlib.metadata as md, inspect, traceback, linecache
import shapes, shapes.units
out = {}
d = os.path.dirname(shapes.__file__)
out['file'] = shapes.__file__
out['listdir'] = sorted(os.listdir(d))
out['listdir_templates'] = sorted(os.listdir(d + '/templates'))
out['isdir'] = [os.path.isdir(d + '/templates/mail'), os.path.isdir(d + '/data/palette.txt')]
out['exists'] = [os.path.exists(d + '/templates/b.txt'), os.path.exists(d + '/nope'), os.path.exists(d + '/../evil.txt'), os.path.exists('/home/pyodide/evil.txt')]
out['palette'] = shapes.palette()
out['unmounted'] = os.path.exists('/home/pyodide/app/nspkg')  # nothing of it to show: no folder made
with open(os.path.join(d, 'templates', 'mail', 'a.html')) as f:
    out['open'] = f.read()
out['resources'] = sorted(p.name for p in importlib.resources.files('shapes').joinpath('templates').iterdir())
try:
    open(d + '/data/new.txt', 'w')
    out['write'] = 'written'
except OSError as e:
    out['write'] = type(e).__name__
out['version'] = [md.version('shapes'), md.version('oldstyle')]
try:
    md.version('dotdot')
    out['dotdot'] = 'found'
except md.PackageNotFoundError:
    out['dotdot'] = 'not found'
out['eps'] = [(e.name, e.value) for e in md.entry_points(group='shapes.plugins')]
out['requires'] = md.requires('shapes')
out['dists'] = sorted(dist.metadata['Name'] for dist in md.distributions())
out['located'] = str(md.distribution('shapes').locate_file('shapes/__init__.py'))
try:
    shapes.units.to_cm(3, None)
except AttributeError:
    out['traceback'] = [l for l in traceback.format_exc().splitlines() if 'units.py' in l or 'unit.value' in l]
out['getsource'] = inspect.getsource(shapes.units.to_cm).splitlines()[0]
out['linecache'] = linecache.getline(shapes.units.__file__, 1, shapes.units.__dict__).rstrip()
json.dumps(out)
`

describe('Pyodide serves package data, metadata and sources from the bundle', () => {
  it('checks every path before showing it', async () => {
    const { pathParts } = await import(path.join(HERE, '../../packages/pyodide/dist/bundle-fs.js'))
    expect(pathParts('templates/mail/a.html')).toEqual(['templates', 'mail', 'a.html'])
    for (const bad of ['', '/abs', 'a//b', 'a/', './a', 'a/..', '..', 'a\\b', 'a\0b', 'a\u0007b', 'a\u200bb', 'a\u202eb']) {
      expect(pathParts(bad), JSON.stringify(bad)).toBeNull()
    }
  })

  it('data files, folders, distributions and sources behave as on a filesystem; unopened files are never read', async () => {
    const file = await appBundle()
    const opened: string[] = []
    const py = await loadPyodideWithBundle({
      bundle: withFiles(bundleSource(openBundle(file)), opened, true),
      root: '/home/pyodide/app',
      prefetch: 'none',
    })
    const got = JSON.parse(py.runPython(PROGRAM) as string)
    expect(got.file).toBe('/home/pyodide/app/shapes/__init__.py')
    expect(got.listdir).toEqual(['__init__.py', 'data', 'geometry.py', 'templates', 'units.py'])
    expect(got.listdir_templates).toEqual(['b.txt', 'mail'])
    expect(got.isdir).toEqual([true, false])
    expect(got.exists).toEqual([true, false, false, false])
    expect(got.palette).toEqual(DATA.shapes!['data/palette.txt']!.split(/\s+/).filter(Boolean))
    expect(got.open).toBe('<p>{{ x }}</p>\n')
    expect(got.unmounted).toBe(false)
    expect(got.resources).toEqual(['b.txt', 'mail'])
    expect(got.write).toBe('PermissionError')
    expect(got.version).toEqual(['1.2.3', '0.9'])
    expect(got.dotdot).toBe('not found')
    expect(got.eps).toEqual([['hello', 'nspkg.plugins.hello']])
    expect(got.requires).toEqual(['attrs (>=1)'])
    expect(got.dists).toEqual(expect.arrayContaining(['oldstyle', 'shapes']))
    expect(got.dists).not.toContain('evil')
    expect(got.located).toBe('/home/pyodide/app/shapes/__init__.py')
    expect(got.traceback).toEqual([expect.stringContaining('units.py", line'), '    return value * unit.value'])
    expect(got.getsource).toBe('def to_cm(value, unit):')
    expect(got.linecache).toBe('import enum')
    // Read: what was opened or stat'ed; never the files nobody touched.
    expect(opened).not.toContain('shapes:../evil.txt')
    expect(opened).not.toContain('shapes:templates/../../evil2.txt')
    expect(opened.filter((o) => o.startsWith('shapes:')).sort()).toEqual(['shapes:data/palette.txt', 'shapes:templates/b.txt', 'shapes:templates/mail/a.html'])
  })
})
