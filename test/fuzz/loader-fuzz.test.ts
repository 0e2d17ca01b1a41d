/**
 * Issue 6 §1: the loader under hostile input, a bounded run with a fixed seed.
 * Long runs: `npm run fuzz -- --seconds N [--seed S]` (test/fuzz/fuzz.mjs).
 *
 * Each case mutates a real bundle (bit flips, special bytes, truncation at random
 * points and section boundaries, forged header/table/record/entry fields aimed with
 * format-spec's layout, circular/forward/two-hop redirects, MIDX slots pointed
 * anywhere, appended garbage, inserted/deleted bytes, padding bytes), then opens it
 * from memory and through mmap, verifies, lists, looks up every module, walks every
 * code view and every get(i), materializes and emits (toMarshal, toPyc). A third of
 * the cases recompute every checksum after forging, so forged structure gets past the
 * checksums and reaches the structural checks.
 */
import { describe, expect, it } from 'vitest'
// @ts-expect-error plain ESM harness (runs in child processes, so it is not TypeScript)
import { formatStats, runFuzz } from './lib/run.mjs'

const SEED = 0x5eed_0006
const CASES = 2000

let s: any

describe('loader fuzz (fixed seed)', () => {
  it(`${CASES} mutated bundles: only PyBundleError escapes, no hang, bounded memory, verify detects every unrepaired change`, async () => {
    s = await runFuzz({ seed: SEED, cases: CASES, batchBudgetMs: 60_000 })
    console.log(formatStats(s))
    expect(s.cases + s.crashes.length + s.hangs.length).toBe(CASES)
    expect(s.crashes).toEqual([])
    expect(s.hangs).toEqual([])
    expect(s.foreign).toEqual([])
    // The loader reads the pristine seeds exactly as before after every batch.
    expect(s.drift).toEqual([])
    // verify() reports every changed file (checksums left as they were), padding included.
    expect(s.detection.undetected).toEqual([])
    expect(s.detection.detected).toBe(s.detection.checked)
    expect(s.padding.detected).toBe(s.padding.cases)
    // Contract findings that must never happen.
    for (const kind of ['verify-threw', 'verify-foreign', 'verify-inconsistent', 'size-beyond-file', 'buffer-vs-file', 'usable-after-close', 'close', 'listed-not-found', 'verify-ok-read-failed', 'emit-differs', 'code-reached-twice']) {
      expect(s.findings[kind]?.examples ?? [], kind).toEqual([])
    }
    // Nothing sized by a forged count: seeds are < 130 KB, so tens of MiB is plenty.
    expect(s.memory.maxHeapDelta).toBeLessThan(64 * 2 ** 20)
    expect(s.memory.maxArrayBuffersDelta).toBeLessThan(64 * 2 ** 20)
    expect(s.memory.maxRss).toBeLessThan(512 * 2 ** 20)
    // Enough of the error space is reached for the run to mean something.
    for (const code of ['TRUNCATED', 'MALFORMED', 'BAD_MAGIC', 'UNSUPPORTED_VERSION', 'OUT_OF_BOUNDS', 'MISALIGNED', 'BAD_REDIRECT', 'BAD_INDEX', 'CHECKSUM_MISMATCH']) {
      expect(s.codes[code] ?? 0, code).toBeGreaterThan(0)
    }
  })

  // Forgeries with repaired checksums that verify() calls intact: the .pyc the loader then emits must be one
  // CPython loads (readMarshal applies CPython's own checks: code-object counts, the pyc magic of the version).
  it('verify() ok implies toMarshal()/toPyc() output that CPython accepts', () => {
    expect(s, 'the fuzz run above did not finish').toBeDefined()
    expect(s.findings['verify-ok-emit-unreadable']?.examples ?? []).toEqual([])
  })
})
