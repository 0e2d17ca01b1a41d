/**
 * RSTR (§15.2, §15.3): the UTF-8 names of packages and distributions and the
 * paths of their files, packed without padding; each distinct string is stored
 * once ("templates/base.html" of two packages, a package name and its paths).
 */
import { checkU32, utf8 } from './bytes.js'

export interface StringRef {
  readonly offset: number
  readonly length: number
}

export class ResourceStrings {
  private readonly parts: Uint8Array[] = []
  private readonly seen = new Map<string, StringRef>()
  size = 0

  add(text: string): StringRef {
    const known = this.seen.get(text)
    if (known !== undefined) return known
    const bytes = utf8.encode(text)
    const ref = { offset: this.size, length: bytes.length }
    this.parts.push(bytes)
    this.size += bytes.length
    checkU32(this.size, 'RSTR section size')
    this.seen.set(text, ref)
    return ref
  }

  write(out: Uint8Array, base: number): void {
    let at = base
    for (const p of this.parts) {
      out.set(p, at)
      at += p.length
    }
  }
}
