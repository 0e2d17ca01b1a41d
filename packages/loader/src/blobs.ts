/**
 * §10 BLOB: byte ranges (bytecode, line tables, kinds, module names and paths,
 * bytes constants) named by an (offset, length) field pair elsewhere. A range is
 * checked for alignment and bounds and handed out as a zero-copy view.
 */
import { fail } from '@pybundle/errors'
import { BLOB_ALIGN } from '@pybundle/format-spec'
import type { Section } from './mem.js'

export class Blobs {
  constructor(readonly sec: Section) {}

  /** A zero-copy view of a BLOB range; `field` = absolute offset of the offset field (for errors). */
  view(offset: number, length: number, field: number): Uint8Array {
    const a = this.abs(offset, length, field)
    return this.sec.mem.u8.subarray(a, a + length)
  }

  /** Absolute file offset of a checked BLOB range (no view allocated; the bytes count as touched). */
  abs(offset: number, length: number, field: number): number {
    if (offset % BLOB_ALIGN !== 0) fail('MISALIGNED', `blob at BLOB+${offset} is not ${BLOB_ALIGN}-aligned`, field)
    if (offset + length > this.sec.size) {
      fail('OUT_OF_BOUNDS', `blob [${offset}, ${offset + length}) is outside BLOB (size ${this.sec.size})`, field)
    }
    return this.sec.at(offset, length)
  }
}
