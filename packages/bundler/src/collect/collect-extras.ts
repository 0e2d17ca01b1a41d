/**
 * What a build carries besides code (issue 14): package data files,
 * distribution metadata and, on request, module sources. One call for the
 * build pipeline; each part is in its own file.
 */
import { dirname } from 'node:path'
import type { Interpreter } from '../interpreter/interpreter.js'
import type { Manifest } from '../manifest/read-manifest.js'
import type { ResolvedModule } from '../resolve/resolve-modules.js'
import { collectData, MAX_DATA_FILE_SIZE, readSources, type CollectedData } from './data.js'
import { readDistributions, scanDistributions, type CollectedMetadata, type DistributionScan } from './metadata.js'

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

/**
 * Collect data, metadata and sources for the bundled `modules`, as the manifest asks. `compiled`: the
 * sources as the compile step read them, by module name; stored as they are (the bytes compiled, even if
 * the file changed since), only the others are read here (a file only the interpreter sees).
 */
export async function collectExtras(
  manifest: Manifest, interpreter: Interpreter, modules: readonly ResolvedModule[], started?: Promise<DistributionScan> | null,
  compiled?: ReadonlyMap<string, Uint8Array>,
): Promise<Extras> {
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
  let sources: Map<string, Uint8Array> | null = null
  if (manifest.sources) {
    const known = compiled ?? new Map<string, Uint8Array>()
    const read = await readSources(modules.filter((m) => !known.has(m.name)), interpreter, manifest.timeout)
    sources = new Map()
    // The limit readSources applies (the format's for any stored payload): a bigger source is left without its text.
    for (const [name, bytes] of known) if (bytes.length <= MAX_DATA_FILE_SIZE) sources.set(name, bytes)
    for (const [name, bytes] of read) sources.set(name, bytes)
  }
  return { data, metadata, sources }
}
