/** The shared cache directory for expensive test inputs: os.tmpdir()/pybundle-test-cache. */
import { createHash } from 'node:crypto'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'

export const CACHE_DIR = path.join(os.tmpdir(), 'pybundle-test-cache')

/** A file path in the cache for `kind` keyed by the hash of `parts`. */
export function cachePath(kind: string, parts: (string | number)[], ext = 'bin'): string {
  fs.mkdirSync(CACHE_DIR, { recursive: true })
  const key = createHash('sha256').update(parts.join('\0')).digest('hex').slice(0, 20)
  return path.join(CACHE_DIR, `${kind}-${key}.${ext}`)
}

/** Write then rename, so a concurrent reader never sees half a file. */
export function writeFileAtomic(file: string, data: Uint8Array | string): void {
  const tmp = `${file}.${process.pid}.${Date.now()}.tmp`
  fs.writeFileSync(tmp, data)
  fs.renameSync(tmp, file)
}
