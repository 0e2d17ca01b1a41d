/**
 * The loader fuzz aimed at format 1.1's resource sections (SPEC.md §15): every
 * case mutates the seed that has package data, distributions, sources and build
 * info, with the same mutators (forged PKGS/DIST/FILE/SRCS fields among them)
 * and the same assertions as loader-fuzz.test.ts.
 */
import { describe, expect, it } from 'vitest'
// @ts-expect-error plain ESM harness (runs in child processes, so it is not TypeScript)
import { formatStats, runFuzz } from './lib/run.mjs'

const SEED = 0x5eed_0014
const CASES = 600

describe('resource-section fuzz (fixed seed)', () => {
  it(`${CASES} mutated bundles with data, metadata, sources and build info: only PyBundleError escapes, verify detects every unrepaired change`, async () => {
    const s = await runFuzz({ seed: SEED, cases: CASES, batchBudgetMs: 60_000, seedNames: /^resources-/ })
    console.log(formatStats(s))
    expect(s.seeds).toHaveLength(1)
    expect(s.cases + s.crashes.length + s.hangs.length).toBe(CASES)
    expect(s.crashes).toEqual([])
    expect(s.hangs).toEqual([])
    expect(s.foreign).toEqual([])
    expect(s.drift).toEqual([])
    expect(s.detection.undetected).toEqual([])
    expect(s.detection.detected).toBe(s.detection.checked)
    for (const kind of ['verify-threw', 'verify-inconsistent', 'size-beyond-file', 'buffer-vs-file', 'usable-after-close', 'close', 'listed-not-found', 'verify-ok-read-failed']) {
      expect(s.findings[kind]?.examples ?? [], kind).toEqual([])
    }
    // every resource section was hit by changes that verify caught
    for (const region of ['PKGS', 'DIST', 'FILE', 'SRCS', 'RSTR', 'INFO', 'DATA']) {
      expect(s.detection.byRegion[region]?.[1] ?? 0, region).toBeGreaterThan(0)
    }
  })
})
