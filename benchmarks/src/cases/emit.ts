/**
 * Case 4, emission: Bundle.toPyc of every stdlib module, what an embedding hands
 * to CPython; MB/s of .pyc bytes produced. For scale, the project's marshal
 * writer (writePyc) over the same modules already materialized.
 */
import { readFileSync } from 'node:fs'
import { readPyc, writePyc, type PyCode } from '@pybundle/cpython'
import { openBundle } from '@pybundle/loader'
import { measure, onePerSample } from '../harness.js'
import { lines, type CaseResult } from '../case.js'
import type { Fixture } from '../fixtures.js'

export async function emitCase(stdlib: Fixture, quick: boolean): Promise<CaseResult> {
  const names = stdlib.modules.filter((m) => m.pycRel).map((m) => m.name)
  // Output size, measured once (the same every time).
  let outBytes = 0
  {
    const b = openBundle(stdlib.bundle)
    for (const n of names) outBytes += b.toPyc(n).length
    b.close()
  }
  const codes: PyCode[] = stdlib.pycFiles.map((f) => readPyc(readFileSync(f)).code)
  const magic = openBundle(stdlib.bundle)
  const m = magic.magic
  magic.close()
  let writerBytes = 0
  for (const c of codes) writerBytes += writePyc(c, { magic: m }).length
  const opts = onePerSample(quick, 15_000)
  const g = `stdlib (${names.length} modules)`
  const samples = await measure(
    [
      {
        name: 'pybundle toPyc',
        note: 'openBundle + toPyc(name) of every module + close',
        run() {
          const b = openBundle(stdlib.bundle)
          let n = 0
          for (const name of names) n += b.toPyc(name).length
          b.close()
          return n
        },
      },
      {
        name: 'project marshal writer (writePyc)',
        note: 'writePyc of every module, code objects already materialized (not counted)',
        run() {
          let n = 0
          for (const c of codes) n += writePyc(c, { magic: m }).length
          return n
        },
      },
    ],
    opts,
  )
  const ls = lines([
    { sample: samples[0], group: g, baseline: true, bytesPerOp: outBytes },
    { sample: samples[1], group: g, bytesPerOp: writerBytes },
  ])
  return {
    id: 'emit',
    title: '4. emission: toPyc',
    description: 'one operation: a .pyc for every stdlib module; MB/s of .pyc bytes produced',
    lines: ls,
    tables: [],
    targets: [],
    notes: [`toPyc produces ${outBytes.toLocaleString('en-US')} bytes of .pyc for ${names.length} modules; CPython's own .pyc files of them total ${stdlib.pycBytes.toLocaleString('en-US')} bytes.`],
    data: { outBytes, writerBytes, cpythonPycBytes: stdlib.pycBytes },
  }
}
