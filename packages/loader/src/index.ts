/**
 * @pybundle/loader: read .pyb bundles in place.
 *
 * openBundle maps the file and checks only the header and section table; module
 * lookups, code objects, strings and constants are resolved lazily from the
 * mapping, with every read bounds-checked. verify() walks everything.
 */
export { openBundle, openBundleFromBuffer } from './bundle.js'
export { Bundle } from './bundle.js'
export type { BundleStats, OpenOptions, SectionStats } from './bundle.js'
export { CodeView, ModuleView } from './views.js'
export type { ConstValue, LazyList, SourceInfo } from './views.js'
export type { VerifyOptions, VerifyProblem, VerifyReport } from './verify.js'
export type { BuildInfo } from '@pybundle/format-spec'
export { SNAPSHOT_FORMAT, SNAPSHOT_SUFFIX, bundleHeaderChecksum, encodeSnapshotFile, readSnapshotFile } from './snapshot-file.js'
export type { SnapshotFile, SnapshotInfo } from './snapshot-file.js'
