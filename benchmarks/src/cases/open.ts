/**
 * Case 1, open: openBundle + getModule + close on the startup bundle and on the
 * whole-stdlib bundle, against what a JS host does without pybundle: a zip of the
 * same .pyc files (its directory read with yauzl, or the whole file with fflate)
 * and a folder of .pyc files (stat + read).
 */
import { measure, type Contender } from '../harness.js'
import { lines, fmtNs, fmtRatio, type CaseResult, type Grouped } from '../case.js'
import { pybundleOpen, yauzlOpen, fflateOpen, folderOpen } from '../contenders.js'
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
    )
  }
  const samples = await measure(
    contenders.map((x) => x.c),
    quick ? { rounds: 7, budgetMs: 3000, warmupMs: 100 } : { rounds: 31, budgetMs: 12_000, warmupMs: 300, sampleMs: 25 },
  )
  contenders.forEach((x, i) => items.push({ sample: samples[i], group: x.g, baseline: x.baseline ?? false }))
  const ls = lines(items)
  const pbStartup = ls[0]
  const pbStdlib = ls[4]
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
      'openBundle of an unchanged file reuses the process\'s mapping of it (packages/loader/src/mapping-cache.ts: one stat per open, keyed by dev, inode, size and times); before that cache every open mapped the file again and V8, counting each mapping as external memory of the whole file, collected about once per open, so the cost grew with the file (1.43 ms on the stdlib bundle). The first open in a process maps the file and loads mmap-io\'s addon: see case 5.',
    ],
    data: { lookup: { startup: lookupName(startup), stdlib: lookupName(stdlib) } },
  }
}
