/**
 * @pybundle/loader, browser entry: the whole reader over bytes in memory
 * (openBundleFromBuffer, e.g. on the ArrayBuffer of a fetch()), without
 * openBundle, which maps files. Nothing reachable from here imports a Node
 * built-in (test/loader/browser-entry.test.ts walks the import graph).
 */
import { installExtras } from './extras.js'
import { verify } from './verify.js'

// Bundle.verify() (and the verify option) here; accounting(), savedBySharing() and stats() are the Node
// entry's (tools call them, pages do not: 1.3 KB brotli of every page's JavaScript). extras.ts.
installExtras({ verify })

export { openBundleFromBuffer } from './bundle.js'
export { Bundle } from './bundle.js'
export type { BundleStats, OpenOptions, SectionStats } from './bundle.js'
export type { BundleAccounting, ModuleBytes } from './accounting.js'
export { BundleLayers, checkBase, layerBundles } from './layers.js'
export type { BaseRef } from './header.js'
export { CodeView, ModuleView } from './views.js'
// encodeWire is the Node entry's (index.ts): pages receive wire files, `pybundle wire` makes them, and
// what this entry exports reaches every page that imports it (0.8 KB brotli of encoder left out).
export { decodeWire, isWire, readWireHeader } from './wire.js'
export type { WireInfo, WireRange } from './wire.js'
export type { ConstValue, LazyList, SourceInfo } from './views.js'
export type { VerifyOptions, VerifyProblem, VerifyReport } from './verify.js'
export type { BuildInfo } from '@pybundle/format-spec'
