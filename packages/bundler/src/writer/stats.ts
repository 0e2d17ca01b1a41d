/**
 * Build statistics, for the CLI to print and for tests to check.
 *
 * Sharing (`sharing`): for each data section (STRD, CDAT, BLOB), `bytes` is
 * what the section holds, and `perModuleBytes` is what it would hold if
 * records were deduplicated only inside each module, as separate .pyc files
 * share them through marshal references: the sum, over modules, of the padded
 * sizes of the distinct records that module references, directly or through
 * another record (a tuple's elements, a STR constant's string, a BYTES
 * constant's blob). Module names and paths count for their module. CODE
 * constants count in both. Table entries (STRT, CNST) are not counted: a
 * code object's slices are the same size either way. `savedBytes` =
 * perModuleBytes - bytes, summed over the three sections.
 */
import type { ResourceSectionName, SectionName } from '@pybundle/format-spec'
import type { ResourceStats } from './resources.js'

export interface SectionSharing {
  /** Bytes the section holds in this bundle. */
  bytes: number
  /** Bytes it would hold with deduplication inside each module only. */
  perModuleBytes: number
}

export interface BundleStats {
  modules: number
  /** Namespace packages (no code). */
  namespaceModules: number
  codeObjects: number
  strings: {
    /** STRT entries. */
    entries: number
    /** Distinct string records in STRD (= data entries). */
    records: number
    /** Redirect entries. */
    redirects: number
    /** Data entries outside any code object's slice (strings only constants use). */
    extraEntries: number
  }
  consts: {
    /** CNST entries. */
    entries: number
    /** Records in CDAT (= data entries; includes one CODE record per nested code object). */
    records: number
    redirects: number
    /** Data entries outside any slice: tuple/frozenset/slice elements placed before a slice. */
    extraEntries: number
  }
  blobs: {
    /** Non-empty blobs the file refers to (bytecode, tables, bytes constants, names, paths), before dedupe. */
    references: number
    /** Distinct blobs stored. */
    distinct: number
  }
  /** Bytes per section, without the padding that follows it. */
  sections: Record<SectionName, number>
  /** Bytes per resource section (§15), when the bundle has them. */
  resourceSections: Record<ResourceSectionName, number> | undefined
  /** Data files, distributions, sources and build info (zeros when the bundle has none). */
  resources: ResourceStats
  /** Header plus section table. */
  headerBytes: number
  fileSize: number
  sharing: {
    strings: SectionSharing
    consts: SectionSharing
    blobs: SectionSharing
    /** Sum of perModuleBytes minus sum of bytes. */
    savedBytes: number
    /**
     * All sharing, against storing every entry: the padded size of each redirect's
     * target record, summed over STRT and CNST (what `pybundle inspect` reports as
     * sharing.savedVsNone, counted while writing).
     */
    savedVsNone: number
  }
}
