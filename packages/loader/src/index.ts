/**
 * @pybundle/loader: read .pyb bundles in place.
 *
 * openBundle maps the file and checks only the header and section table; module
 * lookups, code objects, strings and constants are resolved lazily from the
 * mapping, with every read bounds-checked. verify() walks everything.
 *
 * This is the Node entry; browser.ts is the same API without openBundle and
 * openLayered (no Node built-in on its import graph), without the snapshot
 * file's writer and mapping (encodeSnapshotFile, mapSnapshotFile; a page reads
 * a snapshot, SPEC.md §17), without encodeWire (`pybundle wire`'s; a page only
 * decodes) and without Bundle.accounting(), savedBySharing() and stats()
 * (extras.ts); page.ts is browser.ts with verify() loaded on demand.
 */
import { accountBundle, savedBySharing } from './accounting.js'
import { bundleStats } from './bundle-stats.js'
import { installExtras } from './extras.js'
import { verify } from './verify.js'

installExtras({ verify, accounting: accountBundle, savedBySharing, stats: bundleStats })

export * from './browser.js'
export { encodeWire } from './wire.js'
export { openBundle, openLayered } from './open-file.js'
// The snapshot file's reader comes with browser.js; these are the Node side's (pybundle build, inspect, verify).
export { SNAPSHOT_FORMAT, SNAPSHOT_SUFFIX, encodeSnapshotFile, snapshotMatchesBundle } from './snapshot-file.js'
export { mapSnapshotFile } from './snapshot-map.js'
