/**
 * Cheap checks of the Pyodide integration's own pieces: the precompiled boot code
 * is current (else startup silently falls back to compiling it, ~150 ms), the
 * zip directory reader, and the refusal of bundles for another Python.
 */
import { createHash } from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
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
