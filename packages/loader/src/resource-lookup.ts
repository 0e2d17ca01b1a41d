/**
 * The §15 resources by name, for Bundle's data, distribution and source methods:
 * an owner (a package with data files, or a distribution) found by binary search
 * over its records, then a file in the owner's sorted FILE range (resources.ts
 * reads the records). Names that have no UTF-8 form find nothing.
 */
import { OWNER_FLAG } from '@pybundle/format-spec'
import type { Core } from './core.js'
import { lookup } from './module-index.js'
import { keyBytes, type OwnerKind } from './resources.js'
import { decodeName } from './strings.js'

/** FILE range [first, end) of an owner by name, or undefined. O(log n). */
function ownerRange(c: Core, kind: OwnerKind, name: string): [first: number, end: number] | undefined {
  const r = c.res
  c.mem.alive()
  if (r === undefined) return undefined
  const key = keyBytes(name)
  if (key === undefined) return undefined
  const i = r.findOwner(kind, key)
  if (i < 0) return undefined
  return r.ownerFiles(kind, i)
}

/** Dotted names of the packages that have data files, sorted by UTF-8 bytes (reads every PKGS record). */
export function dataPackages(c: Core): string[] {
  const r = c.res
  c.mem.alive()
  if (r === undefined) return []
  const out: string[] = []
  for (let i = 0; i < r.packageCount; i++) out.push(decodeName(r.ownerNameBytes('PKGS', i), r.ownerField('PKGS', i, 'name_offset')))
  return out
}

/** The distributions, sorted by name; isFile for a single-file "foo.egg-info". */
export function distributions(c: Core): { name: string; isFile: boolean }[] {
  const r = c.res
  c.mem.alive()
  if (r === undefined) return []
  const out: { name: string; isFile: boolean }[] = []
  for (let i = 0; i < r.distCount; i++) {
    const name = r.path(r.ownerNameBytes('DIST', i), r.ownerField('DIST', i, 'name_offset'), true)
    out.push({ name, isFile: (r.distFlags(i) & OWNER_FLAG.SINGLE_FILE) !== 0 })
  }
  return out
}

/** Sorted paths of an owner's files ([] if there is no such owner). O(log n + k). */
export function ownerFiles(c: Core, kind: OwnerKind, owner: string): string[] {
  const range = ownerRange(c, kind, owner)
  if (range === undefined) return []
  const out: string[] = []
  for (let k = range[0]; k < range[1]; k++) out.push(c.res!.filePath(k))
  return out
}

/** One file of an owner as a zero-copy view, or null. O(log n). */
export function ownerFile(c: Core, kind: OwnerKind, owner: string, path: string): Uint8Array | null {
  const range = ownerRange(c, kind, owner)
  if (range === undefined) return null
  const key = keyBytes(path)
  if (key === undefined) return null
  const r = c.res!
  const k = r.findFile(range[0], range[1], key)
  if (k < 0) return null
  r.filePath(k) // the path rules hold for what is handed out (§15.1)
  return r.fileData(k)
}

/** The module's stored .py bytes (a zero-copy view), or null. O(1). */
export function moduleSource(c: Core, module: string): Uint8Array | null {
  c.mem.alive()
  const r = c.res
  if (r === undefined) return null
  const m = lookup(c, module)
  return m < 0 ? null : r.source(m)
}

/** Sorted relative folder paths implied by file paths ("templates", "templates/mail"). */
export function folders(paths: readonly string[]): string[] {
  const dirs = new Set<string>()
  for (const p of paths) {
    for (let i = p.indexOf('/'); i >= 0; i = p.indexOf('/', i + 1)) dirs.add(p.slice(0, i))
  }
  return [...dirs].sort(compareUtf8)
}

/** UTF-8 byte order of two strings (the order the file's indexes use). */
function compareUtf8(a: string, b: string): number {
  const x = keyBytes(a)!
  const y = keyBytes(b)!
  const n = Math.min(x.length, y.length)
  for (let i = 0; i < n; i++) if (x[i] !== y[i]) return x[i] - y[i]
  return x.length - y.length
}
