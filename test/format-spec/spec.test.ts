/**
 * SPEC.md against layout.ts: every Struct and Constants table in the prose
 * must equal the code, in both directions, so neither can change alone.
 */
import { readFileSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import xxhash from 'xxhash-wasm'
import * as layout from '@pybundle/format-spec'
import type { StructDef } from '@pybundle/format-spec'

const root = fileURLToPath(new URL('../../', import.meta.url))
const specPath = join(root, 'packages/format-spec/SPEC.md')
const spec = readFileSync(specPath, 'utf8')
const lines = spec.split('\n')

interface Table { caption: string; header: string[]; rows: string[][] }

function cells(line: string): string[] {
  const inner = line.trim().replace(/^\|/, '').replace(/\|$/, '')
  return inner.split(/(?<!\\)\|/).map((c) => c.trim().replace(/\\\|/g, '|'))
}

/** Tables introduced by a caption line `Struct ...:` or `Constants ...:`. */
function captionedTables(prefix: 'Struct' | 'Constants'): Table[] {
  const out: Table[] = []
  for (let i = 0; i < lines.length; i++) {
    if (!lines[i].startsWith(prefix + ' `')) continue
    let j = i + 1
    while (j < lines.length && lines[j].trim() === '') j++
    if (!lines[j]?.startsWith('|')) throw new Error(`SPEC.md:${i + 1}: caption "${lines[i]}" is not followed by a table`)
    const header = cells(lines[j])
    const rows: string[][] = []
    for (j += 2; j < lines.length && lines[j].startsWith('|'); j++) rows.push(cells(lines[j]))
    out.push({ caption: lines[i], header, rows })
  }
  return out
}

function unquote(s: string): string {
  const m = /^`([^`]+)`$/.exec(s)
  if (!m) throw new Error(`expected a \`name\` cell, got ${s}`)
  return m[1]
}

function num(s: string): number {
  const t = s.replace(/_/g, '')
  if (!/^(0x[0-9a-fA-F]+|\d+)$/.test(t)) throw new Error(`expected a number, got ${s}`)
  return Number(t)
}

const structs = Object.entries(layout).filter(
  (e): e is [string, StructDef] => typeof e[1] === 'object' && e[1] !== null && Array.isArray((e[1] as StructDef).fields),
)
const numberMaps = Object.entries(layout).filter(
  (e): e is [string, Record<string, number>] =>
    typeof e[1] === 'object' && e[1] !== null && !Array.isArray(e[1]) && !(e[1] instanceof Uint8Array)
    && !('fields' in e[1]) && Object.values(e[1]).every((v) => typeof v === 'number'),
)
const scalars = Object.entries(layout).filter((e): e is [string, number] => typeof e[1] === 'number')

