/**
 * BLOB (§10): bytecode, line tables, exception tables, kinds, bytes constants,
 * module names and paths. Every blob starts on a BLOB_ALIGN boundary, and
 * blobs with identical content are stored once, whatever their role.
 *
 * Placement is by role (§14 rule 2): the writer places names and paths, then
 * calls placeCodeBlobs() with every module's code, which lays out all bytecode,
 * then all line tables, exception tables, kinds and bytes constants, before the
 * tables are planned. Later add() calls only find their blob. Grouping by role
 * packs the bytecode an import reads into few pages, and compresses better
 * (like with like) than one run of mixed blobs per code object.
 */
import { BLOB_ALIGN } from '@pybundle/format-spec'
import type { PyCode, PyValue } from '@pybundle/cpython'
import type { XXHashAPI } from 'xxhash-wasm'
import { alignUp, bytesEqual, checkU32 } from './bytes.js'
import { SharingCounter } from './sharing.js'

export interface BlobRef {
  /** Offset from the start of BLOB (0 for an empty blob). */
  readonly offset: number
  readonly length: number
}

const EMPTY: BlobRef = Object.freeze({ offset: 0, length: 0 })

/** The order of the code blobs' role groups in BLOB (§14 rule 2); bytes constants come last. */
export const CODE_BLOB_ROLES = ['code', 'linetable', 'exceptiontable', 'localspluskinds'] as const

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
    const id = this.place(bytes)
    const ref = { offset: this.offsets[id], length: bytes.length }
    if (note) this.noteShared(ref)
    return ref
  }

  /**
   * Lay out the blobs of these code trees by role (§14 rule 2): every code
   * object's bytecode (modules in order, code objects in pre-order), then
   * every line table, exception table and kinds, then the bytes constants
   * (co_consts order, tuple, frozenset and slice elements in order, depth
   * first). Counts no reference: the tables' add() calls do that.
   */
  placeCodeBlobs(roots: readonly (PyCode | null)[]): void {
    const codes: PyCode[] = []
    for (const root of roots) {
      // Pre-order without recursion: a hostile tree must not exhaust the stack here.
      const stack: PyCode[] = root === null ? [] : [root]
      while (stack.length > 0) {
        const c = stack.pop()!
        codes.push(c)
        for (let i = c.consts.length - 1; i >= 0; i--) {
          const k = c.consts[i]
          if (k.kind === 'code') stack.push(k)
        }
      }
    }
    for (const role of CODE_BLOB_ROLES) for (const c of codes) if (c[role].length > 0) this.place(c[role])
    // Containers shared by identity (a DAG, as marshal's back-references give) are walked
    // once: a second visit places nothing new, and 2^n paths through n shared tuples must
    // not cost 2^n steps (test/loader/emit-refs.test.ts builds one).
    const seen = new Set<PyValue>()
    for (const c of codes) {
      const stack: PyValue[] = []
      for (let i = c.consts.length - 1; i >= 0; i--) stack.push(c.consts[i])
      while (stack.length > 0) {
        const v = stack.pop()!
        if (v.kind === 'bytes') {
          if (v.value.length > 0) this.place(v.value)
        } else if (v.kind === 'tuple' || v.kind === 'frozenset' || v.kind === 'slice') {
          if (seen.has(v)) continue
          seen.add(v)
          if (v.kind === 'slice') stack.push(v.step, v.stop, v.start)
          else for (let i = v.items.length - 1; i >= 0; i--) stack.push(v.items[i])
        }
      }
    }
  }

  /** The current module references this blob again through a shared record (for the sharing counter). */
  noteShared(ref: BlobRef): void {
    if (ref.length > 0) this.sharing.note(ref.offset, alignUp(ref.length, BLOB_ALIGN))
  }

  /** Copy every blob to `out` at `base` (the BLOB section's file offset); padding stays zero. */
  write(out: Uint8Array, base: number): void {
    for (let i = 0; i < this.blobs.length; i++) out.set(this.blobs[i], base + this.offsets[i])
  }

  /** The id of the stored blob equal to `bytes` (non-empty), appending it at the end of BLOB if there is none. */
  private place(bytes: Uint8Array): number {
    const h = this.xxh.h32Raw(bytes)
    let ids = this.byHash.get(h)
    if (ids === undefined) {
      ids = []
      this.byHash.set(h, ids)
    }
    for (const candidate of ids) {
      if (bytesEqual(this.blobs[candidate], bytes)) return candidate
    }
    const id = this.blobs.length
    ids.push(id)
    this.blobs.push(bytes)
    this.offsets.push(this.size)
    this.size = alignUp(this.size + bytes.length, BLOB_ALIGN)
    checkU32(this.size, 'BLOB section size')
    return id
  }
}
