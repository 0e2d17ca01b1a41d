/**
 * STRT and STRD (§6.1, §7, §8).
 *
 * Strings are deduplicated across the whole file by exact code points plus the
 * interned flag. The first entry that needs a string is a data entry (the
 * even offset of its STRD record); every later entry for the same string is a
 * redirect `(index << 1) | 1` to that first entry, which is therefore strictly
 * earlier and never itself a redirect (§7).
 */
import type { PyStr } from '@pybundle/cpython'
import { strKey } from '@pybundle/cpython'
import {
  REDIRECT_BIT, STRING_FLAG, STRING_KIND, STRING_KIND_WIDTH, STRING_RECORD, STRING_RECORD_ALIGN,
} from '@pybundle/format-spec'
import { alignUp, checkU32 } from './bytes.js'
import { SharingCounter } from './sharing.js'

export interface StringShape {
  /** STRING_KIND value: the narrowest PEP 393 kind that holds every code point. */
  readonly kind: number
  /** Length in code points. */
  readonly length: number
  readonly surrogates: boolean
}

/** PEP 393 kind, code point length and surrogate flag of a Python str. */
export function stringShape(s: PyStr): StringShape {
  let max = 0
  let length = 0
  let surrogates = false
  if (s.codePoints !== undefined) {
    const cps = s.codePoints
    length = cps.length
    for (let i = 0; i < cps.length; i++) {
      const c = cps[i]
      if (c > max) max = c
      if (c >= 0xd800 && c <= 0xdfff) surrogates = true
    }
  } else {
    // No lone surrogates here (PyStr's contract): a high unit always starts a pair.
    const t = s.text
    for (let i = 0; i < t.length; i++) {
      const c = t.charCodeAt(i)
      if (c >= 0xd800 && c <= 0xdbff) {
        max = 0x10000
        i++
      } else if (c > max) {
        max = c
      }
      length++
    }
  }
  const kind = max < 0x80 ? STRING_KIND.ASCII : max < 0x100 ? STRING_KIND.LATIN1 : max < 0x10000 ? STRING_KIND.UCS2 : STRING_KIND.UCS4
  return { kind, length, surrogates }
}

export interface StringRecord extends StringShape {
  readonly str: PyStr
  /** Offset from the start of STRD. */
  readonly offset: number
  readonly flags: number
}

export function stringRecordSize(shape: StringShape): number {
  return alignUp(STRING_RECORD.size + shape.length * STRING_KIND_WIDTH[shape.kind], STRING_RECORD_ALIGN)
}

/**
 * Dedupe maps: [not interned, interned]. Strings without surrogates are keyed
 * by their JS text (exact for them); the rare ones with surrogates by strKey.
 */
class StringMap {
  private readonly plain = [new Map<string, number>(), new Map<string, number>()]
  private readonly odd = [new Map<string, number>(), new Map<string, number>()]
  get(s: PyStr): number | undefined {
    const i = s.interned ? 1 : 0
    return s.codePoints === undefined ? this.plain[i].get(s.text) : this.odd[i].get(strKey(s))
  }
  set(s: PyStr, index: number): void {
    const i = s.interned ? 1 : 0
    if (s.codePoints === undefined) this.plain[i].set(s.text, index)
    else this.odd[i].set(strKey(s), index)
  }
}

export class StringTable {
  /** STRT entries: the u32 values as written. */
  readonly entries: number[] = []
  readonly records: StringRecord[] = []
  /** Bytes of STRD so far. */
  dataSize = 0
  redirects = 0
  /** Bytes the redirects' targets' records would take if each redirect stored its own copy (sharing.savedVsNone). */
  redirectBytes = 0
  readonly sharing = new SharingCounter()
  /** string -> index of the data entry for that string. */
  private readonly canonical = new StringMap()
  /** PyStr objects are immutable and often shared (marshal refs): skip re-keying them. */
  private readonly byObject = new Map<PyStr, number>()
  /** data entry index -> padded record size (for the sharing counter). */
  private readonly sizeOf = new Map<number, number>()

