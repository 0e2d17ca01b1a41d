/**
 * The one byte reader. Every read of the mapping goes through here:
 * - bounds are checked against the section the bytes belong to (not just the file),
 * - a closed bundle fails with CLOSED instead of reading a dropped mapping,
 * - `touched` counts the bytes read, so tests can prove that open and lookups
 *   cost O(1) bytes whatever the bundle size (a counter, never a timer).
 */
import { fail } from '@pybundle/errors';
export class Mem {
    u8;
    dv;
    closed = false;
    /** Bytes read (or handed out as views) through this reader since open or the last reset. */
    touched = 0;
    constructor(bytes) {
        // A Node Buffer's slice() is a view, not a copy: keep a plain Uint8Array over the
        // same memory so every .slice() in the loader copies and never writes through.
        this.u8 = Object.getPrototypeOf(bytes) === Uint8Array.prototype ? bytes : new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
        this.dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    }
    get size() {
        return this.u8.length;
    }
    alive() {
        if (this.closed)
            fail('CLOSED', 'the bundle was closed');
    }
    close() {
        this.closed = true;
        // Drop our references so the mapping can be unmapped once no caller view holds it
        // (mmap-io unmaps in the Buffer's finalizer; it has no explicit munmap).
        this.u8 = new Uint8Array(0);
        this.dv = new DataView(this.u8.buffer);
    }
}
/** A bounds-checked window [start, start + size) of the file: one section, or the header. */
export class Section {
    mem;
    name;
    start;
    size;
    constructor(mem, name, 
    /** Absolute offset of the first byte. */
    start, size) {
        this.mem = mem;
        this.name = name;
        this.start = start;
        this.size = size;
    }
    /** Absolute offset of [rel, rel + len) after checking it lies inside the section. */
    at(rel, len) {
        const m = this.mem;
        if (m.closed)
            fail('CLOSED', 'the bundle was closed');
        if (!(rel >= 0 && len >= 0 && rel + len <= this.size)) {
            fail('OUT_OF_BOUNDS', `${len} bytes at ${rel} are outside ${this.name} (size ${this.size})`, this.start + Math.max(0, Math.min(rel, this.size)), {
                section: this.name,
                rel,
                len,
            });
        }
        m.touched += len;
        return this.start + rel;
    }
    u8(rel) {
        return this.mem.u8[this.at(rel, 1)];
    }
    u16(rel) {
        return this.mem.dv.getUint16(this.at(rel, 2), true);
    }
    u32(rel) {
        return this.mem.dv.getUint32(this.at(rel, 4), true);
    }
    i32(rel) {
        return this.mem.dv.getInt32(this.at(rel, 4), true);
    }
    u64(rel) {
        return this.mem.dv.getBigUint64(this.at(rel, 8), true);
    }
    i64(rel) {
        return this.mem.dv.getBigInt64(this.at(rel, 8), true);
    }
    /** A zero-copy view (same ArrayBuffer as the mapping). */
    bytes(rel, len) {
        const a = this.at(rel, len);
        return this.mem.u8.subarray(a, a + len);
    }
}
//# sourceMappingURL=mem.js.map