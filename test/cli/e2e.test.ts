/**
 * End to end with the built executable (bin/pybundle.js) as a subprocess:
 * build, verify, extract, then the interpreter imports every extracted module
 * sourceless and its code objects equal CPython's own compile of the source.
 * Once with python3, once with each other local interpreter (3.8 to 3.13).
 */
import fs from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { findInterpreters } from '../helpers/pythons.js'
import { binRun, bundleModules, checkExtracted, makeProject, tempDir } from './helpers.js'

const { found } = findInterpreters()

describe.each(found.map((i) => [i.full, i.executable] as const))('bin/pybundle.js with Python %s', (_full, python) => {
  it('builds, verifies and extracts a tree that CPython imports sourceless with identical code objects', async () => {
    const root = tempDir()
    const { manifest, originals } = makeProject(root, python)

    const build = await binRun(['build', manifest, '--json'])
    expect(build.err).toBe('')
    expect(build.code).toBe(0)
    const summary = JSON.parse(build.out)
    const out = path.join(root, 'out', 'proj.pyb')
    expect(summary.output).toBe(out)
    expect(summary.namespaces).toBe(2) // ns, ns.portion
    expect(summary.sourceless).toBe(1)
    expect(summary.skipped.map((s: { name: string }) => s.name).sort()).toEqual(['_json', 'sys'])
    expect(summary.skipped.find((s: { name: string }) => s.name === 'sys').reason).toMatch(/built-in/)
    expect(summary.skipped.find((s: { name: string }) => s.name === '_json').reason).toMatch(/extension/)

    const verify = await binRun(['verify', out])
    expect(verify.code).toBe(0)
    expect(verify.out).toMatch(/ok/)

    const dir = path.join(root, 'tree')
    const extract = await binRun(['extract', out, '--out', dir])
    expect(extract.code).toBe(0)
    expect(fs.statSync(path.join(dir, 'ns', 'portion')).isDirectory()).toBe(true)
    expect(fs.existsSync(path.join(dir, 'pkg', '__init__.pyc'))).toBe(true)
    expect(fs.existsSync(path.join(dir, 'café.pyc'))).toBe(true)

    const modules = bundleModules(out)
    expect(modules.map((m) => m.name)).toEqual(expect.arrayContaining(['pkg', 'pkg.core', 'pkg.sub', 'pkg.sub.deep', 'ns', 'ns.portion', 'ns.portion.mod', 'café', 'big', 'legacy']))
    const result = await checkExtracted(python, { dir, import: true, modules, originals })
    expect(result.mismatches).toEqual([])
    expect(result.checked).toBe(modules.length)
    expect(result.imported).toBe(modules.length)
  })
})
