export { writeBundle, writeBundleWithStats } from './write-bundle.js'
export type { WriteResult } from './write-bundle.js'
export { writeBundleFile, writeFileAtomic } from './write-file.js'
export type { BundleStats, SectionSharing } from './stats.js'
