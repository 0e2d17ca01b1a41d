/**
 * §4 MIDX lookups and §5 prefix ranges over the sorted MODS. Both touch O(1)
 * (lookup) or O(log n + k) (prefix range) records: never a table scan.
 */
import { fail } from '@pybundle/errors';
import { LIMITS, MIDX_HEADER, MIDX_SLOT, moduleNameHash } from '@pybundle/format-spec';
const encoder = new TextEncoder();
/** UTF-8 bytes of a module name (ASCII without TextEncoder). */
export function nameBytes(name) {
    const n = name.length;
    for (let i = 0; i < n; i++)
        if (name.charCodeAt(i) >= 0x80)
            return encoder.encode(name);
    const out = new Uint8Array(n);
    for (let i = 0; i < n; i++)
        out[i] = name.charCodeAt(i);
    return out;
}
function sameBytes(a, b) {
    if (a.length !== b.length)
        return false;
    for (let i = 0; i < a.length; i++)
        if (a[i] !== b[i])
            return false;
    return true;
}
/** Module record index of `name`, or -1. Linear probing from hash & (slots - 1). */
export function lookup(core, name) {
    const slots = core.slotCount;
    if (slots === 0)
        return -1;
    const want = nameBytes(name);
    if (want.length > LIMITS.MAX_NAME_BYTES)
        return -1;
    const hash = moduleNameHash(name);
    const midx = core.sec.MIDX;
    const mask = slots - 1;
    const probes = Math.min(slots, LIMITS.MAX_PROBES);
    let s = hash & mask;
    for (let k = 0; k < probes; k++) {
        const rel = MIDX_HEADER.size + s * MIDX_SLOT.size;
        const m = midx.u32(rel + MIDX_SLOT.at.module);
        if (m === 0)
            return -1;
        if (midx.u32(rel + MIDX_SLOT.at.hash) === hash) {
            const idx = m - 1;
            if (idx >= core.moduleCount)
                fail('BAD_INDEX', `MIDX slot ${s} names module ${idx} of ${core.moduleCount}`, midx.start + rel + MIDX_SLOT.at.module);
            if (sameBytes(core.modNameBytes(idx), want))
                return idx;
        }
        s = (s + 1) & mask;
    }
    return -1;
}
/** Byte comparison of record m's name against `key`, on the first key.length bytes when `prefix`. */
function compareName(core, m, key, prefix) {
    const name = core.modNameBytes(m);
    const n = prefix ? Math.min(name.length, key.length) : Math.max(name.length, key.length);
    for (let i = 0; i < n; i++) {
        if (i >= name.length)
            return -1;
        if (i >= key.length)
            return 1;
        const d = name[i] - key[i];
        if (d !== 0)
            return d;
    }
    return prefix && name.length < key.length ? -1 : 0;
}
/** Module record indexes whose name starts with `prefix` bytes: [lo, hi). */
export function prefixRange(core, prefix) {
    let lo = 0;
    let hi = core.moduleCount;
    // first record >= prefix
    while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (compareName(core, mid, prefix, true) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    const first = lo;
    hi = core.moduleCount;
    // first record whose leading bytes are > prefix
    while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (compareName(core, mid, prefix, true) <= 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return [first, lo];
}
//# sourceMappingURL=module-index.js.map