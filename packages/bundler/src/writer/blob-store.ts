/**
 * BLOB (§10): bytecode, line tables, exception tables, kinds, bytes constants,
 * module names and paths. Every blob starts on a BLOB_ALIGN boundary, and
 * blobs with identical content are stored once, whatever their role.
 */
import { BLOB_ALIGN } from '@pybundle/format-spec'
import type { XXHashAPI } from 'xxhash-wasm'
import { alignUp, bytesEqual, checkU32 } from './bytes.js'
import { SharingCounter } from './sharing.js'

export interface BlobRef {
  /** Offset from the start of BLOB (0 for an empty blob). */
  readonly offset: number
  readonly length: number
}

const EMPTY: BlobRef = Object.freeze({ offset: 0, length: 0 })

export class BlobStore {
  /** Distinct blobs in placement order, with their offsets. */
  readonly blobs: Uint8Array[] = []
  readonly offsets: number[] = []
  /** Bytes of BLOB so far (a multiple of BLOB_ALIGN: each blob is padded). */
  size = 0
  /** Calls to add() with a non-empty blob. */
  references = 0
  readonly sharing = new SharingCounter()
  /** xxh32 of the content -> ids of the blobs with that hash (compared byte for byte). */
  private readonly byHash = new Map<number, number[]>()

  constructor(private readonly xxh: XXHashAPI) {}

  /** Store `bytes` (or find them stored); `note`: count the reference for the current module's sharing statistics. */
  add(bytes: Uint8Array, note = true): BlobRef {
    if (bytes.length === 0) return EMPTY
    this.references++
    const h = this.xxh.h32Raw(bytes)
    let ids = this.byHash.get(h)
    if (ids === undefined) {
      ids = []
      this.byHash.set(h, ids)
    }
    let id = -1
    for (const candidate of ids) {
      if (bytesEqual(this.blobs[candidate], bytes)) {
        id = candidate
        break
      }
    }
    if (id < 0) {
      id = this.blobs.length
      ids.push(id)
      this.blobs.push(bytes)
      this.offsets.push(this.size)
      this.size = alignUp(this.size + bytes.length, BLOB_ALIGN)
      checkU32(this.size, 'BLOB section size')
    }
    const ref = { offset: this.offsets[id], length: bytes.length }
    if (note) this.noteShared(ref)
    return ref
  }

  /** The current module references this blob again through a shared record (for the sharing counter). */
  noteShared(ref: BlobRef): void {
    if (ref.length > 0) this.sharing.note(ref.offset, alignUp(ref.length, BLOB_ALIGN))
  }

  /** Copy every blob to `out` at `base` (the BLOB section's file offset); padding stays zero. */
  write(out: Uint8Array, base: number): void {
    for (let i = 0; i < this.blobs.length; i++) out.set(this.blobs[i], base + this.offsets[i])
  }
}
