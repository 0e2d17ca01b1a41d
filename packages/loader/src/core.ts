/**
 * The open bundle's read side, composed from one reader per table: the string
 * table (string-table.ts: STRT + STRD), the constant table (const-table.ts: CNST +
 * CDAT), the code table (code-table.ts: CODE), the module records and index
 * (module-index.ts: MODS + MIDX), BLOB ranges (blobs.ts) and the §15 resources
 * (resources.ts). Every index is checked against its table and every offset against
 * its section; nothing is sized by a count the file could not hold.
 */
import type { CodeLayout, PyStr, PyValue } from '@pybundle/cpython'
import type { SectionName } from '@pybundle/format-spec'
import { Blobs } from './blobs.js'
import { CodeTable } from './code-table.js'
import { ConstTable } from './const-table.js'
import type { Header } from './header.js'
import { Section, type Mem } from './mem.js'
import { ModuleTable } from './module-index.js'
import type { PagedCache } from './paged.js'
import { Resources } from './resources.js'
import { StringTable, type StrPayload } from './string-table.js'

export type { StrPayload } from './string-table.js'
export type { RawConst } from './const-table.js'
export { tagName } from './const-table.js'

export class Core {
  readonly sec: Readonly<Record<SectionName, Section>>
  readonly layout: CodeLayout
  readonly moduleCount: number
  readonly codeCount: number
  readonly stringCount: number
  readonly constCount: number
  readonly slotCount: number

  readonly blobs: Blobs
  readonly strings: StringTable
  readonly consts: ConstTable
  readonly codes: CodeTable
  readonly modules: ModuleTable
  /** §15 resource sections (format 1.1), or undefined when the file has none. */
  readonly res: Resources | undefined

  // The tables' caches, by the names tests and diagnostics know them.
  readonly strCache: PagedCache<PyStr>
  readonly payloadCache: PagedCache<StrPayload>
  /** What the marshal emitter keeps per bundle between emissions (emit.ts: ref tables, string cache, output buffer). */
  emitState: object | undefined = undefined
  readonly constCache: PagedCache<PyValue>


  constructor(
    readonly mem: Mem,
    readonly header: Header,
  ) {
    const s = header.sections
    const mk = (n: SectionName): Section => new Section(mem, n, s[n].offset, s[n].size)
    this.sec = {
      MIDX: mk('MIDX'),
      MODS: mk('MODS'),
      CODE: mk('CODE'),
      STRT: mk('STRT'),
      CNST: mk('CNST'),
      STRD: mk('STRD'),
      CDAT: mk('CDAT'),
      BLOB: mk('BLOB'),
    }
    const minor = header.pythonMinor
    this.layout = minor <= 9 ? '3.8' : minor === 10 ? '3.10' : '3.11'
    this.moduleCount = header.moduleCount
    this.codeCount = header.codeCount
    this.stringCount = header.stringCount
    this.constCount = header.constCount
    this.slotCount = header.slotCount
    this.blobs = new Blobs(this.sec.BLOB)
    this.strings = new StringTable(this.sec.STRT, this.sec.STRD, this.stringCount)
    this.codes = new CodeTable(this.sec.CODE, this.codeCount, this.blobs, this.stringCount, this.constCount)
    this.consts = new ConstTable(this.sec.CNST, this.sec.CDAT, this.constCount, header.marshalVersion, this.strings, this.codes, this.blobs)
    this.modules = new ModuleTable(this.sec.MODS, this.moduleCount, this.blobs)
    this.strCache = this.strings.cache
    this.payloadCache = this.strings.payloadCache
    this.constCache = this.consts.cache
    this.res = header.resources ? new Resources(mem, header) : undefined
  }

  /** Drop every cache (close). */
  clearCaches(): void {
    this.strings.clear()
    this.consts.clear()
    this.codes.clear()
    this.emitState = undefined
    this.res?.clear()
  }

  /** Bytes of module record m's name (tests and lookups; module-index.ts). */
  modNameBytes(m: number): Uint8Array {
    return this.modules.nameBytes(m)
  }
}
