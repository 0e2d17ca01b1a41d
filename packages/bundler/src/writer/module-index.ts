/**
 * MIDX (§4): an open-addressing hash table from module name to module record.
 * slot_count is the smallest power of two >= 2 x module_count (load factor at
 * most 1/2, so a miss ends on an empty slot after a couple of probes); a name
 * goes to slot `hash & (slot_count - 1)` or, if taken, the next free slot
 * (linear probing, wrapping). Modules are inserted in MODS order, so the table
 * is a function of the sorted names alone.
 */
import { MIDX_HASH_FNV1A32, MIDX_HEADER, MIDX_SLOT } from '@pybundle/format-spec'

export function midxSlotCount(moduleCount: number): number {
  if (moduleCount === 0) return 0
  let n = 1
  while (n < 2 * moduleCount) n *= 2
  return n
}

export function midxSize(moduleCount: number): number {
  return MIDX_HEADER.size + midxSlotCount(moduleCount) * MIDX_SLOT.size
}

/** Write MIDX at `base` for modules whose name hashes are `hashes`, in MODS order. */
export function writeModuleIndex(view: DataView, base: number, hashes: readonly number[]): void {
  const slots = midxSlotCount(hashes.length)
  view.setUint32(base + MIDX_HEADER.at.slot_count, slots, true)
  view.setUint32(base + MIDX_HEADER.at.hash, MIDX_HASH_FNV1A32, true)
  if (slots === 0) return
  const used = new Uint8Array(slots)
  const mask = slots - 1
  const first = base + MIDX_HEADER.size
  for (let m = 0; m < hashes.length; m++) {
    let slot = hashes[m] & mask
    while (used[slot]) slot = (slot + 1) & mask
    used[slot] = 1
    const at = first + slot * MIDX_SLOT.size
    view.setUint32(at + MIDX_SLOT.at.hash, hashes[m], true)
    view.setUint32(at + MIDX_SLOT.at.module, m + 1, true)
  }
}
