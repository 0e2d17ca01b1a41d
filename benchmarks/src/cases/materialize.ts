/**
 * Case 3, full materialization: every code object of the stdlib bundle, into the
 * exact value model (CodeView.materialize() of every module body, recursively),
 * against the project's marshal reader over the same modules' .pyc bytes (in
 * memory) and CPython's marshal.loads over those bytes.
 */
import { readFileSync } from 'node:fs'
import { readPyc } from '@pybundle/cpython'
import { openBundle } from '@pybundle/loader'
import { measure, onePerSample } from '../harness.js'
import { lines, pythonMarshal, fmtRatio, type CaseResult } from '../case.js'
import type { Fixture } from '../fixtures.js'

export async function materializeCase(stdlib: Fixture, quick: boolean): Promise<CaseResult> {
  const names = stdlib.modules.filter((m) => m.pycRel).map((m) => m.name)
  const pycs = stdlib.pycFiles.map((f) => readFileSync(f))
  const bytes = pycs.reduce((s, b) => s + b.length - 16, 0)
  const opts = onePerSample(quick, 20_000)
  const g = `stdlib (${names.length} modules)`
  const samples = await measure(
    [
      {
        name: 'pybundle materialize()',
        note: 'openBundle + materialize() of every module body (recursively) + close',
        run() {
          const b = openBundle(stdlib.bundle)
          let n = 0
          for (const name of names) n += b.getModule(name)!.code!.materialize().consts.length
          b.close()
          return n
        },
      },
      {
        name: 'project marshal reader (readPyc)',
        note: 'readPyc of every .pyc, bytes already in memory',
        run() {
          let n = 0
          for (const p of pycs) n += readPyc(p).code.consts.length
          return n
        },
      },
    ],
    opts,
  )
  const py = pythonMarshal('CPython marshal.loads (C)', stdlib.pycFiles, opts, 'python3 subprocess, bytes in memory')
  const ls = lines([
    { sample: samples[0], group: g, baseline: true, bytesPerOp: bytes },
    { sample: samples[1], group: g, bytesPerOp: bytes },
    { sample: py, group: g, bytesPerOp: bytes },
  ])
  return {
    id: 'materialize',
    title: '3. full materialization (stdlib)',
    description: 'one operation: every code object of every stdlib module built into the exact value model; MB/s over the marshal bytes of the same modules',
    lines: ls,
    tables: [],
    targets: [
      { id: 'materialize-vs-reader', description: 'full materialization at least 1.5x faster than the project marshal reader', value: `${fmtRatio(ls[1].ratio)} faster`, met: ls[1].ratio >= 1.5 },
    ],
    notes: ['One operation per sample (each takes long enough); the loader starts each from a fresh open, so none of its caches carry over.'],
    data: { marshalBytes: bytes, modules: names.length },
  }
}
