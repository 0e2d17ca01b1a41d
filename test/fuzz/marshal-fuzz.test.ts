/**
 * Issue 6 §2: the marshal reader (readPyc/readMarshal) on mutated real .pyc files
 * from every interpreter installed: forged lengths, nesting past the limit, refs to
 * unfilled or missing slots, invalid UTF-8 in str payloads, unknown type codes, plus
 * hand-made inputs that must each fail with a named code.
 */
import { describe, expect, it } from 'vitest'
// @ts-expect-error plain ESM harness
import { formatMarshalStats, runMarshalFuzz } from './lib/marshal-fuzz.mjs'

describe('marshal reader fuzz (fixed seed)', () => {
  it('2000 mutated pycs: only PyBundleError escapes, no hang, reader unaffected', async () => {
    const s = await runMarshalFuzz({ seed: 0x5eed_0006, cases: 2000 })
    console.log(formatMarshalStats(s))
    expect(s.cases).toBe(2000)
    expect(s.crashes).toBe(0)
    expect(s.hangs).toBe(0)
    expect(s.foreign).toEqual([])
    expect(s.drift).toBe(0)
    expect(s.maxHeapDelta).toBeLessThan(64 * 2 ** 20)
    for (const code of ['TRUNCATED', 'MALFORMED', 'LIMIT_EXCEEDED', 'BAD_REF', 'BAD_UTF8', 'BAD_TYPE_CODE']) expect(s.codes[code] ?? 0, code).toBeGreaterThan(0)
    expect(s.handMade.filter((h: { want: string | null; got: string | null }) => h.want !== h.got)).toEqual([])
  })
})

// @ts-expect-error plain ESM harness
import { formatDifferential, runMarshalDifferential } from './lib/marshal-differential.mjs'

describe('marshal reader vs CPython marshal.loads (differential, every interpreter installed)', () => {
  it('mutated pycs: accept/reject and the top-level type agree with CPython', () => {
    const s = runMarshalDifferential({ seed: 0x5eed_0006, casesPerVersion: 150 })
    console.log(formatDifferential(s))
    expect(s.cases).toBeGreaterThan(0)
    expect(s.foreign).toEqual([])
    expect(s.weAcceptOnly.slice(0, 10)).toEqual([])
    expect(s.cpythonAcceptsOnly.slice(0, 10)).toEqual([])
    expect(s.typeDiffers.slice(0, 10)).toEqual([])
  })
})
