/**
 * The Pyodide memory snapshot beside a bundle (`<bundle>.snapshot`, SPEC.md §17),
 * as `inspect` shows it and `verify` checks it: intact (header, description and
 * snapshot checksums) and made from this very bundle (its size and header checksum).
 * Which Pyodide it belongs to is shown, not judged: that is for the one who loads it.
 */
import { readFileSync } from 'node:fs'
import { PyBundleError } from '@pybundle/errors'
import { SNAPSHOT_SUFFIX, readSnapshotFile, snapshotMatchesBundle } from '@pybundle/loader'
import type { Bundle } from '@pybundle/loader'

export interface SnapshotReport {
  file: string
  ok: boolean
  size: number
  /** The first problem, when not ok. */
  problem?: { code: string; offset: number; message: string }
  formatVersion?: string
  pyodide?: { version: string; buildId: string; wasmSha256: string }
  /** Modules imported before the snapshot was taken, the names that failed, and sys.modules' size in it. */
  imports?: string[]
  failed?: { name: string; error: string }[]
  modules?: number
}

/** The snapshot beside `file`, or null when there is none. */
export function snapshotReport(bundle: Bundle, file: string): SnapshotReport | null {
  const path = file + SNAPSHOT_SUFFIX
  let bytes: Uint8Array
  try {
    bytes = readFileSync(path)
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null
    return { file: path, ok: false, size: 0, problem: { code: 'IO', offset: 0, message: `cannot read it: ${(e as Error).message}` } }
  }
  try {
    const s = readSnapshotFile(bytes)
    const base = {
      file: path, size: bytes.length, formatVersion: s.formatVersion,
      pyodide: { version: s.info.pyodideVersion, buildId: s.info.pyodideBuildId, wasmSha256: s.info.wasmSha256 },
      imports: s.info.imports, failed: s.info.failed, modules: s.info.modules.length,
    }
    if (!snapshotMatchesBundle(s.info, bundle)) {
      return { ...base, ok: false, problem: { code: 'MALFORMED', offset: 64, message: 'it was made from another bundle (an earlier build?): rebuild, or delete it' } }
    }
    return { ...base, ok: true }
  } catch (e) {
    if (!(e instanceof PyBundleError)) throw e
    return { file: path, ok: false, size: bytes.length, problem: { code: e.code, offset: e.offset ?? 0, message: e.message } }
  }
}

export function snapshotLine(s: SnapshotReport): string {
  if (!s.ok) return `  snapshot    ${s.file}: DAMAGED: [${s.problem!.code}] at byte ${s.problem!.offset}: ${s.problem!.message}`
  const f = s.failed!.length
  return `  snapshot    ${s.file}: ok, Pyodide ${s.pyodide!.version} (BUILD_ID ${s.pyodide!.buildId.slice(0, 12)}, wasm sha256 ${s.pyodide!.wasmSha256.slice(0, 12)}), ${s.imports!.length} modules imported, ${s.modules} in sys.modules${f ? `, ${f} failed to import` : ''}`
}
