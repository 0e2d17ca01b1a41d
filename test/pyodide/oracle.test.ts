/**
 * The exactness oracle for CPython 3.14, with Pyodide as the reference: Pyodide's
 * stdlib compiled by Pyodide, then
 *   (a) read and re-written by @pybundle/cpython (readMarshal -> writeMarshal, version 5),
 *   (b) taken out of a .pyb built by the real pipeline with python = "pyodide"
 *       (writer, then loader: code.toMarshal()),
 *   (c) the same through bundle.toPyc() (header checked, body compared),
 * each loaded back by Pyodide's marshal.loads and compared field by field with
 * the original in Pyodide (py/compare314.py, i.e. test/helpers/py/compare.py: exact types, float bits,
 * every co_* field, then the canonical marshal.dumps(x, 2)).
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { readMarshal, writeMarshal, type PyValue } from '@pybundle/cpython'
import { openBundle } from '@pybundle/loader'
import { encodeRecords } from '../helpers/container.js'
import type { CompareResult, ComparePair } from '../helpers/compare.js'
import { appBundle, HERE, pyodideInterpreter, pyodideStdlibMarshal } from './helpers.js'

async function compareInPyodide(pairs: ComparePair[]): Promise<CompareResult> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pybundle-pyodide-compare-'))
  const file = path.join(dir, 'pairs.bin')
  try {
    fs.writeFileSync(file, encodeRecords(pairs.map((p) => [p.name, p.original, p.candidate])))
    const r = await pyodideInterpreter().runScript({ path: path.join(HERE, 'py/compare314.py') }, [file])
    if (r.exitCode !== 0) throw new Error(`compare.py in Pyodide failed: ${r.stderr}`)
    return JSON.parse(r.stdout.toString('utf8')) as CompareResult
  } finally {
    fs.rmSync(dir, { recursive: true, force: true })
  }
}

/** Slice constants (new in marshal version 5) in a value, so the test knows it covered them. */
function countSlices(v: PyValue): number {
  switch (v.kind) {
    case 'slice':
      return 1 + countSlices(v.start) + countSlices(v.stop) + countSlices(v.step)
    case 'tuple': case 'list': case 'set': case 'frozenset':
      return v.items.reduce((n, x) => n + countSlices(x), 0)
    case 'dict':
      return v.entries.reduce((n, [k, x]) => n + countSlices(k) + countSlices(x), 0)
    case 'code':
      return v.consts.reduce((n, x) => n + countSlices(x), 0)
    default:
      return 0
  }
}

describe('CPython 3.14 exactness, Pyodide as the oracle', () => {
  it('Pyodide stdlib: marshal round-trip, .pyb toMarshal and toPyc all load to the original objects', async () => {
    const original = await pyodideStdlibMarshal()
    const bundle = openBundle(await appBundle())
    try {
      expect(bundle.magic).toBe(3627)
      expect(bundle.marshalVersion).toBe(5)
      expect(original.size).toBeGreaterThan(500)
      const pairs: ComparePair[] = []
      const missing: string[] = []
      let slices = 0
      for (const [name, bytes] of original) {
        const value = readMarshal(bytes, { pythonMinor: 14 })
        pairs.push({ name: `rw:${name}`, original: bytes, candidate: writeMarshal(value, { version: 5, layout: '3.11' }) })
        slices += countSlices(value)
        const m = bundle.getModule(name)
        if (m === undefined || m.code === null) {
          missing.push(name)
          continue
        }
        pairs.push({ name: `pyb:${name}`, original: bytes, candidate: m.code.toMarshal() })
        const pyc = bundle.toPyc(name)
        expect([pyc[0] | (pyc[1] << 8), pyc[2], pyc[3]]).toEqual([3627, 0x0d, 0x0a])
        pairs.push({ name: `pyc:${name}`, original: bytes, candidate: pyc.subarray(16) })
      }
      expect(slices).toBeGreaterThan(0)
      // What the bundle leaves out of the stdlib folder is what resolve.py skips
      // (e.g. __main__ files are bundled; names that are not identifiers are not).
      expect(missing.length).toBeLessThan(10)
      const r = await compareInPyodide(pairs)
      expect(r.mismatches.slice(0, 5)).toEqual([])
      expect(r.mismatchCount).toBe(0)
      expect(r.matched).toBe(pairs.length)
      console.log(`pyodide oracle: ${original.size} modules, ${pairs.length} pairs matched; not in the bundle: ${missing.join(', ')}`)
    } finally {
      bundle.close()
    }
  })
})
