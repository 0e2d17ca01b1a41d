/**
 * What the writer takes: modules with their code objects in the exact value model.
 * Produced by the build pipeline (manifest -> resolve -> compile) or by tests directly.
 */
import type { PyCode } from '@pybundle/cpython'

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
}
