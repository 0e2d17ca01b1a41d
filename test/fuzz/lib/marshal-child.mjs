// @ts-check
/** The marshal fuzz child: see marshal-fuzz.mjs. */
import { PyBundleError } from '@pybundle/errors'
import { codeLayoutForPython, readMarshal, readPyc, valueEquals } from '@pybundle/cpython'
import { handMadeCases, mutatePyc, tokenize } from './marshal-mutate.mjs'
import { Rng } from './rng.mjs'

/** @type {{name: string, minor: number, bytes: Uint8Array}[]} */
let seeds = []
/** @type {import('./marshal-mutate.mjs').Tokens[]} */
let tokens = []
/** @type {any[]} */
let good = []

const LAYOUTS = /** @type {const} */ (['3.8', '3.10', '3.11'])

/** @param {number} globalSeed @param {number} caseNo */
function runCase(globalSeed, caseNo) {
  const rng = new Rng(globalSeed ^ 0x5a5a5a5a, caseNo)
  const si = rng.int(seeds.length)
  const m = mutatePyc(rng, seeds[si].bytes, tokens[si])
  /** @type {string[]} */
  const codes = []
  /** @type {any} */
  let foreign = null
  let accepted = false
  const h0 = process.memoryUsage().heapUsed
  const attempt = (/** @type {string} */ step, /** @type {() => unknown} */ fn) => {
    try {
      fn()
      return true
    } catch (e) {
      if (e instanceof PyBundleError) codes.push(e.code)
      else foreign ??= { step, message: `${/** @type {Error} */ (e)?.name}: ${/** @type {Error} */ (e)?.message}`, stack: /** @type {Error} */ (e)?.stack }
      return false
    }
  }
  accepted = attempt('readPyc', () => readPyc(m.bytes))
  if (m.bytes.length > 16) {
    attempt('readMarshal', () => readMarshal(m.bytes, { pythonMinor: seeds[si].minor, offset: 16 }))
    attempt('readMarshal.otherLayout', () => readMarshal(m.bytes, { layout: rng.pick(LAYOUTS), offset: 16 }))
  }
  const h1 = process.memoryUsage().heapUsed
  return { caseNo, seed: seeds[si].name, desc: m.desc, kind: m.kind, accepted, codes, foreign, heapDelta: h1 - h0 }
}

process.on('message', (/** @type {any} */ msg) => {
  if (msg.type === 'init') {
    seeds = msg.seeds
    tokens = seeds.map((s) => tokenize(s.bytes, 16, codeLayoutForPython(s.minor)))
    good = seeds.map((s) => readPyc(s.bytes).code)
    process.send?.({ type: 'ready' })
  } else if (msg.type === 'batch') {
    for (const c of msg.cases) process.send?.({ type: 'case', result: runCase(msg.seed, c) })
    const drift = seeds.some((s, i) => !valueEquals(readPyc(s.bytes).code, good[i]))
    process.send?.({ type: 'batchDone', drift })
  } else if (msg.type === 'handMade') {
    const results = handMadeCases().map((h) => {
      let got = null
      try {
        readMarshal(h.bytes, { pythonMinor: 11 })
      } catch (e) {
        got = e instanceof PyBundleError ? e.code : `FOREIGN ${String(e)}`
      }
      return { name: h.name, want: h.code, got }
    })
    process.send?.({ type: 'handMade', results })
  } else if (msg.type === 'exit') process.exit(0)
})
