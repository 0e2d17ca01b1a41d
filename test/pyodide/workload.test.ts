/**
 * One workload (json, re, decimal, email, asyncio, dataclasses, argparse,
 * tarfile on in-memory data, a package with relative imports and a data file, a
 * namespace package, and the import-system facts a program can see: __file__,
 * __spec__, __path__, pkgutil, importlib.resources, inspect, tracebacks) runs in
 * stock Pyodide and in Pyodide with the bundle: the outputs must be identical.
 *
 * Stock Pyodide gets the app's sources in its filesystem; the bundled run gets
 * nothing: code and the app's data file come from the bundle (the package
 * folder is served from it, packages/pyodide/README.md "Files"), so the app's
 * modules and data cannot come from anywhere else.
 */
import fs from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { loadPyodide } from 'pyodide'
import { openBundle } from '@pybundle/loader'
import { loadPyodideWithBundle } from '@pybundle/pyodide'
import { appBundle, FIXTURES } from './helpers.js'

const APP = path.join(FIXTURES, 'app')
const WORKLOAD = fs.readFileSync(path.join(FIXTURES, 'workload.py'), 'utf8')

type Py = Awaited<ReturnType<typeof loadPyodide>>

/** Copy fixture files into Pyodide's FS under /home/pyodide/app (filter: which files). */
function copyApp(py: Py, keep: (rel: string) => boolean): void {
  const walk = (dir: string, rel: string): void => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const r = rel ? `${rel}/${e.name}` : e.name
      if (e.isDirectory()) walk(path.join(dir, e.name), r)
      else if (keep(r)) {
        const dest = `/home/pyodide/app/${r}`
        py.FS.mkdirTree(dest.slice(0, dest.lastIndexOf('/')))
        py.FS.writeFile(dest, fs.readFileSync(path.join(dir, e.name)))
      }
    }
  }
  walk(APP, '')
}

const STARTUP_FACTS = `
import sys, os, json
json.dumps([sorted(sys.modules), sorted(os.environ), sys.path, sys.flags.dont_write_bytecode])`

async function run(py: Py, lines: string[]): Promise<string> {
  lines.push(py.runPython(STARTUP_FACTS))
  try {
    await py.runPythonAsync(WORKLOAD)
  } catch (e) {
    lines.push(`!! ${(e as Error).message}`)
  }
  return lines.join('\n')
}

describe('Pyodide with a bundle runs like stock Pyodide', () => {
  it('the workload prints exactly the same', async () => {
    const bundle = await appBundle()

    const stockLines: string[] = []
    const stock = await loadPyodide({ stdout: (s) => stockLines.push(s), stderr: (s) => stockLines.push(`stderr: ${s}`) })
    copyApp(stock, () => true)
    const expected = await run(stock, stockLines)

    const reads: string[] = []
    let prefetched = 0
    const lines: string[] = []
    const py = await loadPyodideWithBundle({
      bundle,
      root: '/home/pyodide/app',
      onRead: (n, pre) => {
        reads.push(n)
        if (pre) prefetched++
      },
      stdout: (s) => lines.push(s),
      stderr: (s) => lines.push(`stderr: ${s}`),
    })
    const built = openBundle(bundle)
    try {
      expect(built.dataFiles('shapes')).toEqual(['data/palette.txt'])
    } finally {
      built.close()
    }
    const actual = await run(py, lines)

    expect(expected).not.toContain('!! ')
    expect(expected).toContain('== stdlib specs')
    expect(actual).toEqual(expected)
    // The app and Pyodide's own startup modules came from the bundle.
    // The worker thread delivered at least some modules (how many depends on timing).
    expect(prefetched).toBeGreaterThan(0)
    expect(reads).toEqual(expect.arrayContaining(['encodings', '_pyodide._base', 'pyodide.ffi', 'asyncio', 'shapes', 'shapes.geometry', 'nspkg.plugins.hello', 'tarfile', 'email.parser']))
    const fromElsewhere = py.runPython(`
import sys
[n for n, m in sorted(sys.modules.items())
 if getattr(m, '__spec__', None) is not None and m.__spec__.origin not in ('built-in', 'frozen', None)
 and type(m.__spec__.loader).__name__ != 'BundleLoader' and 'Js' not in type(m.__spec__.loader).__name__]`).toJs()
    // Only the boot module, its sitecustomize and the JS-registered modules are not bundle-loaded.
    expect(fromElsewhere.filter((n: string) => !['_pybundle_boot', 'sitecustomize'].includes(n))).toEqual([])
  })
})
