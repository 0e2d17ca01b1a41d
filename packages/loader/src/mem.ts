/**
 * The one byte reader. Every read of the mapping goes through here, and so does
 * every little-endian read of a buffer the loader decodes (wire.ts's transport
 * file, snapshot-file.ts's header): no other file calls a DataView getter
 * (test/format-spec/one-reader.test.ts holds the loader and the CLI to that).
 * - Section.at(rel, len) checks that a span lies inside the section the bytes
 *   belong to (not just the file), fails with CLOSED on a closed bundle instead
 *   of reading a dropped mapping, and counts the span in `touched`: a record is
 *   checked and counted once, by the one call that names its size;
 * - Mem.u32(abs) and its siblings then read fields of that span at absolute
 *   offsets without a second check: one DataView call each, small and
 *   monomorphic so that V8 inlines them where the hot paths call them;
 * - `touched` counts the bytes read (or handed out as views) through Section.at
 *   and Mem.entry (TableEntries.follow's read of one §7 entry), so tests can
 *   prove that open and lookups cost O(1) bytes whatever the bundle size (a
 *   counter, never a timer). Only this file writes it.
 */
import { fail } from '@pybundle/errors'
import { TABLE_ENTRY_SIZE as ENTRY } from '@pybundle/format-spec'

export class Mem {
  u8: Uint8Array
  dv: DataView
  closed = false
  /** Bytes read (or handed out as views) through Section.at since open or resetTouched(); written only in this file. */
  touched = 0

  constructor(bytes: Uint8Array) {
    // A Node Buffer's slice() is a view, not a copy: keep a plain Uint8Array over the
    // same memory so every .slice() in the loader copies and never writes through.
    this.u8 = Object.getPrototypeOf(bytes) === Uint8Array.prototype ? bytes : new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength)
    this.dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  }

  get size(): number {
    return this.u8.length
  }

  resetTouched(): void {
    this.touched = 0
  }

  /**
   * The u32 §7 table entry at `abs`, counted (4 bytes) and CLOSED on a closed bundle, for
   * TableEntries.follow, whose index check against the table's count is the bounds check:
   * one call where Section.at and a read would be two (see follow for the measurement).
   */
  entry(abs: number): number {
    if (this.closed) this.alive()
    this.touched += ENTRY
    return this.dv.getUint32(abs, true)
  }

  // Unchecked little-endian reads at absolute offsets, inside a span a Section checked (and counted).
  u16(abs: number): number {
    return this.dv.getUint16(abs, true)
  }
  u32(abs: number): number {
    return this.dv.getUint32(abs, true)
  }
  i32(abs: number): number {
    return this.dv.getInt32(abs, true)
  }
  u64(abs: number): bigint {
    return this.dv.getBigUint64(abs, true)
  }
  i64(abs: number): bigint {
    return this.dv.getBigInt64(abs, true)
  }

  alive(): void {
    if (this.closed) fail('CLOSED', 'the bundle was closed')
  }

  close(): void {
    this.closed = true
    // Drop our references so the mapping can be unmapped once no caller view holds it
    // (mmap-io unmaps in the Buffer's finalizer; it has no explicit munmap).
    this.u8 = new Uint8Array(0)
    this.dv = new DataView(this.u8.buffer)
  }
}

/** A bounds-checked window [start, start + size) of the file: one section, or the header. */
export class Section {
  constructor(
    readonly mem: Mem,
    readonly name: string,
    /** Absolute offset of the first byte. */
    readonly start: number,
    readonly size: number,
  ) {}

  /**
   * Absolute offset of [rel, rel + len) after checking it lies inside the section; counts
   * the bytes as touched. Small enough for V8 to inline into every reader that calls it
   * (the failure is a call of its own).
   */
  at(rel: number, len: number): number {
    const m = this.mem
    if (m.closed || !(rel >= 0 && len >= 0 && rel + len <= this.size)) this.outside(rel, len)
    m.touched += len
    return this.start + rel
  }

  private outside(rel: number, len: number): never {
    if (this.mem.closed) fail('CLOSED', 'the bundle was closed')
    return fail('OUT_OF_BOUNDS', `${len} bytes at ${rel} are outside ${this.name} (size ${this.size})`, this.start + Math.max(0, Math.min(rel, this.size)), {
      section: this.name,
      rel,
      len,
    })
  }

  // Checked (and counted) reads at section-relative offsets, for the paths that read one field.
  u8(rel: number): number {
    return this.mem.u8[this.at(rel, 1)]
  }
  u16(rel: number): number {
    return this.mem.u16(this.at(rel, 2))
  }
  u32(rel: number): number {
    return this.mem.u32(this.at(rel, 4))
  }
  i32(rel: number): number {
    return this.mem.i32(this.at(rel, 4))
  }
  u64(rel: number): bigint {
    return this.mem.u64(this.at(rel, 8))
  }
  i64(rel: number): bigint {
    return this.mem.i64(this.at(rel, 8))
  }
  /** A zero-copy view (same ArrayBuffer as the mapping). */
  bytes(rel: number, len: number): Uint8Array {
    const a = this.at(rel, len)
    return this.mem.u8.subarray(a, a + len)
  }
}
