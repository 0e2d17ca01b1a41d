/**
 * Issue acceptance: for every interpreter found, every stdlib module compiled by
 * it goes TS readMarshal -> TS writeMarshal and must load in that interpreter
 * to exactly the original object (test/helpers/compare.ts).
 */
import { describe, expect, it } from 'vitest'
import { codeLayoutForPython, firstDifference, readMarshal, writeMarshal, type PyValue } from '@pybundle/cpython'
import { compareInInterpreter, type CompareMismatch, type ComparePair } from '../helpers/compare.js'
import { findInterpreters, findPyodide, type Interpreter } from '../helpers/pythons.js'
import { stdlibCorpus } from '../helpers/stdlib-corpus.js'
import { pool } from '../helpers/pool.js'

interface VersionReport {
  version: string
  full: string
  modules: number
  compileFailures: number
  megabytes: number
  /** Slice constants met (3.14 folds x[1:2] into one): proves the ':' path ran on real data. */
  slices: number
  matched: number
  mismatchCount: number
  firstMismatches: CompareMismatch[]
}

async function roundTrip(interp: Interpreter): Promise<VersionReport> {
  const corpus = await stdlibCorpus(interp)
  const layout = codeLayoutForPython(interp.minor)
  const version = interp.marshalVersion === 5 ? 5 : 4
  const pairs: ComparePair[] = []
  const tsErrors: CompareMismatch[] = []
  let slices = 0
  const countSlices = (v: PyValue): void => {
    if (v.kind === 'slice') slices++
    else if (v.kind === 'code') v.consts.forEach(countSlices)
    else if (v.kind === 'tuple' || v.kind === 'frozenset') v.items.forEach(countSlices)
  }
  for (const m of corpus.modules) {
    try {
      const value = readMarshal(m.marshal, { pythonMinor: interp.minor })
      countSlices(value)
      const candidate = writeMarshal(value, { version, layout })
      // the TS reader must also read the TS writer's bytes back to the same value
      const back = firstDifference(value, readMarshal(candidate, { pythonMinor: interp.minor }))
      if (back !== undefined) tsErrors.push({ name: m.name, where: '<typescript re-read>', detail: back })
      pairs.push({ name: m.name, original: m.marshal, candidate })
    } catch (e) {
      tsErrors.push({ name: m.name, where: '<typescript>', detail: String(e) })
    }
  }
  const r = await compareInInterpreter(interp, pairs)
  return {
    version: interp.version,
    full: interp.full,
    modules: corpus.modules.length,
    compileFailures: corpus.failures.length,
    megabytes: corpus.bytes / 1e6,
    slices,
    matched: r.matched,
    mismatchCount: r.mismatchCount + tsErrors.length,
    firstMismatches: [...tsErrors, ...r.mismatches].slice(0, 10),
  }
}

describe('stdlib round trip through the TypeScript marshal reader and writer', () => {
  it('reproduces every module of every interpreter exactly', async () => {
    const { found, skipped, python3 } = findInterpreters()
    // CPython 3.14 (marshal version 5, slice constants) is here only inside Pyodide
    const py314 = findPyodide()
    const all = 'interp' in py314 && !found.some((f) => f.minor === 14) ? [...found, py314.interp] : found
    if ('skipped' in py314) skipped.push(py314.skipped)
    const shown = all.some((f) => f.minor === 14) ? skipped.filter((s) => s.version !== '3.14') : skipped
    const reports = await pool(all, 2, roundTrip)
    const lines = ['stdlib round trip (TS read -> TS write -> compare in CPython):']
    for (const r of reports) {
      lines.push(`  ${r.version} (${r.full}): ${r.modules} modules exercised (${r.megabytes.toFixed(1)} MB marshal, ` +
        `${r.compileFailures} files do not compile${r.slices ? `, ${r.slices} slice constants` : ''}), ${r.matched} matched, ${r.mismatchCount} mismatches`)
      for (const m of r.firstMismatches) lines.push(`      ${m.name}: ${m.where}: ${m.detail}`)
    }
    for (const s of shown) lines.push(`  skipped ${s.version}: ${s.reason}`)
    if (shown.length === 0) lines.push('  skipped: none')
    console.log(lines.join('\n'))

    expect(python3, 'python3 must run').toBeDefined()
    expect(reports.map((r) => r.full)).toContain(python3!.full)
    for (const r of reports) {
      expect(r.modules).toBeGreaterThan(500)
      expect({ version: r.version, mismatches: r.mismatchCount, first: r.firstMismatches }).toEqual({ version: r.version, mismatches: 0, first: [] })
      expect(r.matched).toBe(r.modules)
    }
  })
})