describe('SPEC.md struct tables', () => {
  const tables = captionedTables('Struct')
  const parsed = tables.map((t) => {
    const m = /^Struct `([^`]+)` \((\d+) bytes, align (\d+)\):$/.exec(t.caption)
    if (!m) throw new Error(`bad struct caption: ${t.caption}`)
    return { name: m[1], size: Number(m[2]), align: Number(m[3]), table: t }
  })

  it('has the columns offset, size, type, field, meaning', () => {
    for (const p of parsed) expect(p.table.header).toEqual(['offset', 'size', 'type', 'field', 'meaning'])
  })

  it('documents every struct of layout.ts exactly (name, offset, type, size), and nothing else', () => {
    expect(structs.length).toBeGreaterThanOrEqual(7)
    expect(parsed.map((p) => p.name).sort()).toEqual(structs.map(([, s]) => s.name).sort())
    for (const [exportName, s] of structs) {
      const p = parsed.find((x) => x.name === s.name)!
      expect({ exportName, size: p.size, align: p.align }).toEqual({ exportName, size: s.size, align: s.align })
      const rows = p.table.rows.map((r) => ({ offset: num(r[0]), size: num(r[1]), type: r[2], name: unquote(r[3]) }))
      expect(rows).toEqual(s.fields.map((f) => ({ offset: f.offset, size: f.size, type: f.type, name: f.name })))
      for (const r of p.table.rows) expect(r[4].length).toBeGreaterThan(0)
    }
  })
})

describe('SPEC.md constant tables', () => {
  const tables = captionedTables('Constants')
  const byName = new Map(tables.map((t) => [/^Constants `([^`]+)`:$/.exec(t.caption)![1], t]))
  const values = (t: Table) => Object.fromEntries(t.rows.map((r) => [unquote(r[0]), num(r[1])]))

  it('has a table for every enum-like object of layout.ts, with exactly its keys and values', () => {
    const documented = [...byName.keys()].filter((k) => k !== '(scalars)').sort()
    expect(documented).toEqual(numberMaps.map(([k]) => k).sort())
    for (const [k, v] of numberMaps) {
      const t = byName.get(k)!
      expect(t.header.slice(0, 2)).toEqual(['name', 'value'])
      expect({ [k]: values(t) }).toEqual({ [k]: { ...v } })
      expect(t.rows.map((r) => unquote(r[0]))).toEqual(Object.keys(v)) // same order as layout.ts
    }
  })

  it('lists every scalar constant of layout.ts with its value, and nothing else', () => {
    const t = byName.get('(scalars)')!
    expect(values(t)).toEqual(Object.fromEntries(scalars))
  })

  it('gives section ids in writer order', () => {
    const t = byName.get('SECTION')!
    expect(t.header[2]).toBe('order')
    const order = [...t.rows].sort((a, b) => num(a[2]) - num(b[2])).map((r) => unquote(r[0]))
    expect(order).toEqual([...layout.SECTION_ORDER])
    for (const r of t.rows) expect(layout.sectionName(num(r[1]))).toBe(unquote(r[0]))
  })

  it('gives the resource section ids in writer order, after the v1.0 sections', () => {
    const t = byName.get('RESOURCE_SECTION')!
    expect(t.header[2]).toBe('order')
    const order = [...t.rows].sort((a, b) => num(a[2]) - num(b[2]))
    expect(order.map((r) => unquote(r[0]))).toEqual([...layout.RESOURCE_SECTION_ORDER])
    expect(order.map((r) => num(r[2]))).toEqual(layout.RESOURCE_SECTION_ORDER.map((_, i) => layout.SECTION_ORDER.length + i))
    for (const r of t.rows) expect(layout.sectionName(num(r[1]))).toBe(unquote(r[0]))
    const ids = [...Object.values(layout.SECTION), ...Object.values(layout.RESOURCE_SECTION)]
    expect(new Set(ids).size).toBe(ids.length)
  })

  it('gives the layered-bundle section id last in writer order, and the layered header flag as a required bit', () => {
    const t = byName.get('LAYER_SECTION')!
    expect(t.header[2]).toBe('order')
    expect(t.rows.map((r) => [unquote(r[0]), num(r[2])])).toEqual([['BASE', layout.SECTION_ORDER.length + layout.RESOURCE_SECTION_ORDER.length]])
    expect(layout.sectionName(num(t.rows[0][1]))).toBe('BASE')
    const ids = [...Object.values(layout.SECTION), ...Object.values(layout.RESOURCE_SECTION), ...Object.values(layout.LAYER_SECTION)]
    expect(new Set(ids).size).toBe(ids.length)
    // required bits are 16-31 (§2): an older reader rejects a layered bundle instead of serving half of it
    expect(layout.HEADER_FLAG.LAYERED >>> 16).toBeGreaterThan(0)
    expect(t.rows[0][4]).toBe(`${layout.BASE_RECORD.size} + name_length`)
    expect(layout.FORMAT_MINOR_LAYERED).toBe(layout.FORMAT_MINOR + 1)
  })

  it('gives string kind widths', () => {
    const t = byName.get('STRING_KIND')!
    expect(t.header[2]).toBe('width')
    for (const r of t.rows) expect(num(r[2])).toBe(layout.STRING_KIND_WIDTH[num(r[1])])
    expect(t.rows.length).toBe(layout.STRING_KIND_WIDTH.length)
  })

  it('gives constant record layouts whose sizes match CONST_RECORD_SIZE', () => {
    const t = byName.get('CONST_TAG')!
    expect(t.header[2]).toBe('record')
    for (const r of t.rows) {
      const tag = unquote(r[0]) as layout.ConstTagName
      const fields = r[2].replace(/`/g, '').match(/\[[^\]]+\]/g)!
      let size = 0
      let variable = false
      for (const f of fields) {
        if (f.includes('×')) variable = true
        else size += f === '[hdr]' ? layout.CONST_HEADER_SIZE : /^\[(u64|i64)/.test(f) ? 8 : /^\[u32/.test(f) ? 4 : NaN
      }
      expect(Number.isNaN(size), `${tag}: ${r[2]}`).toBe(false)
      if (variable) {
        expect(layout.CONST_RECORD_SIZE[tag], tag).toBeUndefined()
        expect(size, tag).toBe(8)
      } else {
        expect(size, tag).toBe(layout.CONST_RECORD_SIZE[tag])
      }
    }
  })

  it('gives every constant tag a record struct whose fields are the record column, sized as CONST_RECORD_SIZE', () => {
    const t = byName.get('CONST_TAG')!
    expect(Object.keys(layout.CONST_RECORD).sort()).toEqual(Object.keys(layout.CONST_TAG).sort())
    for (const r of t.rows) {
      const tag = unquote(r[0]) as layout.ConstTagName
      const rec = layout.CONST_RECORD[tag]
      const fields = r[2].replace(/`/g, '').match(/\[[^\]]+\]/g)!.filter((f) => !f.includes('×'))
      expect(rec.fields.map((f) => f.size), tag).toEqual(fields.map((f) => (f === '[hdr]' ? layout.CONST_HEADER_SIZE : /^\[(u64|i64)/.test(f) ? 8 : 4)))
      expect(rec.fields[0].name, tag).toBe('head')
      expect(rec.size, tag).toBe(layout.CONST_RECORD_SIZE[tag] ?? layout.CONST_HEADER_SIZE + layout.CONST_ITEM_SIZE)
    }
  })

  it('spells out FILE_MAGIC and WIRE_MAGIC, which differ', () => {
    for (const magic of [layout.FILE_MAGIC, layout.WIRE_MAGIC]) {
      const hex = Array.from(magic, (b) => b.toString(16).toUpperCase().padStart(2, '0')).join(' ')
      expect(spec).toContain('`' + hex + '`')
    }
    expect(Buffer.from(layout.WIRE_MAGIC).equals(Buffer.from(layout.FILE_MAGIC))).toBe(false)
    expect(layout.WIRE_HEADER.size).toBe(layout.HEADER.size) // a wire file is never shorter than a bundle header
  })

  it('states the checksum of an empty section correctly', async () => {
    const x = await xxhash()
    expect(spec).toContain('0x' + x.h64Raw(new Uint8Array(0)).toString(16).toUpperCase())
  })
})

