/** An entry of `pybundle extract`'s plan (extract.ts), apart so extract-files.ts can make entries without importing extract.ts back. */
import type { ModuleKind } from './inspect.js'

/**
 * One thing extract makes under --out. `from` says which bundle entry it comes
 * from; other entry kinds (package data files, distribution metadata) add their
 * own `from` variant and plan entries, and go through the same checks.
 */
export interface PlanEntry {
  /** Target, relative to --out, '/'-separated. */
  path: string
  /** A file gets `bytes()`; a folder is only created. */
  type: 'file' | 'folder'
  from:
    | { kind: 'module'; name: string; moduleKind: ModuleKind }
    | { kind: 'data'; package: string; path: string }
    | { kind: 'metadata'; distribution: string; path: string }
    | { kind: 'source'; name: string }
  /** Produces the file's bytes, called when it is written (type 'file'). */
  bytes?: () => Uint8Array
}
