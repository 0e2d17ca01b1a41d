// @ts-check
/**
 * Differential test of the marshal reader against CPython's marshal.loads (the
 * reference), per interpreter: the same mutated pycs go to both, and they must
 * agree on accept/reject (and, when both accept, on the top-level type).
 * CPython runs once per interpreter over a file of length-prefixed frames.
 */
import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { PyBundleError } from '@pybundle/errors'
import { codeLayoutForPython, readMarshal } from '@pybundle/cpython'
import { buildPycSeeds } from './marshal-fuzz.mjs'
import { mutatePyc, tokenize } from './marshal-mutate.mjs'
import { interpreters } from './seeds.mjs'
import { Rng } from './rng.mjs'

const here = dirname(fileURLToPath(import.meta.url))
const TYPE_NAMES = { none: 'NoneType', bool: 'bool', ellipsis: 'ellipsis', stopiteration: 'type', int: 'int', float: 'float', complex: 'complex', str: 'str', bytes: 'bytes', tuple: 'tuple', list: 'list', dict: 'dict', set: 'set', frozenset: 'frozenset', slice: 'slice', code: 'code' }

/** @param {{seed: number, casesPerVersion: number}} opts */
export function runMarshalDifferential(opts) {
  const seeds = buildPycSeeds()
  const dir = mkdtempSync(join(tmpdir(), 'pybundle-marshal-diff-'))
  const stats = { cases: 0, agree: 0, bothAccept: 0, bothReject: 0, weAcceptOnly: /** @type {string[]} */ ([]), cpythonAcceptsOnly: /** @type {string[]} */ ([]), typeDiffers: /** @type {string[]} */ ([]), foreign: /** @type {string[]} */ ([]), oracleCrashes: /** @type {string[]} */ ([]) }
  try {
    for (const py of interpreters()) {
      const mine = seeds.map((s, i) => ({ s, i })).filter(({ s }) => s.minor === py.minor)
      if (!mine.length) continue
      const tokens = mine.map(({ s }) => tokenize(s.bytes, 16, codeLayoutForPython(s.minor)))
      const cases = []
      for (let c = 0; c < opts.casesPerVersion; c++) {
        const rng = new Rng(opts.seed ^ 0x0d1ff, py.minor * 1_000_000 + c)
        const k = rng.int(mine.length)
        const m = mutatePyc(rng, mine[k].s.bytes, tokens[k])
        if (m.bytes.length < 16 || m.kind === 'header') continue
        cases.push({ c, name: mine[k].s.name, desc: m.desc, payload: m.bytes.subarray(16) })
      }
      const frames = Buffer.concat(cases.flatMap((x) => {
        const len = Buffer.alloc(4)
        len.writeUInt32LE(x.payload.length)
        return [len, Buffer.from(x.payload)]
      }))
      const file = join(dir, `frames-3.${py.minor}.bin`)
      writeFileSync(file, frames)
      /** @type {string[]} */
      const verdicts = []
      while (verdicts.length < cases.length) {
        const r = spawnSync(py.exe, ['-I', join(here, 'marshal_loads.py'), file, String(verdicts.length)], { encoding: 'utf8', maxBuffer: 1 << 26, timeout: 300_000 })
        verdicts.push(...r.stdout.split('\n').filter((l) => l !== ''))
        if (r.status === 0) break
        // CPython died on the frame after the last verdict: note it, skip it.
        const x = cases[verdicts.length]
        stats.oracleCrashes.push(`python3.${py.minor} ${r.signal ?? r.status} on case ${x?.c} [${x?.name}] ${x?.desc}`)
        verdicts.push('crash')
      }
      cases.forEach((x, i) => {
        const ref = verdicts[i] ?? 'missing'
        /** @type {string} */
        let ours
        try {
          const v = readMarshal(x.payload, { pythonMinor: py.minor })
          ours = `ok ${TYPE_NAMES[v.kind]}`
        } catch (e) {
          ours = e instanceof PyBundleError ? `err ${e.code}` : `foreign ${String(e)}`
        }
        stats.cases++
        const where = `3.${py.minor} case ${x.c} [${x.name}] ${x.desc}: CPython ${ref}, ours ${ours}`
        if (ours.startsWith('foreign')) stats.foreign.push(where)
        else if (ref === 'crash') return
        else if (ref.startsWith('ok') && ours.startsWith('ok')) {
          stats.bothAccept++
          if (ref === ours || (ref === 'ok type' && ours === 'ok type')) stats.agree++
          else stats.typeDiffers.push(where)
        } else if (ref.startsWith('err') && ours.startsWith('err')) {
          stats.bothReject++
          stats.agree++
        } else if (ours.startsWith('ok')) stats.weAcceptOnly.push(where)
        else stats.cpythonAcceptsOnly.push(where)
      })
    }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
  return stats
}

/** @param {ReturnType<typeof runMarshalDifferential>} s */
export function formatDifferential(s) {
  const lines = [
    `marshal differential vs CPython: ${s.cases} cases, agree ${s.agree} (both accept ${s.bothAccept}, both reject ${s.bothReject}); we accept / CPython rejects ${s.weAcceptOnly.length}; CPython accepts / we reject ${s.cpythonAcceptsOnly.length}; type differs ${s.typeDiffers.length}; foreign ${s.foreign.length}; oracle crashes ${s.oracleCrashes.length}`,
  ]
  for (const x of [...s.weAcceptOnly.slice(0, 5), ...s.cpythonAcceptsOnly.slice(0, 5), ...s.typeDiffers.slice(0, 3), ...s.foreign.slice(0, 3), ...s.oracleCrashes]) lines.push(`  ${x}`)
  return lines.join('\n')
}
