/** Resolution by the interpreter, on a temp tree and the real stdlib of each local Python. */
import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { createInterpreter, parseManifest, resolveModules } from '@pybundle/bundler'
// Internal to the trace step (not the package's API): the module itself, as built.
import { splitTraceArgs } from '../../packages/bundler/dist/resolve/trace.js'
import { PyBundleError } from '@pybundle/errors'
import { findInterpreters } from '../helpers/pythons.js'

const { found } = findInterpreters()

function tree(): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'pybundle-resolve-'))
  const w = (rel: string, text: string) => {
    fs.mkdirSync(path.dirname(path.join(root, rel)), { recursive: true })
    fs.writeFileSync(path.join(root, rel), text)
  }
  w('src/pkg/__init__.py', '')
  w('src/pkg/a.py', '')
  w('src/pkg/tests/__init__.py', '')
  w('src/pkg/tests/test_a.py', '')
  w('src/pkg/nsub/deeper/m.py', '')
  w('src/pkg/data/readme.txt', 'not a package')
  w('src/naïve.py', '')
  return root
}

async function resolve(root: string, toml: string, python = 'python3') {
  const m = parseManifest(toml, path.join(root, 'm.toml'))
  return resolveModules(m, createInterpreter(python, { baseDir: root }))
}

describe('resolve', () => {
  it('walks a package with "pkg.*": namespace subpackages included, data folders not', async () => {
    const root = tree()
    const r = await resolve(root, '[modules]\npaths = ["src"]\ninclude = ["pkg.*", "naïve"]\n')
    const names = r.modules.map((m) => [m.name, m.kind, m.relpath])
    expect(names).toEqual([
      ['naïve', 'source', 'naïve.py'],
      ['pkg', 'source', 'pkg/__init__.py'],
      ['pkg.a', 'source', 'pkg/a.py'],
      ['pkg.nsub', 'namespace', ''],
      ['pkg.nsub.deeper', 'namespace', ''],
      ['pkg.nsub.deeper.m', 'source', 'pkg/nsub/deeper/m.py'],
      ['pkg.tests', 'source', 'pkg/tests/__init__.py'],
      ['pkg.tests.test_a', 'source', 'pkg/tests/test_a.py'],
    ])
    expect(r.modules.find((m) => m.name === 'pkg')!.isPackage).toBe(true)
  })

  it('applies exclude (fnmatch) after include', async () => {
    const root = tree()
    const r = await resolve(root, '[modules]\npaths = ["src"]\ninclude = ["pkg.*"]\nexclude = ["*.tests", "*.tests.*"]\n')
    expect(r.modules.map((m) => m.name)).not.toContain('pkg.tests')
    expect(r.modules.map((m) => m.name)).not.toContain('pkg.tests.test_a')
    expect(r.excluded).toBe(2)
  })

  it('skips built-in and extension modules with a reason', async () => {
    const root = tree()
    const r = await resolve(root, '[modules]\ninclude = ["sys", "_json", "json"]\n')
    expect(r.modules.map((m) => m.name)).toEqual(['json'])
    expect(r.skipped).toEqual([
      { name: '_json', reason: expect.stringMatching(/^extension module/) },
      { name: 'sys', reason: expect.stringMatching(/^built-in/) },
    ])
  })

  it('lists every unresolved name in one error', async () => {
    const root = tree()
    const e = await resolve(root, '[modules]\npaths = ["src"]\ninclude = ["json", "nope", "pkg.missing", "gone.*"]\n').catch((x) => x)
    expect(e).toBeInstanceOf(PyBundleError)
    expect(e.code).toBe('UNRESOLVED')
    expect(e.details.names).toEqual(['nope', 'pkg.missing', 'gone.*'])
  })

  it('collects what a traced program imports', async () => {
    const root = tree()
    const r = await resolve(root, '[modules]\npaths = ["src"]\ntrace = ["-c", "import pkg.a, naïve, json"]\n')
    const names = r.modules.map((m) => m.name)
    expect(names).toEqual(expect.arrayContaining(['pkg', 'pkg.a', 'naïve', 'json', 'json.decoder', 'encodings']))
    expect(names).not.toContain('__main__')
    expect(r.traced).toBeGreaterThan(names.length)
  })

  it('splits interpreter options from the traced program', () => {
    expect(splitTraceArgs(['-S', '-X', 'dev', '-c', 'pass', '-x'])).toEqual({ pythonArgs: ['-S', '-X', 'dev'], programArgs: ['-c', 'pass', '-x'] })
    expect(splitTraceArgs(['-mjson.tool', 'a'])).toEqual({ pythonArgs: [], programArgs: ['-m', 'json.tool', 'a'] })
    expect(splitTraceArgs(['app.py', '-c'])).toEqual({ pythonArgs: [], programArgs: ['app.py', '-c'] })
  })

  it.each(found.map((i) => [i.full, i.executable, i.minor] as const))('Python %s: stdlib = true finds its pure-Python stdlib; frozen modules come from source', async (_v, exe, minor) => {
    const root = tree()
    const r = await resolve(root, `[modules]\nstdlib = true\ninclude = ["os"]\n`, exe)
    expect(r.python.version[1]).toBe(minor)
    const names = new Set(r.modules.map((m) => m.name))
    for (const n of ['os', 'json', 'json.decoder', 'email.mime.text', 'asyncio', 'encodings.utf_8', 'importlib._bootstrap']) expect(names).toContain(n)
    expect(names.has('test')).toBe(false)
    expect(r.modules.length).toBeGreaterThan(500)
    const os_ = r.modules.find((m) => m.name === 'os')!
    expect(os_.kind).toBe('source')
    expect(os_.frozen).toBe(minor >= 11)
    expect(fs.existsSync(os_.file!)).toBe(true)
    expect(r.skipped.find((s) => s.name === 'sys')?.reason).toMatch(/built-in/)
    expect(r.modules.every((m) => m.stdlib)).toBe(true)
  })

  it('finds sourceless .pyc modules', async () => {
    const root = tree()
    fs.writeFileSync(path.join(root, 'old.py'), 'X = 1\n')
    execFileSync('python3', ['-c', 'import py_compile; py_compile.compile("old.py", cfile="src/old.pyc")'], { cwd: root })
    fs.rmSync(path.join(root, 'old.py'))
    const r = await resolve(root, '[modules]\npaths = ["src"]\ninclude = ["old"]\n')
    expect(r.modules).toEqual([expect.objectContaining({ name: 'old', kind: 'sourceless', relpath: 'old.pyc' })])
  })
})
