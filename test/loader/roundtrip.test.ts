/**
 * Issue acceptance: for every local interpreter, its whole stdlib corpus (tests
 * included) -> writeBundle -> openBundle, then for every module:
 *  - materialize() equals the readMarshal value exactly (valueEquals), and
 *  - toPyc()'s marshal part loads in that interpreter to exactly the original
 *    object (compareInInterpreter).
 * Bundles are cached under the test cache dir, keyed by the corpus and the writer build.
 */
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { firstDifference, readMarshal, type PyCode } from '@pybundle/cpython'
import { writeBundle, type ModuleInput } from '@pybundle/bundler'
import { openBundle } from '@pybundle/loader'
import { cachePath, writeFileAtomic } from '../helpers/cache.js'
import { compareInInterpreter, type CompareMismatch, type ComparePair } from '../helpers/compare.js'
import { findInterpreters, type Interpreter } from '../helpers/pythons.js'
import { stdlibCorpus } from '../helpers/stdlib-corpus.js'
import { pool } from '../helpers/pool.js'

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')

/** Everything that shapes the bundle bytes: the writer's and the layout's built code. */
function writerFingerprint(): string {
  const parts: string[] = []
  for (const dir of ['packages/bundler/dist/writer', 'packages/format-spec/dist']) {
    const abs = path.join(ROOT, dir)
    for (const f of fs.readdirSync(abs).filter((f) => f.endsWith('.js')).sort()) parts.push(f, fs.readFileSync(path.join(abs, f), 'utf8'))
  }
  return parts.join('\0')
}

interface VersionReport {
  version: string
  full: string
  modules: number
  materializeMatched: number
  pycMatched: number
  mismatchCount: number
  firstMismatches: CompareMismatch[]
  bundleBytes: number
  pycBytes: number
  cached: boolean
}

async function roundTrip(interp: Interpreter, fingerprint: string): Promise<VersionReport> {
  const corpus = await stdlibCorpus(interp)
  // The writer wants unique names (foo.py next to foo/__init__.py cannot both be imported: the package wins).
  const byName = new Map<string, (typeof corpus.modules)[number]>()
  for (const m of corpus.modules) if (!byName.has(m.name) || m.isPackage) byName.set(m.name, m)
  const mods = [...byName.values()]
  const originals = new Map<string, PyCode>()
  for (const m of mods) originals.set(m.name, readMarshal(m.marshal, { pythonMinor: interp.minor }) as PyCode)

  const file = cachePath('loader-bundle', [interp.executable, interp.full, corpus.bytes, mods.length, fingerprint], 'pyb')
  const cached = fs.existsSync(file)
  if (!cached) {
    const modules: ModuleInput[] = mods.map((m) => ({
      name: m.name,
      isPackage: m.isPackage,
      isNamespace: false,
      path: m.path,
      code: originals.get(m.name)!,
      source: { size: m.marshal.length, mtimeNs: 1_700_000_000_000_000_000n + BigInt(m.marshal.length), hash: 0n },
    }))
    const bytes = await writeBundle({ python: { magic: interp.magic, major: 3, minor: interp.minor, marshalVersion: interp.marshalVersion }, optimize: 0, modules })
    writeFileAtomic(file, bytes)
  }

  const bundle = openBundle(file)
  const mismatches: CompareMismatch[] = []
  let materializeMatched = 0
  const pairs: ComparePair[] = []
  try {
    expect(bundle.pythonVersion).toBe(interp.version)
    expect(bundle.magic).toBe(interp.magic)
    expect(bundle.moduleCount).toBe(mods.length)
    const report = bundle.verify()
    for (const p of report.problems) mismatches.push({ name: p.path, where: `<verify ${p.code} @${p.offset} ${p.section}>`, detail: p.message })
    for (const m of mods) {
      try {
        const view = bundle.getModule(m.name)
        if (!view) throw new Error('not found in the bundle')
        const diff = firstDifference(view.code!.materialize(), originals.get(m.name)!)
        if (diff === undefined) materializeMatched++
        else mismatches.push({ name: m.name, where: '<materialize>', detail: diff })
        const pyc = bundle.toPyc(m.name)
        const dv = new DataView(pyc.buffer, pyc.byteOffset, 16)
        if (dv.getUint16(0, true) !== interp.magic || dv.getUint32(4, true) !== 0 || dv.getUint32(12, true) !== m.marshal.length) {
          mismatches.push({ name: m.name, where: '<pyc header>', detail: Buffer.from(pyc.subarray(0, 16)).toString('hex') })
        }
        pairs.push({ name: m.name, original: m.marshal, candidate: pyc.subarray(16) })
      } catch (e) {
        mismatches.push({ name: m.name, where: '<loader>', detail: String(e) })
      }
    }
  } finally {
    bundle.close()
  }
  const r = await compareInInterpreter(interp, pairs)
  return {
    version: interp.version,
    full: interp.full,
    modules: mods.length,
    materializeMatched,
    pycMatched: r.matched,
    mismatchCount: mismatches.length + r.mismatchCount,
    firstMismatches: [...mismatches, ...r.mismatches].slice(0, 10),
    bundleBytes: fs.statSync(file).size,
    pycBytes: mods.reduce((n, m) => n + 16 + m.marshal.length, 0),
    cached,
  }
}

describe('stdlib round trip through a .pyb bundle', () => {
  it('every module of every interpreter: materialize() and toPyc() are exact', async () => {
    const { found, skipped, python3 } = findInterpreters()
    const fingerprint = writerFingerprint()
    const reports = await pool(found, 2, (i) => roundTrip(i, fingerprint))
    const mb = (n: number): string => (n / 1e6).toFixed(1)
    const lines = ['stdlib -> writeBundle -> openBundle -> materialize / toPyc -> compare in CPython:']
    for (const r of reports) {
      lines.push(
        `  ${r.version} (${r.full}): ${r.modules} modules, materialize matched ${r.materializeMatched}, ` +
          `toPyc matched in CPython ${r.pycMatched}, ${r.mismatchCount} mismatches; ` +
          `bundle ${mb(r.bundleBytes)} MB vs .pyc total ${mb(r.pycBytes)} MB (${((100 * r.bundleBytes) / r.pycBytes).toFixed(1)}%)${r.cached ? ' [cached bundle]' : ''}`,
      )
      for (const m of r.firstMismatches) lines.push(`      ${m.name}: ${m.where}: ${m.detail}`)
    }
    for (const s of skipped) lines.push(`  skipped ${s.version}: ${s.reason}`)
    console.log(lines.join('\n'))

    expect(python3, 'python3 must run').toBeDefined()
    expect(reports.map((r) => r.full)).toContain(python3!.full)
    for (const r of reports) {
      expect(r.modules).toBeGreaterThan(500)
      expect({ version: r.version, mismatches: r.mismatchCount, first: r.firstMismatches }).toEqual({ version: r.version, mismatches: 0, first: [] })
      expect(r.materializeMatched).toBe(r.modules)
      expect(r.pycMatched).toBe(r.modules)
    }
  })
})
