/**
 * What the writer takes: modules with their code objects in the exact value model.
 * Produced by the build pipeline (manifest -> resolve -> compile) or by tests directly.
 */
import type { PyCode } from '@pybundle/cpython'
import type { BuildInfo } from '@pybundle/format-spec'

export type { BuildInfo }

export interface SourceStamp {
  /** Source size in bytes. */
  size: number
  /** Source mtime in nanoseconds since the epoch. */
  mtimeNs: bigint
  /** xxh64 (seed 0) of the source bytes. */
  hash: bigint
}

export interface ModuleInput {
  /** Dotted module name, e.g. "email.mime.text". */
  name: string
  isPackage: boolean
  /** A namespace package: isPackage too, and no code. */
  isNamespace: boolean
  /** Compiled from a .pyc without source. */
  sourceless?: boolean
  /** Source path relative to its search-path root, '/'-separated ('' when none): "email/mime/text.py". */
  path: string
  /** The module's top-level code object; null only for namespace packages. */
  code: PyCode | null
  /** For staleness checks; omitted = unknown (stored as zeros). */
  source?: SourceStamp
  /** The module's .py source bytes when [modules] sources = true (exactly the bytes that were compiled). SPEC.md §15.4. */
  sourceBytes?: Uint8Array
}

/** A package data file (SPEC.md §15). */
export interface DataFileInput {
  /** Dotted name of the nearest enclosing bundled *regular* package, e.g. "jinja2" or "babel". */
  package: string
  /** '/'-separated path relative to that package's folder, e.g. "templates/base.html", "locale-data/en.dat". */
  path: string
  bytes: Uint8Array
}

/** A distribution's metadata folder (or single file) as it sits on sys.path (SPEC.md §15). */
export interface DistributionInput {
  /** The entry's name as it sits on sys.path: "Jinja2-3.1.2.dist-info", "PyYAML-6.0.egg-info". */
  name: string
  /** true when the entry is a single file (old-style "foo.egg-info" file holding PKG-INFO text): then files has exactly one entry with path "PKG-INFO". */
  isFile?: boolean
  /** Files relative to the entry folder, '/'-separated: "METADATA", "entry_points.txt", "RECORD", "top_level.txt" ... */
  files: { path: string; bytes: Uint8Array }[]
}

export interface PythonTarget {
  /** pyc magic number, e.g. 3495 for 3.11. */
  magic: number
  major: number
  minor: number
  /** marshal.version: 4 for 3.8-3.13, 5 for 3.14. */
  marshalVersion: number
}

export interface BundleInput {
  python: PythonTarget
  optimize: 0 | 1 | 2
  /** Any order; the writer sorts by UTF-8 name bytes. Names must be unique. */
  modules: ModuleInput[]
  /** Package data files, any order; (package, path) pairs must be unique. */
  data?: DataFileInput[]
  /** Distribution metadata, any order; names must be unique. */
  distributions?: DistributionInput[]
  /** JSON-serialisable build provenance, stored verbatim (UTF-8 JSON) and returned by Bundle.buildInfo(). */
  buildInfo?: BuildInfo
  /** A layered bundle (SPEC.md §16): the base it is read with, stored in its BASE section (format 1.2). */
  base?: BaseInput
}

/** The identity of a base bundle (SPEC.md §16). */
export interface BaseInput {
  /** The base's header_checksum. */
  checksum: bigint
  /** The base's file size. */
  fileSize: number
  /** The base's pyc magic: must equal the app's. */
  pythonMagic: number
  /** Where the base is, relative to the app bundle ("stdlib.pyb"). */
  name: string
}
