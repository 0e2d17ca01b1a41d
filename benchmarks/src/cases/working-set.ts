/**
 * Case 2, the startup working set: every module CPython imports at startup (the
 * modules of examples/startup.toml's bundle), looked up and its top-level code
 * touched: bytecode, every name, every constant, shallow. Against (a) each .pyc
 * read from disk and parsed by the project's marshal reader, (b) the same from
 * a zip, (c) CPython's C marshal.loads of the same bytes inside python3.
 */
import { join } from 'node:path'
import { measure, type MeasureOptions } from '../harness.js'
import { lines, pythonMarshal, fmtRatio, type CaseResult } from '../case.js'
import { pybundleWorkingSet, pycWorkingSet, zipWorkingSet } from '../contenders.js'
import { pycTreeDir, startupImports, type Fixture } from '../fixtures.js'

/** What `python3 -c pass` imports that the startup bundle holds with code (the bundle also has every encodings.* module). */
export function startupSet(startup: Fixture): { names: string[]; rels: string[]; files: string[] } {
  const want = new Set(startupImports(startup))
  const mods = startup.modules.filter((m) => m.pycRel && want.has(m.name))
  return { names: mods.map((m) => m.name), rels: mods.map((m) => m.pycRel), files: mods.map((m) => join(pycTreeDir(), m.pycRel)) }
}

export async function workingSetCase(startup: Fixture, stdlib: Fixture, quick: boolean): Promise<CaseResult> {
  const set = startupSet(startup)
  const inStdlib = new Set(stdlib.modules.map((m) => m.name))
  const stdNames = set.names.filter((n) => inStdlib.has(n))
  const opts: MeasureOptions = quick ? { rounds: 7, budgetMs: 4000, warmupMs: 200 } : { rounds: 31, budgetMs: 15_000, warmupMs: 500, sampleMs: 30 }
  const g = `startup set (${set.names.length} modules)`
  const zipNote = `the zip holds the startup bundle's ${startup.modules.length} modules`
  const samples = await measure(
    [
      pybundleWorkingSet('pybundle startup.pyb', startup.bundle, set.names),
      pycWorkingSet('(a) .pyc files + project marshal reader', set.files),
      zipWorkingSet('(b) zip + project marshal reader', startup.zip, set.rels),
      pybundleWorkingSet(`pybundle stdlib.pyb (${stdNames.length} of them)`, stdlib.bundle, stdNames),
    ],
    opts,
  )
  const py = pythonMarshal('(c) CPython marshal.loads (C)', set.files, opts, 'marshal.loads of each .pyc body, bytes in memory; python3 subprocess')
  const ls = lines([
    { sample: samples[0], group: g, baseline: true },
    { sample: samples[1], group: g },
    { sample: samples[2], group: g },
    { sample: py, group: g },
    { sample: samples[3], group: g },
  ])
  const [, a, , c] = ls
  return {
    id: 'working-set',
    title: '2. startup working set',
    description: 'one operation: every startup module looked up and its top-level code touched (bytecode, every name, every constant, shallow), from a cold open',
    lines: ls,
    tables: [],
    targets: [
      { id: 'ws-vs-pyc', description: 'startup working set at least 20x faster than (a) .pyc + marshal reader', value: `${fmtRatio(a.ratio)} faster`, met: a.ratio >= 20 },
      { id: 'ws-vs-cpython', description: 'startup working set faster than (c) CPython marshal.loads', value: `${fmtRatio(c.ratio)} faster`, met: c.ratio > 1 },
    ],
    notes: [
      `(c) runs in python3 with its own warm-up and samples, after the JS contenders; marshal.loads builds every code object of each module (nothing is lazy), as CPython does on import.`,
      `(b) ${zipNote}; the ${set.names.length} are unzipped.`,
      `.pyc bytes of the set: ${py.bytes.toLocaleString('en-US')} (code objects, without the 16-byte headers).`,
    ],
    data: { modules: set.names, pycBytes: py.bytes },
  }
}
