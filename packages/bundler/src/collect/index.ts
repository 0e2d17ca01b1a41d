/**
 * What a build carries besides code (issue 14): package data files,
 * distribution metadata and, on request, module sources. One call for the
 * build pipeline; each part is in its own file.
 */
import { dirname } from 'node:path'
import type { Interpreter } from '../interpreter/index.js'
import type { Manifest } from '../manifest/index.js'
import type { ResolvedModule } from '../resolve/index.js'
import { collectData, readSources, type CollectedData } from './data.js'
import { readDistributions, scanDistributions, type CollectedMetadata, type DistributionScan } from './metadata.js'

export { collectData, readSources, MAX_DATA_FILE_SIZE, type CollectedData, type CollectDataOptions, type DataPackage, type SkippedData } from './data.js'
export { readDistributions, scanDistributions, topLevelRoots, type CollectedMetadata, type DistributionScan, type InstalledDistribution, type SkippedMetadata } from './metadata.js'
export { dataPathProblem, fnmatcher } from './paths.js'

export interface Extras {
  /** null when [modules] data = false. */
  data: CollectedData | null
  /** null when [modules] metadata = false. */
  metadata: CollectedMetadata | null
  /** Source bytes by module name; null unless [modules] sources = true. */
  sources: Map<string, Uint8Array> | null
}

/**
 * Start the interpreter's part (which distributions provide `modules`, its extension suffixes) as soon as
 * resolution is done, so it overlaps compilation; null when neither data nor metadata is wanted.
 */
export function startDistributionScan(manifest: Manifest, interpreter: Interpreter, modules: readonly ResolvedModule[]): Promise<DistributionScan> | null {
  if (!manifest.data && !manifest.metadata) return null
  const scan = scanDistributions(interpreter, { paths: manifest.paths, metadata: manifest.metadata, modules, cwd: manifest.dir, timeout: manifest.timeout })
  scan.catch(() => {}) // awaited (and its error thrown) by collectExtras; never an unhandled rejection meanwhile
  return scan
}

/** Collect data, metadata and sources for the bundled `modules`, as the manifest asks. */
export async function collectExtras(manifest: Manifest, interpreter: Interpreter, modules: readonly ResolvedModule[], started?: Promise<DistributionScan> | null): Promise<Extras> {
  let data: CollectedData | null = null
  let metadata: CollectedMetadata | null = null
  if (manifest.data || manifest.metadata) {
    const scan = await (started ?? startDistributionScan(manifest, interpreter, modules)!)
    if (manifest.data) {
      const packages = modules
        .filter((m) => m.isPackage && m.kind !== 'namespace' && m.file !== null)
        .map((m) => ({ name: m.name, dir: dirname(m.file!) }))
      data = await collectData(packages, { exclude: manifest.excludeData, extensionSuffixes: scan.extensionSuffixes, interpreter, timeout: manifest.timeout })
    }
    if (manifest.metadata) {
      metadata = await readDistributions(scan.distributions)
      metadata.skipped.unshift(...scan.skipped)
    }
  }
  const sources = manifest.sources ? await readSources(modules, interpreter, manifest.timeout) : null
  return { data, metadata, sources }
}
