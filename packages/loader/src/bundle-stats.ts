/** Bundle.stats(): section sizes and table counts from the header, redirect and module-kind counts from a scan. */
import { MODULE_FLAG, REDIRECT_BIT, TABLE_ENTRY_SIZE, type ResourceSectionName, type SectionName } from '@pybundle/format-spec'
import type { Core } from './core.js'
import type { Section } from './mem.js'

export interface SectionStats {
  /** The section id's four characters (a section this reader does not know keeps its id's text). */
  name: SectionName | ResourceSectionName | string
  offset: number
  size: number
  checksum: bigint
}

export interface BundleStats {
  fileSize: number
  headerSize: number
  sections: SectionStats[]
  counts: { modules: number; codes: number; strings: number; consts: number; midxSlots: number }
  /** Table entries that are one-hop redirects (scans STRT and CNST). */
  redirects: { strings: number; consts: number }
  /** Module kinds (scans MODS). */
  modules: { packages: number; namespaces: number; sourceless: number }
}

function redirects(table: Section, count: number): number {
  let n = 0
  for (let i = 0; i < count; i++) if (table.u32(i * TABLE_ENTRY_SIZE) & REDIRECT_BIT) n++
  return n
}

export function bundleStats(c: Core): BundleStats {
  const h = c.header
  const strings = redirects(c.sec.STRT, c.stringCount)
  const consts = redirects(c.sec.CNST, c.constCount)
  const modules = { packages: 0, namespaces: 0, sourceless: 0 }
  for (let i = 0; i < c.moduleCount; i++) {
    const f = c.modules.u32(i, 'flags')
    if (f & MODULE_FLAG.PACKAGE) modules.packages++
    if (f & MODULE_FLAG.NAMESPACE) modules.namespaces++
    if (f & MODULE_FLAG.SOURCELESS) modules.sourceless++
  }
  return {
    fileSize: h.fileSize,
    headerSize: h.headerSize,
    sections: h.allSections.map((e) => ({ name: e.name, offset: e.offset, size: e.size, checksum: e.checksum })),
    counts: { modules: h.moduleCount, codes: h.codeCount, strings: h.stringCount, consts: h.constCount, midxSlots: h.slotCount },
    redirects: { strings, consts },
    modules,
  }
}
