/**
 * What the report draws: plain JSON-able data, the same figures as
 * `pybundle inspect --json` (see `reportDataFromInspect` in inspect-adapter.ts
 * for the mapping). Nothing here refers to the .pyb bytes: the report knows
 * figures, not the format.
 */

export type ModuleKind = 'module' | 'package' | 'namespace'

/** `unchecked`: the checksums were not verified when the figures were taken. */
export type ChecksumState = 'ok' | 'mismatch' | 'unchecked'

/** Figures of one of the two shared tables (STRT strings, CNST constants). */
export interface TableFigures {
  /** Entries in the table (one per slot of every code object's slice). */
  entries: number
  /** Entries that point at data of their own (stored once). */
  records: number
  /** Entries that redirect to an earlier entry (the sharing). */
  redirects: number
}

export interface SectionFigures {
  /** Four-character section id, e.g. `BLOB`. */
  name: string
  /** Bytes, without the padding that follows. */
  size: number
}

export interface ReportSummary {
  /** `major.minor` of the .pyb format, e.g. `1.0`. */
  formatVersion: string
  /** `major.minor` of the interpreter that compiled the code, e.g. `3.11`. */
  pythonVersion: string
  moduleCount: number
  /** Bytes of the whole file. */
  fileSize: number
  sections: SectionFigures[]
  strings: TableFigures
  consts: TableFigures
  /** Bytes the file would grow by if every redirect stored its own copy. */
  bytesSavedBySharing: number
  checksums: ChecksumState
}

export interface ReportModule {
  /** Dotted name, e.g. `email.parser`. */
  name: string
  kind: ModuleKind
  /** Code records of the module (its body and every nested function/class). */
  codeObjects: number
  /** Bytes of bytecode (co_code) over those code objects. */
  bytecodeBytes: number
  /** Bytes of the file attributed to the module: the treemap's area. */
  bytesAttributed: number
  /** String entries of its code objects that hold their own data. */
  stringsOwned: number
  /** String entries that redirect to an entry stored earlier (shared). */
  stringsShared: number
  constsOwned: number
  constsShared: number
}

/** What a region of the file outside the modules' own bytes is for (`pybundle inspect --json` regions[].kind). */
export type RegionKind = 'header' | 'index' | 'resource-index' | 'data' | 'metadata' | 'sources' | 'build-info' | 'shared' | 'padding'

/**
 * Bytes of the file that no module's bytesAttributed includes, by purpose: with
 * the modules they account for the whole file (a package's data files, a
 * distribution's metadata, the shared string/constant tables, header, indexes, padding).
 */
export interface ReportRegion {
  /** A package name (data), a distribution name (metadata), or a description. */
  name: string
  kind: RegionKind
  bytes: number
}

export interface ReportData {
  summary: ReportSummary
  modules: ReportModule[]
  /** Absent in reports from before format 1.1's inspect: then only the modules are drawn. */
  regions?: ReportRegion[]
}
