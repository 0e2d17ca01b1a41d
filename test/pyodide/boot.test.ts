/**
 * Cheap checks of the Pyodide integration's own pieces: the precompiled boot code
 * is current (else startup silently falls back to compiling it, ~150 ms), the
 * zip directory reader, and the refusal of bundles for another Python.
 */
import { createHash } from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { loadPyodide } from 'pyodide'
import { loadPyodideWithBundle, PYODIDE_PYTHON_MAGIC, type ModuleSource } from '@pybundle/pyodide'
import { isPyBundleError } from '@pybundle/errors'
import { HERE } from './helpers.js'

const PKG = path.resolve(HERE, '../../packages/pyodide')

describe('@pybundle/pyodide pieces', () => {
  it('src/boot-code.ts matches src/python/*.py (run scripts/build-boot.mjs after editing them)', async () => {
    const { BOOT_CODE, BOOT_MAGIC } = await import(path.join(PKG, 'dist/boot-code.js'))
    expect(BOOT_MAGIC).toBe(PYODIDE_PYTHON_MAGIC)
    for (const name of ['_pybundle_boot', 'sitecustomize']) {
      const source = fs.readFileSync(path.join(PKG, 'src/python', `${name}.py`))
      expect(BOOT_CODE[name].sha256, name).toBe(createHash('sha256').update(source).digest('hex'))
    }
  })

  it('the precompiled boot code is the sources\' code, made small for the page: no docstrings, line numbers without columns', async () => {
    const { precompiledBootFiles } = await import(path.join(PKG, 'dist/start.js'))
    const files: Record<string, () => Uint8Array> = precompiledBootFiles(PYODIDE_PYTHON_MAGIC)
    // marshal.loads drops columns under PYTHONNODEBUGRANGES, so the bytes' properties are read by a Pyodide without it.
    const plain = await loadPyodide()
    const properties = plain.runPython(`
import ast, marshal
def properties(pyc, source, name):
    code = marshal.loads(bytes(pyc)[16:])
    doc = ast.get_docstring(ast.parse(source))
    consts, lines, kinds, todo = [], set(), set(), [code]
    while todo:
        c = todo.pop()
        assert c.co_filename == 'pybundle:' + name + '.py', c.co_filename
        for k in c.co_consts:
            (todo if hasattr(k, 'co_code') else consts).append(k)
        lines.update(line for _, _, line in c.co_lines())
        # Location entries (Objects/locations.md): a first byte has bit 7 set, its bits 3-6 are the kind (13: line only, 15: none).
        kinds.update((b >> 3) & 15 for b in c.co_linetable if b & 0x80)
    return [doc is None or not any(isinstance(k, str) and doc.split('\\n')[0] in k for k in consts), kinds <= {13, 15}, len(lines - {None}) > 1]
properties`)
    // The same code as the sources compiled as scripts/build-boot.mjs compiles them (line numbers without columns: PYTHONNODEBUGRANGES).
    const flagged = await loadPyodide({ env: { PYTHONNODEBUGRANGES: '1' } })
    const current = flagged.runPython(`
import marshal
def current(pyc, source, name):
    return marshal.loads(bytes(pyc)[16:]) == compile(source, 'pybundle:' + name + '.py', 'exec', dont_inherit=True, optimize=2)
current`)
    for (const name of ['_pybundle_boot', 'sitecustomize']) {
      const source = fs.readFileSync(path.join(PKG, 'src/python', `${name}.py`), 'utf8')
      const pyc = files[`${name}.pyc`]()
      const [noDocstring, noColumns, hasLines] = properties(pyc, source, name).toJs() as boolean[]
      expect({ current: current(pyc, source, name) as boolean, noDocstring, noColumns, hasLines }, name).toEqual({ current: true, noDocstring: true, noColumns: true, hasLines: true })
    }
    properties.destroy()
    current.destroy()
  })

  it('lists the entries of Pyodide\'s stdlib zip', async () => {
    const { zipEntryNames } = await import(path.join(PKG, 'dist/zip-names.js'))
    const zip = fs.readFileSync(path.join(HERE, '../../node_modules/pyodide/python_stdlib.zip'))
    const names: string[] = zipEntryNames(new Uint8Array(zip))
    expect(names).toContain('json/__init__.py')
    expect(names).toContain('_pyodide/_base.py')
    expect(names.length).toBeGreaterThan(500)
    expect(() => zipEntryNames(new Uint8Array(100))).toThrow(/zip/)
  })

  it('refuses a bundle compiled for another Python with UNSUPPORTED_VERSION', async () => {
    const source: ModuleSource = { pythonMagic: 3495, modules: () => [], marshal: () => new Uint8Array() }
    const err = await loadPyodideWithBundle({ bundle: source }).catch((e: unknown) => e)
    expect(isPyBundleError(err) && err.code).toBe('UNSUPPORTED_VERSION')
  })
})
