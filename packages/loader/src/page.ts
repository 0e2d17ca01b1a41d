/**
 * @pybundle/loader, page entry: the browser entry (browser.ts) with verify()
 * loaded on demand (loadVerify), for a page's own JavaScript, where every byte
 * of what the entry imports is downloaded by every visitor (@pybundle/pyodide's
 * browser entry uses it; verify is 1.9 KB brotli). Nothing reachable from here
 * imports a Node built-in (test/pyodide/browser-entry.test.ts).
 */
import { installExtras } from './extras.js'

/** Make Bundle.verify() (and openBundleFromBuffer's verify option) work here: imports verify.ts once. */
export async function loadVerify(): Promise<void> {
  installExtras({ verify: (await import('./verify.js')).verify })
}

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
// A page restoring a Pyodide memory snapshot (@pybundle/pyodide's browser-snapshot.ts, its worker) reads the file with these.
export { bundleHeaderChecksum, checkSnapshotLater, readSnapshotFile, readSnapshotHead, readSnapshotLayout } from './snapshot-file.js'
export type { SnapshotFile, SnapshotInfo, SnapshotLayout } from './snapshot-file.js'