describe('SPEC.md section numbers', () => {
  // "## 2. Header", "### 6.1 String slice"
  const headingRe = /^#{2,3} (\d+(?:\.\d+)?)\.? /
  const headings = lines.filter((l) => headingRe.test(l)).map((l) => headingRe.exec(l)![1])

  it('numbers top-level sections 1 to 18 (16: layered bundles, 17: the Pyodide snapshot file beside the bundle, 18: the wire form) in order', () => {
    expect(headings.filter((h) => !h.includes('.')).map(Number)).toEqual(Array.from({ length: 18 }, (_, i) => i + 1))
  })

  it('has every § that layout.ts, module-hash.ts and the writer cite', () => {
    const files = [
      join(root, 'packages/format-spec/src/layout.ts'),
      join(root, 'packages/format-spec/src/module-hash.ts'),
      join(root, 'packages/loader/src/snapshot-file.ts'),
      join(root, 'packages/loader/src/wire.ts'),
      ...readdirSync(join(root, 'packages/bundler/src/writer')).map((f) => join(root, 'packages/bundler/src/writer', f)),
    ]
    const cited = new Set<string>()
    for (const f of files) for (const m of readFileSync(f, 'utf8').matchAll(/§(\d+(?:\.\d+)?)/g)) cited.add(m[1])
    expect(cited.size).toBeGreaterThan(5)
    for (const c of cited) expect(headings, `§${c}`).toContain(c)
    // and the spec's own cross-references
    for (const m of spec.matchAll(/§(\d+(?:\.\d+)?)/g)) expect(headings, `§${m[1]} in SPEC.md`).toContain(m[1])
  })

  it('names the sections layout.ts comments attach to the right topics', () => {
    const title = (n: string) => lines.find((l) => headingRe.exec(l)?.[1] === n) ?? ''
    expect(title('2')).toMatch(/Header/)
    expect(title('3')).toMatch(/Section table/)
    expect(title('4')).toMatch(/MIDX/)
    expect(title('5')).toMatch(/MODS/)
    expect(title('6')).toMatch(/CODE/)
    expect(title('6.1')).toMatch(/String slice/)
    expect(title('7')).toMatch(/redirect/)
    expect(title('8')).toMatch(/STRD/)
    expect(title('9')).toMatch(/CDAT/)
    expect(title('10')).toMatch(/BLOB/)
    expect(title('11')).toMatch(/limits/i)
    expect(title('15')).toMatch(/Resources/)
    expect(title('15.2')).toMatch(/PKGS, DIST/)
    expect(title('15.3')).toMatch(/FILE/)
    expect(title('15.4')).toMatch(/SRCS/)
    expect(title('15.5')).toMatch(/INFO/)
    expect(title('15.6')).toMatch(/DATA/)
    expect(title('16')).toMatch(/Layered/)
    expect(title('17')).toMatch(/Pyodide memory snapshot/)
    expect(title('18')).toMatch(/wire form/)
    // the snapshot file's reader cites the snapshot section, not the layered bundles before it
    const snapCites = [...readFileSync(join(root, 'packages/loader/src/snapshot-file.ts'), 'utf8').matchAll(/§(\d+(?:\.\d+)?)/g)].map((m) => m[1])
    expect(snapCites.length).toBeGreaterThan(0)
    for (const c of snapCites) expect(title(c.split('.')[0]), `§${c} in snapshot-file.ts`).toMatch(/Pyodide memory snapshot|Header/)
  })
})
