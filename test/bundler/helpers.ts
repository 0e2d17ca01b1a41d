/** Shared by the bundler tests: fixture folders. */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'

/** A new private folder under the system's temporary folder. */
export function tmp(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix))
}

/** Write `files` (relative path -> contents) under `root`, making the folders on the way. */
export function write(root: string, files: Record<string, string | Uint8Array>): void {
  for (const [rel, content] of Object.entries(files)) {
    const f = path.join(root, rel)
    fs.mkdirSync(path.dirname(f), { recursive: true })
    fs.writeFileSync(f, content)
  }
}
