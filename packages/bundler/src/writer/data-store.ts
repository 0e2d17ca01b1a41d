/**
 * DATA (§15.6): the bytes of package data files, distribution files and module
 * sources. Every payload starts on a DATA_ALIGN boundary (zero-copy, aligned
 * views), and payloads with identical content (the same LICENSE in two
 * distributions) are stored once.
 */
import { DATA_ALIGN } from '@pybundle/format-spec'
import type { XXHashAPI } from 'xxhash-wasm'
import { alignUp, bytesEqual } from './bytes.js'

export interface PayloadRef {
  /** Offset from the start of DATA (0 for an empty payload). */
  readonly offset: number
  readonly length: number
}

const EMPTY: PayloadRef = Object.freeze({ offset: 0, length: 0 })

export class DataStore {
  private readonly payloads: Uint8Array[] = []
  private readonly offsets: number[] = []
  /** Bytes of DATA so far (a multiple of DATA_ALIGN: each payload is padded). */
  size = 0
  /** xxh32 of the content -> ids of the payloads with that hash (compared byte for byte). */
  private readonly byHash = new Map<number, number[]>()

  constructor(private readonly xxh: XXHashAPI) {}

  add(bytes: Uint8Array): PayloadRef {
    if (bytes.length === 0) return EMPTY
    const h = this.xxh.h32Raw(bytes)
    let ids = this.byHash.get(h)
    if (ids === undefined) this.byHash.set(h, (ids = []))
    for (const id of ids) if (bytesEqual(this.payloads[id], bytes)) return { offset: this.offsets[id], length: bytes.length }
    const id = this.payloads.length
    ids.push(id)
    this.payloads.push(bytes)
    this.offsets.push(this.size)
    this.size = alignUp(this.size + bytes.length, DATA_ALIGN)
    return { offset: this.offsets[id], length: bytes.length }
  }

  /** Copy every payload to `out` at `base` (DATA's file offset); padding stays zero. */
  write(out: Uint8Array, base: number): void {
    for (let i = 0; i < this.payloads.length; i++) out.set(this.payloads[i], base + this.offsets[i])
  }
}
