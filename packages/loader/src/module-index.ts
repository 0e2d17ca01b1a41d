/**
 * §5 module records (MODS, sorted by name) and the §4 MIDX hash index over them:
 * lookups touch O(1) records and prefix ranges O(log n + k), never a table scan.
 */
import { fail } from '@pybundle/errors'
import { LIMITS, MIDX_HEADER, MIDX_SLOT, MODULE, moduleNameHash } from '@pybundle/format-spec'
import type { Blobs } from './blobs.js'
import type { Section } from './mem.js'

/** What the lookups read (Core has it; named structurally so this table does not import Core, which builds it). */
interface IndexedModules {
  readonly slotCount: number
  readonly moduleCount: number
  readonly sec: { readonly MIDX: Section }
  readonly modules: { nameBytes(m: number): Uint8Array }
}

export type ModuleField = keyof typeof MODULE.at

/** The MODS records: fixed-size, indexed by module record number. */
export class ModuleTable {
  constructor(
    readonly sec: Section,
    readonly count: number,
    private readonly blobs: Blobs,
  ) {}

  /** MODS-relative offset of a field of record m. */
  rel(m: number, field: ModuleField): number {
    return m * MODULE.size + MODULE.at[field]
  }
  /** Absolute file offset of a field of record m (for errors). */
  field(m: number, field: ModuleField): number {
    return this.sec.start + m * MODULE.size + MODULE.at[field]
  }
  u32(m: number, field: ModuleField): number {
    return this.sec.u32(m * MODULE.size + MODULE.at[field])
  }
  u64(m: number, field: ModuleField): bigint {
    return this.sec.u64(m * MODULE.size + MODULE.at[field])
  }
  i64(m: number, field: ModuleField): bigint {
    return this.sec.i64(m * MODULE.size + MODULE.at[field])
  }
  /** The name bytes of record m (a BLOB view), at most LIMITS.MAX_NAME_BYTES long. */
  nameBytes(m: number): Uint8Array {
    const len = this.u32(m, 'name_length')
    const off = this.u32(m, 'name_offset')
    const field = this.field(m, 'name_offset')
    if (len > LIMITS.MAX_NAME_BYTES) {
      fail('LIMIT_EXCEEDED', `module name of ${len} bytes, longer than MAX_NAME_BYTES (${LIMITS.MAX_NAME_BYTES})`, field, {
        limit: 'MAX_NAME_BYTES',
        value: len,
        max: LIMITS.MAX_NAME_BYTES,
      })
    }
    return this.blobs.view(off, len, field)
  }
}

const encoder = new TextEncoder()

/** UTF-8 bytes of a module name (ASCII without TextEncoder). */
export function nameBytes(name: string): Uint8Array {
  const n = name.length
  for (let i = 0; i < n; i++) if (name.charCodeAt(i) >= 0x80) return encoder.encode(name)
  const out = new Uint8Array(n)
  for (let i = 0; i < n; i++) out[i] = name.charCodeAt(i)
  return out
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false
  return true
}

/** Module record index of `name`, or -1. Linear probing from hash & (slots - 1). */
export function lookup(core: IndexedModules, name: string): number {
  const slots = core.slotCount
  if (slots === 0) return -1
  const want = nameBytes(name)
  if (want.length > LIMITS.MAX_NAME_BYTES) return -1
  const hash = moduleNameHash(name)
  const midx = core.sec.MIDX
  const mask = slots - 1
  const probes = Math.min(slots, LIMITS.MAX_PROBES)
  let s = hash & mask
  for (let k = 0; k < probes; k++) {
    const rel = MIDX_HEADER.size + s * MIDX_SLOT.size
    const m = midx.u32(rel + MIDX_SLOT.at.module)
    if (m === 0) return -1
    if (midx.u32(rel + MIDX_SLOT.at.hash) === hash) {
      const idx = m - 1
      if (idx >= core.moduleCount) fail('BAD_INDEX', `MIDX slot ${s} names module ${idx} of ${core.moduleCount}`, midx.start + rel + MIDX_SLOT.at.module)
      if (sameBytes(core.modules.nameBytes(idx), want)) return idx
    }
    s = (s + 1) & mask
  }
  return -1
}

/** Byte comparison of record m's name against `key`, on the first key.length bytes when `prefix`. */
function compareName(core: IndexedModules, m: number, key: Uint8Array, prefix: boolean): number {
  const name = core.modules.nameBytes(m)
  const n = prefix ? Math.min(name.length, key.length) : Math.max(name.length, key.length)
  for (let i = 0; i < n; i++) {
    if (i >= name.length) return -1
    if (i >= key.length) return 1
    const d = name[i] - key[i]
    if (d !== 0) return d
  }
  return prefix && name.length < key.length ? -1 : 0
}

/** Module record indexes whose name starts with `prefix` bytes: [lo, hi). */
export function prefixRange(core: IndexedModules, prefix: Uint8Array): [number, number] {
  let lo = 0
  let hi = core.moduleCount
  // first record >= prefix
  while (lo < hi) {
    const mid = (lo + hi) >>> 1
    if (compareName(core, mid, prefix, true) < 0) lo = mid + 1
    else hi = mid
  }
  const first = lo
  hi = core.moduleCount
  // first record whose leading bytes are > prefix
  while (lo < hi) {
    const mid = (lo + hi) >>> 1
    if (compareName(core, mid, prefix, true) <= 0) lo = mid + 1
    else hi = mid
  }
  return [first, lo]
}
