// @ts-check
/**
 * Where the fields of a (good) bundle are, from @pybundle/format-spec's layout
 * tables: the mutators aim at these, and the detection-rate report classifies
 * each changed byte by the region it falls in.
 */
import {
  CODE, FILE_ENTRY, HEADER, MIDX_HEADER, MIDX_SLOT, MODULE, OWNER, SECTION_ENTRY, SECTION_ORDER, SOURCE, STRING_RECORD, TABLE_ENTRY_SIZE,
  sectionName,
} from '@pybundle/format-spec'

/** @typedef {{offset: number, size: number, name: string, kind: 'header'|'table'|'midx'|'mods'|'code'|'strt'|'cnst'|'strd'|'cdat'|'midxslot'|'owner'|'file'|'srcs', index?: number}} Field */
/** @typedef {{name: string, offset: number, size: number, entryOffset: number}} Sec */
/** @typedef {{fileSize: number, headerSize: number, sections: Sec[], byName: Record<string, Sec>, fields: Field[], fieldsByKind: Record<string, Field[]>, padding: [number, number][]}} LayoutMap */

/** @param {Uint8Array} bytes @returns {LayoutMap} */
export function mapLayout(bytes) {
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  const headerSize = dv.getUint32(HEADER.at.header_size, true)
  const sectionCount = dv.getUint16(HEADER.at.section_count, true)
  /** @type {Field[]} */
  const fields = []
  for (const f of HEADER.fields) fields.push({ offset: f.offset, size: f.size, name: `header.${f.name}`, kind: 'header' })
  /** @type {Sec[]} */
  const sections = []
  for (let i = 0; i < sectionCount; i++) {
    const e = HEADER.size + i * SECTION_ENTRY.size
    const name = sectionName(dv.getUint32(e + SECTION_ENTRY.at.id, true))
    sections.push({
      name,
      offset: Number(dv.getBigUint64(e + SECTION_ENTRY.at.offset, true)),
      size: Number(dv.getBigUint64(e + SECTION_ENTRY.at.size, true)),
      entryOffset: e,
    })
    for (const f of SECTION_ENTRY.fields) fields.push({ offset: e + f.offset, size: f.size, name: `table[${name}].${f.name}`, kind: 'table' })
  }
  /** @type {Record<string, Sec>} */
  const byName = Object.fromEntries(sections.map((s) => [s.name, s]))
  const u32 = (/** @type {number} */ at) => dv.getUint32(at, true)

  const midx = byName.MIDX
  if (midx && midx.size >= MIDX_HEADER.size) {
    for (const f of MIDX_HEADER.fields) fields.push({ offset: midx.offset + f.offset, size: f.size, name: `MIDX.${f.name}`, kind: 'midx' })
    const slots = u32(midx.offset + MIDX_HEADER.at.slot_count)
    for (let i = 0; i < slots; i++) {
      for (const f of MIDX_SLOT.fields) {
        fields.push({ offset: midx.offset + MIDX_HEADER.size + i * MIDX_SLOT.size + f.offset, size: f.size, name: `MIDX.slot[${i}].${f.name}`, kind: 'midxslot', index: i })
      }
    }
  }
  /** @param {Sec|undefined} sec @param {typeof MODULE | typeof CODE | typeof OWNER | typeof FILE_ENTRY | typeof SOURCE} st @param {'mods'|'code'|'owner'|'file'|'srcs'} kind */
  const records = (sec, st, kind) => {
    if (!sec) return
    const n = Math.floor(sec.size / st.size)
    for (let i = 0; i < n; i++) {
      for (const f of st.fields) fields.push({ offset: sec.offset + i * st.size + f.offset, size: f.size, name: `${sec.name}[${i}].${f.name}`, kind, index: i })
    }
  }
  records(byName.MODS, MODULE, 'mods')
  records(byName.CODE, CODE, 'code')
  // §15 resource sections (1.1): owner records, file entries, source records
  records(byName.PKGS, OWNER, 'owner')
  records(byName.DIST, OWNER, 'owner')
  records(byName.FILE, FILE_ENTRY, 'file')
  records(byName.SRCS, SOURCE, 'srcs')
  /** @param {Sec|undefined} table @param {Sec|undefined} data @param {'strt'|'cnst'} kind @param {'strd'|'cdat'} dkind */
  const tables = (table, data, kind, dkind) => {
    if (!table || !data) return
    const n = Math.floor(table.size / TABLE_ENTRY_SIZE)
    for (let i = 0; i < n; i++) {
      const at = table.offset + i * TABLE_ENTRY_SIZE
      fields.push({ offset: at, size: 4, name: `${table.name}[${i}]`, kind, index: i })
      const v = u32(at)
      if ((v & 1) === 0 && v + 8 <= data.size) {
        // A record's first words: STRD flags+length; CDAT header, count/value, items...
        const words = dkind === 'strd' ? STRING_RECORD.size / 4 : Math.min(4, (data.size - v) >> 2)
        for (let w = 0; w < words; w++) fields.push({ offset: data.offset + v + 4 * w, size: 4, name: `${data.name}@${v}+${4 * w} (${table.name}[${i}])`, kind: dkind, index: i })
      }
    }
  }
  tables(byName.STRT, byName.STRD, 'strt', 'strd')
  tables(byName.CNST, byName.CDAT, 'cnst', 'cdat')

  /** @type {[number, number][]} */
  const padding = []
  let end = headerSize
  for (const s of [...sections].sort((a, b) => a.offset - b.offset)) {
    if (s.offset > end) padding.push([end, s.offset])
    end = Math.max(end, s.offset + s.size)
  }
  if (bytes.length > end) padding.push([end, bytes.length])
  /** @type {Record<string, Field[]>} */
  const fieldsByKind = {}
  for (const f of fields) (fieldsByKind[f.kind] ??= []).push(f)
  return { fileSize: bytes.length, headerSize, sections, byName, fields, fieldsByKind, padding }
}

/**
 * The region a byte offset falls in: 'header', 'section-table', a section name,
 * 'padding' (alignment gaps, zero by the spec) or 'beyond' (past the original end).
 * @param {LayoutMap} map @param {number} offset
 */
export function regionOf(map, offset) {
  if (offset >= map.fileSize) return 'beyond'
  if (offset < HEADER.size) return 'header'
  if (offset < map.headerSize) return 'section-table'
  for (const s of map.sections) if (offset >= s.offset && offset < s.offset + s.size) return s.name
  return 'padding'
}

export { SECTION_ORDER }
