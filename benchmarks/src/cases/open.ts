/**
 * Case 1, open: openBundle + getModule + close on the startup bundle and on the
 * whole-stdlib bundle, against what a JS host does without pybundle: a zip of the
 * same .pyc files (its directory read with yauzl, or the whole file with fflate)
 * and a folder of .pyc files (stat + read).
 */
import { measure, type Contender } from '../harness.js'
import { lines, fmtNs, fmtRatio, type CaseResult, type Grouped } from '../case.js'
import { pybundleOpen, pybundleOpenReused, yauzlOpen, fflateOpen, folderOpen } from '../contenders.js'
import { pycTreeDir, type Fixture } from '../fixtures.js'

/** The module a lookup asks for: `os` when the bundle has it (it always does for these). */
export function lookupName(f: Fixture): string {
  return f.modules.some((m) => m.name === 'os') ? 'os' : f.modules[0].name
}

export async function openCase(startup: Fixture, stdlib: Fixture, quick: boolean): Promise<CaseResult> {
  const tree = pycTreeDir()
  const items: Grouped[] = []
  const contenders: { g: string; c: Contender; baseline?: boolean }[] = []
  for (const f of [startup, stdlib]) {
    const mod = lookupName(f)
    const rel = f.modules.find((m) => m.name === mod)!.pycRel
    const g = `${f.name} (${f.modules.length} modules)`
    contenders.push(
      { g, c: pybundleOpen(`pybundle ${f.name}.pyb`, f.bundle, mod), baseline: true },
      { g, c: yauzlOpen(`zip ${f.name}, yauzl`, f.zip, rel) },
      { g, c: fflateOpen(`zip ${f.name}, fflate`, f.zip, rel) },
      { g, c: folderOpen(`.pyc folder, stat + read`, tree, rel) },
      { g, c: pybundleOpenReused(`pybundle, mapping reused (prototype fix)`, f.bundle, mod) },
    )
  }
  const samples = await measure(
    contenders.map((x) => x.c),
    quick ? { rounds: 7, budgetMs: 3000, warmupMs: 100 } : { rounds: 31, budgetMs: 12_000, warmupMs: 300, sampleMs: 25 },
  )
  contenders.forEach((x, i) => items.push({ sample: samples[i], group: x.g, baseline: x.baseline ?? false }))
  const ls = lines(items)
  const pbStartup = ls[0]
  const pbStdlib = ls[5]
  const reusedStartup = ls[4]
  const reusedStdlib = ls[9]
  const r = pbStdlib.median / pbStartup.median
  return {
    id: 'open',
    title: '1. open + lookup',
    description: 'one operation: open the container, find one module, close (pybundle: openBundle + getModule + close)',
    lines: ls,
    tables: [],
    targets: [
      { id: 'open-under-50us', description: 'open + lookup under 50 µs (both bundles)', value: `${fmtNs(pbStartup.median)} startup, ${fmtNs(pbStdlib.median)} stdlib`, met: pbStartup.median < 50_000 && pbStdlib.median < 50_000 },
      { id: 'open-flat', description: 'open + lookup within 1.5x between the startup and the stdlib bundle', value: `stdlib / startup = ${fmtRatio(r)}`, met: r <= 1.5 && r >= 1 / 1.5 },
    ],
    notes: [
      `With the mapping reused (a per-file mapping cache, prototyped here through openBundleFromBuffer) open + lookup takes ${fmtNs(reusedStartup.median)} (startup) and ${fmtNs(reusedStdlib.median)} (stdlib): ${reusedStdlib.median < 50_000 && reusedStartup.median < 50_000 ? 'under' : 'still over'} 50 µs, stdlib / startup = ${fmtRatio(reusedStdlib.median / reusedStartup.median)}. openBundle maps the file anew every time, and V8 counts each mapping as external memory of the whole file size, so the GC it triggers grows with the file.`,
    ],
    data: { lookup: { startup: lookupName(startup), stdlib: lookupName(stdlib) } },
  }
}