  /** Append an entry for `s` at the end of the table (the next slot of the current slice). */
  append(s: PyStr): number {
    const index = this.entries.length
    const target = this.lookup(s)
    if (target >= 0) {
      this.entries.push(target * 2 + REDIRECT_BIT)
      this.redirects++
      this.redirectBytes += this.sizeOf.get(target)!
    } else {
      this.addData(s, index)
    }
    return index
  }

  /**
   * The index of the data entry for `s`, appending one (outside any slice) if
   * the string is new. Used by STR constants, which name a STRT entry.
   */
  ensure(s: PyStr): number {
    const target = this.lookup(s)
    return target >= 0 ? target : this.addData(s, this.entries.length)
  }

  /** The current module references this data entry through a shared constant (for the sharing counter). */
  noteShared(entry: number): void {
    this.sharing.note(entry, this.sizeOf.get(entry)!)
  }

  private lookup(s: PyStr): number {
    const known = this.byObject.get(s)
    if (known !== undefined) {
      this.sharing.note(known, this.sizeOf.get(known)!)
      return known
    }
    const target = this.canonical.get(s)
    if (target === undefined) return -1
    this.byObject.set(s, target)
    this.sharing.note(target, this.sizeOf.get(target)!)
    return target
  }

  private addData(s: PyStr, index: number): number {
    const shape = stringShape(s)
    const flags = shape.kind | (s.interned ? STRING_FLAG.INTERNED : 0) | (shape.surrogates ? STRING_FLAG.SURROGATES : 0)
    const offset = this.dataSize
    const size = stringRecordSize(shape)
    this.dataSize = checkU32(offset + size, 'STRD section size')
    this.sizeOf.set(index, size)
    this.records.push({ str: s, offset, flags, ...shape })
    this.entries.push(offset)
    checkU32(index * 2 + REDIRECT_BIT, "STRT entry index (redirects store index x 2 + 1)")
    this.canonical.set(s, index)
    this.byObject.set(s, index)
    this.sharing.note(index, size)
    return index
  }

  /** Write every STRD record at `base` (the STRD section's file offset). */
  write(out: Uint8Array, view: DataView, base: number): void {
    const buf = Buffer.from(out.buffer, out.byteOffset, out.byteLength)
    for (const r of this.records) {
      const at = base + r.offset
      view.setUint32(at + STRING_RECORD.at.flags, r.flags, true)
      view.setUint32(at + STRING_RECORD.at.length, r.length, true)
      writeStringData(buf, view, at + STRING_RECORD.size, r)
    }
  }
}

function writeStringData(buf: Buffer, view: DataView, at: number, r: StringRecord): void {
  const s = r.str
  if (s.codePoints === undefined && r.kind <= STRING_KIND.LATIN1) {
    buf.write(s.text, at, 'latin1')
    return
  }
  if (s.codePoints !== undefined) {
    const cps = s.codePoints
    for (let i = 0; i < cps.length; i++) putUnit(buf, view, at, i, r.kind, cps[i])
    return
  }
  const t = s.text
  let n = 0
  for (let i = 0; i < t.length; i++) {
    let c = t.charCodeAt(i)
    if (c >= 0xd800 && c <= 0xdbff) {
      c = 0x10000 + ((c - 0xd800) << 10) + (t.charCodeAt(i + 1) - 0xdc00)
      i++
    }
    putUnit(buf, view, at, n++, r.kind, c)
  }
}

function putUnit(buf: Buffer, view: DataView, at: number, i: number, kind: number, c: number): void {
  if (kind <= STRING_KIND.LATIN1) buf[at + i] = c
  else if (kind === STRING_KIND.UCS2) view.setUint16(at + 2 * i, c, true)
  else view.setUint32(at + 4 * i, c, true)
}
