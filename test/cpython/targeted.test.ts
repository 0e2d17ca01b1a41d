/**
 * Targeted round trips: values the stdlib rarely or never has (NaN payloads,
 * -0.0 next to 0 and False, lone surrogates, huge ints, 70,000 constants,
 * nesting at marshal's depth limit), built in each interpreter, read and
 * rewritten by TS, and compared exactly in that interpreter.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { isPyBundleError } from '@pybundle/errors'
import {
  codeLayoutForPython, pyFloat, readMarshal, writeMarshal, type PyCode, type PyValue,
} from '@pybundle/cpython'
import { compareInInterpreter, tryLoadsInInterpreter } from '../helpers/compare.js'
import { decodeRecords } from '../helpers/container.js'
import { findInterpreters, findPyodide, type Interpreter } from '../helpers/pythons.js'
import { runPython } from '../helpers/run-python.js'

const { found } = findInterpreters()
const py314 = findPyodide()
const targets = 'interp' in py314 && !found.some((f) => f.minor === 14) ? [...found, py314.interp] : found

async function pythonCases(interp: Interpreter): Promise<{ name: string; bytes: Uint8Array }[]> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pybundle-targeted-'))
  try {
    const file = path.join(dir, 'cases.bin')
    await runPython(interp.executable, 'targeted_cases.py', [file])
    return decodeRecords(fs.readFileSync(file)).map(([n, b]) => ({ name: new TextDecoder().decode(n), bytes: new Uint8Array(b) }))
  } finally {
    fs.rmSync(dir, { recursive: true, force: true })
  }
}

const nested = (levels: number) => Uint8Array.from(Buffer.from('2901'.repeat(levels) + '4e', 'hex'))

function tsOutcome(bytes: Uint8Array, minor: number, maxDepth?: number): string {
  try {
    readMarshal(bytes, { pythonMinor: minor, maxDepth })
    return 'ok'
  } catch (e) {
    if (isPyBundleError(e)) return e.code
    throw e
  }
}

describe.each(targets.map((f) => [f.full, f] as const))('targeted round trips in %s', (_v, interp) => {
  const layout = codeLayoutForPython(interp.minor)
  const version = interp.marshalVersion === 5 ? 5 : 4

  it('reproduces every targeted case exactly', async () => {
    const cases = await pythonCases(interp)
    expect(cases.map((c) => c.name)).toEqual(expect.arrayContaining(['70000-consts', 'deep-at-limit']))
    const pairs = cases.map((c) => ({
      name: c.name,
      original: c.bytes,
      candidate: writeMarshal(readMarshal(c.bytes, { pythonMinor: interp.minor }), { version, layout }),
    }))
    // the TS side keeps what JS numbers cannot: check a few directly too
    const zeros = readMarshal(cases.find((c) => c.name === 'zeros')!.bytes, { pythonMinor: interp.minor }) as PyCode
    expect(zeros.consts.slice(0, 4).map((c) => c.kind)).toEqual(['int', 'float', 'float', 'bool'])
    const r = await compareInInterpreter(interp, pairs)
    expect(r.mismatches).toEqual([])
    expect(r.matched).toBe(cases.length)
  })

  it('accepts and rejects nesting at the depth limit exactly as CPython', async () => {
    // n tuples around None: depth n + 1 (marshal counts the leaf too)
    const limit = interp.marshalMaxDepth
    const blobs = [limit - 2, limit - 1, limit, limit + 1].map((n) => ({
      name: `depth-${n + 1}`,
      bytes: nested(n),
    }))
    const py = await tryLoadsInInterpreter(interp, blobs)
    for (const b of blobs) {
      const ts = tsOutcome(b.bytes, interp.minor, limit)
      expect({ name: b.name, ts: ts === 'ok' ? 'ok' : 'rejected', py: py[b.name] === 'ok' ? 'ok' : 'rejected' })
        .toEqual({ name: b.name, ts: py[b.name] === 'ok' ? 'ok' : 'rejected', py: py[b.name] === 'ok' ? 'ok' : 'rejected' })
      if (ts !== 'ok') expect(ts).toBe('LIMIT_EXCEEDED')
    }
    expect(py[`depth-${limit}`]).toBe('ok')
    expect(py[`depth-${limit + 1}`]).toMatch(/recursion limit|too deep|nested/i)
    // the deepest readable value also round-trips through the TS writer, which refuses one level more
    const deepest = nested(limit - 1)
    const value = readMarshal(deepest, { pythonMinor: interp.minor, maxDepth: limit })
    const candidate = writeMarshal(value, { version, layout, maxDepth: limit })
    expect(() => writeMarshal({ kind: 'tuple', items: [value] }, { version, layout, maxDepth: limit })).toThrow(/nested deeper/)
    const r = await compareInInterpreter(interp, [{ name: 'deepest', original: deepest, candidate }])
    expect(r).toMatchObject({ matched: 1, mismatchCount: 0 })
  })

  it('rejects the same malformed code objects as CPython', async () => {
    const base = writeMarshal(readMarshal((await pythonCases(interp)).find((c) => c.name === 'zeros')!.bytes, { pythonMinor: interp.minor }), { version, layout })
    const code = readMarshal(base, { pythonMinor: interp.minor }) as PyCode
    const variants: Record<string, PyCode> = {
      'argcount-over-varnames': { ...code, argcount: 3 },
      'posonly-over-argcount': { ...code, posonlyargcount: 1 },
      'negative-stacksize': { ...code, stacksize: -1 },
    }
    if (layout === '3.11') variants['odd-co_code'] = { ...code, code: new Uint8Array([...code.code, 0]) }
    const blobs = Object.entries(variants).map(([name, c]) => ({ name, bytes: writeMarshal(c, { version, layout }) }))
    const py = await tryLoadsInInterpreter(interp, blobs)
    for (const b of blobs) {
      expect({ name: b.name, py: py[b.name] === 'ok' ? 'ok' : 'rejected' }).toEqual({ name: b.name, py: 'rejected' })
      expect({ name: b.name, ts: tsOutcome(b.bytes, interp.minor) }).toEqual({ name: b.name, ts: 'MALFORMED' })
    }
  })
})

describe('the comparison itself', () => {
  it('catches a flipped sign on a zero deep in the constants (negative control)', async () => {
    const interp = found.find((f) => f.minor === 11) ?? found[0]
    const cases = await pythonCases(interp)
    const src = readMarshal(cases.find((c) => c.name === 'zeros')!.bytes, { pythonMinor: interp.minor }) as PyCode
    const consts: PyValue[] = [...src.consts]
    consts[5] = { kind: 'tuple', items: [pyFloat(0)] } // (-0.0,) -> (0.0,)
    const layout = codeLayoutForPython(interp.minor)
    const candidate = writeMarshal({ ...src, consts }, { version: 4, layout })
    const r = await compareInInterpreter(interp, [{ name: 'zeros', original: cases.find((c) => c.name === 'zeros')!.bytes, candidate }])
    expect(r.mismatchCount).toBe(1)
    expect(r.mismatches[0]).toMatchObject({ where: 'co_consts[5][0]' })
    expect(r.mismatches[0].detail).toMatch(/float bits 0000000000000080 != 0000000000000000/)
  })
})
