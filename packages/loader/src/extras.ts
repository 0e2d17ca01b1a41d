/**
 * The Bundle methods that only tools call (accounting(), savedBySharing(),
 * stats(): `pybundle inspect`, the report) and verify(), installed by the entry
 * that carries them rather than imported by bundle.ts: the Node entry
 * (index.ts) installs all four; the browser entry (browser.ts) installs verify
 * alone, the page entry (page.ts) verify when asked (loadVerify), which keeps the others' code out of every page's JavaScript (a page's
 * bundler keeps whatever bundle.ts imports, used or not).
 */
import { fail } from '@pybundle/errors'
import type { BundleAccounting } from './accounting.js'
import type { BundleStats } from './bundle-stats.js'
import type { Core } from './core.js'
import type { VerifyOptions, VerifyReport } from './verify.js'

export interface BundleExtras {
  verify: (core: Core, options?: VerifyOptions) => VerifyReport
  accounting: (core: Core) => BundleAccounting
  savedBySharing: (core: Core) => number
  stats: (core: Core) => BundleStats
}

const installed: Partial<BundleExtras> = {}

/** @internal Called once by each entry. */
export function installExtras(extras: Partial<BundleExtras>): void {
  Object.assign(installed, extras)
}

/** @internal The installed method, or BAD_ARGUMENT naming the entry that has it. */
export function extra<K extends keyof BundleExtras>(name: K): BundleExtras[K] {
  const f = installed[name]
  if (f === undefined && name === 'verify') fail('BAD_ARGUMENT', 'Bundle.verify() is loaded on demand in @pybundle/loader/page: await loadVerify() first (or import @pybundle/loader/browser, which has it)')
  if (f === undefined) fail('BAD_ARGUMENT', `Bundle.${name}() is not in @pybundle/loader/browser (pages leave it out): call it under Node, from @pybundle/loader`)
  return f
}
