/**
 * The string table: STRT entries (§7) and the STRD string records (§8) they point
 * at, decoded to one PyStr per resolved entry and, for the emitter, to one marshal
 * payload per resolved entry. Both caches are paged (paged.ts), so neither open nor
 * a small working set pays for the size of the table.
 */
import type { PyStr } from '@pybundle/cpython'
import { fail } from '@pybundle/errors'
import { STRING_FLAG, STRING_KIND, STRING_KIND_WIDTH, STRING_RECORD, STRING_RECORD_ALIGN } from '@pybundle/format-spec'
import type { Section } from './mem.js'
import { PagedCache } from './paged.js'
import { ascii, decodeStr, firstNonAscii, latin1, strPayload, type StrData } from './strings.js'
import { TableEntries } from './table-entries.js'

/** Encoded marshal payload of one string, cached per resolved STRT index. */
export interface StrPayload {
  /** The payload is src[start, start + length): the mapping itself for ASCII, an encoded copy otherwise. */
  readonly src: Uint8Array
  readonly start: number
  readonly length: number
  readonly ascii: boolean
  readonly interned: boolean
}

const HEAD = STRING_RECORD.size
const AT_FLAGS = STRING_RECORD.at.flags
const AT_LENGTH = STRING_RECORD.at.length
/** Flag bits of a record decoded without strData: ASCII or Latin-1, maybe interned (nearly every record). */
const PLAIN_BITS = STRING_KIND.LATIN1 | STRING_FLAG.INTERNED

export class StringTable {
  readonly entries: TableEntries
  /** Per resolved STRT index: the decoded PyStr. */
  readonly cache: PagedCache<PyStr>
  /** Per resolved STRT index: the marshal payload (emitter). */
  readonly payloadCache: PagedCache<StrPayload>

  constructor(
    strt: Section,
    readonly strd: Section,
    readonly count: number,
  ) {
    this.entries = new TableEntries(strt, count, STRING_RECORD_ALIGN, strd)
    this.cache = new PagedCache<PyStr>(count)
    this.payloadCache = new PagedCache<StrPayload>(count)
  }

  clear(): void {
    this.cache.clear()
    this.payloadCache.clear()
  }

  /** The PyStr of STRT entry i, one JS object per resolved entry; `from` = the field that named i (for errors). */
  str(i: number, from: number): PyStr {
    const e = this.entries
    const r = e.follow(i, from)
    let s = this.cache.get(r)
    if (s === undefined) {
      s = this.decodeRecord(e.recordOffset(i, r))
      this.cache.set(r, s)
    }
    return s
  }

  /** Marshal payload of STRT entry i resolved to r by entries.follow(i). */
  payload(i: number, r: number): StrPayload {
    let p = this.payloadCache.get(r)
    if (p === undefined) {
      const d = this.data(this.entries.recordOffset(i, r))
      const bytes = strPayload(d)
      const mem = this.strd.mem
      p =
        d.kind === 0
          ? { src: mem.u8, start: d.abs, length: d.length, ascii: true, interned: d.interned }
          : { src: bytes, start: 0, length: bytes.length, ascii: false, interned: d.interned }
      this.payloadCache.set(r, p)
    }
    return p
  }

  /**
   * The PyStr of the string record at STRD offset `off`. ASCII and Latin-1 records
   * (nearly all of them) are decoded here; the rest go through data()/decodeStr, which
   * check them. This runs for every string decoded.
   */
  decodeRecord(off: number): PyStr {
    const strd = this.strd
    const m = strd.mem
    const a = strd.at(off, HEAD)
    const flags = m.u32(a + AT_FLAGS)
    if ((flags & ~PLAIN_BITS) !== 0) return decodeStr(this.data(off))
    const length = m.u32(a + AT_LENGTH)
    strd.at(off + HEAD, length)
    const u8 = m.u8
    const text = (flags & STRING_FLAG.KIND_MASK) === STRING_KIND.ASCII ? ascii(u8, a + HEAD, length) : latin1(u8, a + HEAD, length)
    return { kind: 'str', text, codePoints: undefined, interned: (flags & STRING_FLAG.INTERNED) !== 0 }
  }

  /**
   * For the emitter: the record at STRD offset `off` when it is plain ASCII (no flag but
   * INTERNED, inside STRD, every byte < 0x80) as `2 * length + interned`, its bytes
   * counted as touched; -1 for any other record (payload() then checks it and throws
   * its error, or encodes it). The emitter copies a plain ASCII string from the mapping.
   */
  plainAscii(off: number): number {
    const strd = this.strd
    const size = strd.size
    if (!(off >= 0 && off + HEAD <= size)) return -1
    const m = strd.mem
    const a = strd.start + off
    const flags = m.u32(a + AT_FLAGS)
    if ((flags & ~STRING_FLAG.INTERNED) !== 0) return -1
    const n = m.u32(a + AT_LENGTH)
    if (off + HEAD + n > size || firstNonAscii(m.u8, a + HEAD, n) >= 0) return -1
    strd.at(off, HEAD + n)
    return 2 * n + (flags === STRING_FLAG.INTERNED ? 1 : 0)
  }

  /** The bounds-checked data of the string record at STRD offset `off`. */
  data(off: number): StrData {
    const strd = this.strd
    const flags = strd.u32(off + AT_FLAGS)
    const length = strd.u32(off + AT_LENGTH)
    if ((flags & ~(STRING_FLAG.KIND_MASK | STRING_FLAG.INTERNED | STRING_FLAG.SURROGATES)) !== 0) {
      fail('MALFORMED', `string record flags 0x${flags.toString(16)}`, strd.start + off)
    }
    const kind = flags & STRING_FLAG.KIND_MASK
    const abs = strd.at(off + HEAD, length * STRING_KIND_WIDTH[kind])
    return {
      u8: strd.mem.u8,
      mem: strd.mem,
      abs,
      kind,
      length,
      interned: (flags & STRING_FLAG.INTERNED) !== 0,
      surrogates: (flags & STRING_FLAG.SURROGATES) !== 0,
    }
  }
}
