/**
 * The one folder walk of the collectors (package data in data.ts, distribution
 * folders in metadata.ts): depth first, names in UTF-8 byte order, `__pycache__`
 * left out, symlinks followed, a folder already on the current path (same
 * dev+ino) skipped as a loop. Whatever cannot be listed, named or stat'ed is
 * handed to `skip` with the reason; the visitor decides about everything else.
 */
import type { Stats } from 'node:fs'
import { readdir } from 'node:fs/promises'
import { join } from 'node:path'
import { statFollowing } from './read-file.js'

export interface FolderVisitor {
  /** An entry left out and why; `path` is relative to the walk's root, '/'-separated ('' for the root). */
  skip(path: string, reason: string): void
  /** A folder about to be entered, by its dev:ino: false to leave it (and all below it) out, silently. */
  enter?(key: string): boolean
  /** Any entry that is not a folder (a regular file or not: the visitor checks). */
  file(path: string, full: string, st: Stats): void | Promise<void>
}

const utf8 = new TextDecoder('utf-8', { fatal: true })

/** The dev:ino key of a stat, as loops and `enter` compare folders. */
export function folderKey(st: Stats): string {
  return `${st.dev}:${st.ino}`
}

/** Walk the folder `dir` (whose folderKey is `key`), calling `visitor` for each entry below it. */
export async function walkFolder(dir: string, key: string, visitor: FolderVisitor): Promise<void> {
  await walk(dir, '', new Set([key]), visitor)
}

async function walk(dir: string, rel: string, onPath: Set<string>, visitor: FolderVisitor): Promise<void> {
  let names: Buffer[]
  try {
    names = await readdir(dir, { encoding: 'buffer' })
  } catch (e) {
    visitor.skip(rel, `unreadable folder: ${(e as NodeJS.ErrnoException).code ?? 'error'}`)
    return
  }
  names.sort((a, b) => Buffer.compare(a, b))
  for (const raw of names) {
    let name: string
    try {
      name = utf8.decode(raw)
    } catch {
      visitor.skip(rel === '' ? raw.toString('utf8') : `${rel}/${raw.toString('utf8')}`, 'a file name that is not valid UTF-8')
      continue
    }
    if (name === '__pycache__') continue
    const path = rel === '' ? name : `${rel}/${name}`
    const full = join(dir, name)
    const s = await statFollowing(full)
    if (!s.ok) {
      visitor.skip(path, s.reason)
      continue
    }
    if (!s.st.isDirectory()) {
      await visitor.file(path, full, s.st)
      continue
    }
    const k = folderKey(s.st)
    if (onPath.has(k)) {
      visitor.skip(path, 'symlink loop')
      continue
    }
    if (visitor.enter?.(k) === false) continue
    onPath.add(k)
    await walk(full, path, onPath, visitor)
    onPath.delete(k)
  }
}
