/**
 * @pybundle/loader: read .pyb bundles in place.
 *
 * openBundle maps the file and checks only the header and section table; module
 * lookups, code objects, strings and constants are resolved lazily from the
 * mapping, with every read bounds-checked. verify() walks everything.
 *
 * This is the Node entry; browser.ts is the same API without openBundle (no
 * Node built-in on its import graph), without the Pyodide snapshot file
 * reader (SPEC.md §17), which only the Node entry of @pybundle/pyodide uses,
 * without encodeWire (`pybundle wire`'s; a page only decodes) and without
 * Bundle.accounting(), savedBySharing() and stats() (extras.ts).
 */
import { accountBundle, savedBySharing } from './accounting.js'
import { bundleStats } from './bundle-stats.js'
import { installExtras } from './extras.js'
import { verify } from './verify.js'

installExtras({ verify, accounting: accountBundle, savedBySharing, stats: bundleStats })

export * from './browser.js'
export { encodeWire } from './wire.js'
export { openBundle, openLayered } from './open-file.js'
export { SNAPSHOT_FORMAT, SNAPSHOT_SUFFIX, bundleHeaderChecksum, checkSnapshotLater, encodeSnapshotFile, readSnapshotFile, readSnapshotHead, readSnapshotLayout, snapshotMatchesBundle } from './snapshot-file.js'
export type { SnapshotFile, SnapshotInfo, SnapshotLayout } from './snapshot-file.js'
export { mapSnapshotFile } from './snapshot-map.js'
