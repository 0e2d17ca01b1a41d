/**
 * The .pyb writer checked byte by byte against layout.ts (SPEC.md), with a
 * small reader written here from the layout tables alone (not the loader).
 */
import { mkdtemp, readFile, readdir, rm, writeFile, mkdir } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import xxhash from 'xxhash-wasm'
import type { XXHashAPI } from 'xxhash-wasm'
import { writeBundle, writeBundleFile, writeBundleWithStats, writeFileAtomic } from '@pybundle/bundler'
import type { BundleInput, ModuleInput } from '@pybundle/bundler'
import {
  PY_ELLIPSIS, PY_FALSE, PY_NONE, PY_STOP_ITERATION, PY_TRUE, codePointsOf, pyBytes, pyComplex, pyFloat, pyFloatBits,
  pyFrozenSet, pyInt, pySlice, pyStr, pyStrFromCodePoints, pyTuple,
} from '@pybundle/cpython'
import type { CodeLayout, PyCode, PyStr, PyValue } from '@pybundle/cpython'
import { PyBundleError } from '@pybundle/errors'
import { openBundleFromBuffer } from '@pybundle/loader'
import {
  BLOB_ALIGN, CODE, CONST_FLAG_NEGATIVE, CONST_RECORD_ALIGN, CONST_TAG, FILE_MAGIC, FORMAT_MAJOR, FORMAT_MINOR, HEADER,
  MIDX_HEADER, MIDX_SLOT, MODULE, MODULE_FLAG, NONE, SECTION, SECTION_ALIGN, SECTION_ENTRY, SECTION_ORDER,
  STRING_FLAG, STRING_KIND, STRING_KIND_WIDTH, STRING_RECORD, STRING_RECORD_ALIGN, STRING_SLICE_FIXED, fnv1a32,
} from '@pybundle/format-spec'
import type { SectionName } from '@pybundle/format-spec'

// --- building inputs ------------------------------------------------------------

const S = (t: string, interned = true): PyStr => pyStr(t, interned)

function code(name: string, opts: Partial<Omit<PyCode, 'name'>> = {}, layout: CodeLayout = '3.11'): PyCode {
  const eleven = layout === '3.11'
  const locals = opts.localsplusnames ?? []
  return {
    kind: 'code', layout, argcount: 0, posonlyargcount: 0, kwonlyargcount: 0, nlocals: eleven ? 0 : (opts.varnames ?? []).length,
    stacksize: 2, flags: 0, code: Uint8Array.of(151, 0, 100, 0, 83, 0), consts: [], names: [], varnames: [], freevars: [],
    cellvars: [], localsplusnames: locals, localspluskinds: new Uint8Array(locals.length).fill(0x20),
    filename: S(`${name}.py`, false), qualname: eleven ? S(name) : null, firstlineno: 1, linetable: Uint8Array.of(0x80, 0, 1),
    exceptiontable: new Uint8Array(0),
    ...opts,
    name: S(name),
  }
}

function mod(name: string, c: PyCode | null, extra: Partial<ModuleInput> = {}): ModuleInput {
  return { name, isPackage: false, isNamespace: c === null, path: name.replace(/\./g, '/') + '.py', code: c, ...extra }
}

function bundle(modules: ModuleInput[], minor = 11): BundleInput {
  const magic = { 8: 3413, 9: 3425, 10: 3439, 11: 3495, 12: 3531, 13: 3571, 14: 3627 }[minor]!
  return { python: { magic, major: 3, minor, marshalVersion: minor >= 14 ? 5 : 4 }, optimize: 0, modules }
}

// --- a reader from layout.ts alone ----------------------------------------------------

interface Section { offset: number; size: number; checksum: bigint; id: number }
interface Str { cps: number[]; flags: number; offset: number }

class Pyb {
  readonly v: DataView
  readonly sections = {} as Record<SectionName, Section>
  constructor(readonly b: Uint8Array) {
    this.v = new DataView(b.buffer, b.byteOffset, b.byteLength)
    const n = this.v.getUint16(HEADER.at.section_count, true)
    for (let i = 0; i < n; i++) {
      const at = HEADER.size + i * SECTION_ENTRY.size
      const id = this.v.getUint32(at + SECTION_ENTRY.at.id, true)
      const name = SECTION_ORDER.find((k) => SECTION[k] === id)!
      this.sections[name] = {
        id,
        offset: Number(this.v.getBigUint64(at + SECTION_ENTRY.at.offset, true)),
        size: Number(this.v.getBigUint64(at + SECTION_ENTRY.at.size, true)),
        checksum: this.v.getBigUint64(at + SECTION_ENTRY.at.checksum, true),
      }
    }
  }
  u32(at: number): number { return this.v.getUint32(at, true) }
  h(field: keyof typeof HEADER.at): number { return this.u32(HEADER.at[field]) }
  get moduleCount(): number { return this.h('module_count') }
  get codeCount(): number { return this.h('code_count') }
  module(i: number, f: keyof typeof MODULE.at): number { return this.u32(this.sections.MODS.offset + i * MODULE.size + MODULE.at[f]) }
  code(i: number, f: keyof typeof CODE.at): number { return this.u32(this.sections.CODE.offset + i * CODE.size + CODE.at[f]) }
  strEntry(i: number): number { return this.u32(this.sections.STRT.offset + 4 * i) }
  constEntry(i: number): number { return this.u32(this.sections.CNST.offset + 4 * i) }
  /** Resolve one redirect hop (asserting the rule) and return the data entry index. */
  resolve(kind: 'STRT' | 'CNST', i: number): number {
    const e = kind === 'STRT' ? this.strEntry(i) : this.constEntry(i)
    if ((e & 1) === 0) return i
    const target = e >>> 1
    expect(target).toBeLessThan(i)
    const t = kind === 'STRT' ? this.strEntry(target) : this.constEntry(target)
    expect(t & 1).toBe(0)
    return target
  }
  str(i: number): Str {
    const offset = this.strEntry(this.resolve('STRT', i))
    const at = this.sections.STRD.offset + offset
    const flags = this.u32(at + STRING_RECORD.at.flags)
    const len = this.u32(at + STRING_RECORD.at.length)
    const kind = flags & STRING_FLAG.KIND_MASK
    const w = STRING_KIND_WIDTH[kind]
    const cps: number[] = []
    for (let k = 0; k < len; k++) {
      const p = at + STRING_RECORD.size + k * w
      cps.push(w === 1 ? this.b[p] : w === 2 ? this.v.getUint16(p, true) : this.v.getUint32(p, true))
    }
    return { cps, flags, offset }
  }
  text(i: number): string { return String.fromCodePoint(...this.str(i).cps) }
  blob(offset: number, length: number): Uint8Array {
    return this.b.subarray(this.sections.BLOB.offset + offset, this.sections.BLOB.offset + offset + length)
  }
  constRecord(i: number): { at: number; tag: number; flags: number; offset: number } {
    const offset = this.constEntry(this.resolve('CNST', i))
    const at = this.sections.CDAT.offset + offset
    const hdr = this.u32(at)
    return { at, tag: hdr & 0xff, flags: hdr & 0xff00, offset }
  }
  moduleName(i: number): string {
    return new TextDecoder().decode(this.blob(this.module(i, 'name_offset'), this.module(i, 'name_length')))
  }
  /** MIDX lookup exactly as §4 describes. */
  lookup(name: string): number {
    const bytes = new TextEncoder().encode(name)
    const h = fnv1a32(bytes)
    const base = this.sections.MIDX.offset
    const slots = this.u32(base + MIDX_HEADER.at.slot_count)
    if (slots === 0) return -1
    for (let i = 0, s = h & (slots - 1); i < slots; i++, s = (s + 1) & (slots - 1)) {
      const at = base + MIDX_HEADER.size + s * MIDX_SLOT.size
      const m = this.u32(at + MIDX_SLOT.at.module)
      if (m === 0) return -1
      if (this.u32(at + MIDX_SLOT.at.hash) === h && this.moduleName(m - 1) === name) return m - 1
    }
    return -1
  }
  /** Decode a constant to a comparable string (for dedupe assertions). */
  describe(i: number): string {
    const r = this.constRecord(i)
    switch (r.tag) {
      case CONST_TAG.INT: return `int ${this.v.getBigInt64(r.at + 8, true)}`
      case CONST_TAG.FLOAT: return `float ${this.v.getBigUint64(r.at + 8, true).toString(16)}`
      case CONST_TAG.FALSE: return 'False'
      case CONST_TAG.TRUE: return 'True'
      case CONST_TAG.NONE: return 'None'
      case CONST_TAG.STR: return `str ${this.text(this.u32(r.at + 4))}`
      case CONST_TAG.TUPLE: {
        const n = this.u32(r.at + 4)
        const items: string[] = []
        for (let k = 0; k < n; k++) items.push(this.describe(this.u32(r.at + 8 + 4 * k)))
        return `(${items.join(', ')})`
      }
      default: return `tag ${r.tag}`
    }
  }
}

let xxh: XXHashAPI
beforeAll(async () => {
  xxh = await xxhash()
})

// --- a rich input used by several tests ----------------------------------------------------

const NAN_A = pyFloatBits(0x7ff8000000000000n)
const NAN_B = pyFloatBits(0x7ff8000000000001n)
const NAN_A2 = pyFloatBits(0x7ff8000000000000n)

function richInput(): BundleInput {
  const f = code('f', {
    consts: [PY_NONE, S('shared data', false), pyTuple([pyFloat(-0), S('x', true)])],
    names: [S('print'), S('len')],
    localsplusnames: [S('a'), S('b')],
    localspluskinds: Uint8Array.of(0x20, 0x20),
    argcount: 2,
  })
  const g = code('g', { consts: [PY_NONE, pyInt(0)], names: [S('print')] })
  const mainA = code('<module>', {
    consts: [
      pyInt(0), pyFloat(0), PY_FALSE, pyFloat(-0), NAN_A, NAN_B, NAN_A2, pyTuple([pyFloat(0)]), pyTuple([pyFloat(-0)]),
      f, g, PY_NONE, pyInt(-5), pyInt(1n << 100n), pyInt(-(1n << 64n)), pyComplex(1, -0), pyBytes(Uint8Array.of(1, 2, 3)),
      PY_TRUE, PY_ELLIPSIS, PY_STOP_ITERATION, pyFrozenSet([S('a'), S('b')]), pyTuple([pyTuple([pyInt(7)]), pyInt(7)]),
      pyTuple([]),
    ],
    names: [S('f'), S('g'), S('print')],
  })
  const mainB = code('<module>', {
    consts: [S('shared data', false), S('shared data', true), pyInt(0), PY_NONE, pyTuple([pyFloat(0)])],
    names: [S('print'), S('len')],
    filename: S('pkg/b.py', false),
  })
  const text = code('<module>', {
    consts: [S('café', false), S('Ωmega', false), S('smile \u{1F600}', false), pyStrFromCodePoints([0x61, 0xd800, 0x62], false),
      pyStrFromCodePoints([0xd83d, 0xde00], false), S('', false)],
  })
  return bundle([
    mod('pkg.b', mainB),
    mod('alpha', mainA),
    mod('pkg', code('<module>', {}), { isPackage: true, path: 'pkg/__init__.py', source: { size: 10, mtimeNs: 1_700_000_000_123_456_789n, hash: 0xdeadbeefcafef00dn } }),
    mod('ns', null, { isPackage: true, isNamespace: true, path: '' }),
    mod('text', text),
    mod('\uff21wide', code('<module>', {})),
    mod('\u{1F600}astral', code('<module>', {})),
    mod('caf\u00e9', code('<module>', {})),
  ])
}

describe('writer: header and sections', () => {
  it('writes the header, section table and checksums as layout.ts says', async () => {
    const bytes = await writeBundle(richInput())
    const p = new Pyb(bytes)
    expect(Array.from(bytes.subarray(0, 8))).toEqual(Array.from(FILE_MAGIC))
    expect(p.v.getUint16(HEADER.at.format_major, true)).toBe(FORMAT_MAJOR)
    expect(p.v.getUint16(HEADER.at.format_minor, true)).toBe(FORMAT_MINOR)
    expect(p.v.getUint16(HEADER.at.python_magic, true)).toBe(3495)
    expect(bytes[HEADER.at.python_major]).toBe(3)
    expect(bytes[HEADER.at.python_minor]).toBe(11)
    expect(bytes[HEADER.at.marshal_version]).toBe(4)
    expect(p.h('flags')).toBe(0)
    expect(p.h('reserved')).toBe(0)
    const headerSize = p.h('header_size')
    expect(headerSize).toBe(HEADER.size + SECTION_ORDER.length * SECTION_ENTRY.size)
    expect(Number(p.v.getBigUint64(HEADER.at.file_size, true))).toBe(bytes.length)
    expect(p.moduleCount).toBe(8)

    // header checksum: xxh64 of [0, header_size) with the field read as zero
    const copy = bytes.slice(0, headerSize)
    new DataView(copy.buffer).setBigUint64(HEADER.at.header_checksum, 0n, true)
    expect(p.v.getBigUint64(HEADER.at.header_checksum, true)).toBe(xxh.h64Raw(copy))

    // sections: in SECTION_ORDER, 64-aligned, not overlapping, zero gaps, checksums
    let end = headerSize
    SECTION_ORDER.forEach((name, i) => {
      const at = HEADER.size + i * SECTION_ENTRY.size
      expect(p.u32(at + SECTION_ENTRY.at.id)).toBe(SECTION[name])
      expect(p.u32(at + SECTION_ENTRY.at.flags)).toBe(0)
      const s = p.sections[name]
      expect(s.offset % SECTION_ALIGN).toBe(0)
      expect(s.offset).toBeGreaterThanOrEqual(end)
      expect(bytes.subarray(end, s.offset).every((x) => x === 0)).toBe(true)
      expect(s.checksum).toBe(xxh.h64Raw(bytes.subarray(s.offset, s.offset + s.size)))
      end = s.offset + s.size
    })
    expect(end).toBe(bytes.length)
    expect(p.sections.STRT.size).toBe(4 * p.h('string_count'))
    expect(p.sections.CNST.size).toBe(4 * p.h('const_count'))
    expect(p.sections.CODE.size).toBe(CODE.size * p.codeCount)
    expect(p.sections.MODS.size).toBe(MODULE.size * p.moduleCount)
  })

  it('writes an empty bundle', async () => {
    const bytes = await writeBundle(bundle([]))
    const p = new Pyb(bytes)
    expect(p.moduleCount).toBe(0)
    expect(p.u32(p.sections.MIDX.offset + MIDX_HEADER.at.slot_count)).toBe(0)
    expect(p.sections.MIDX.size).toBe(MIDX_HEADER.size)
    expect(p.lookup('x')).toBe(-1)
  })
})

describe('writer: modules and the index', () => {
  it('sorts MODS by UTF-8 bytes and finds every module through MIDX', async () => {
    const p = new Pyb(await writeBundle(richInput()))
    const names = Array.from({ length: p.moduleCount }, (_, i) => p.moduleName(i))
    const enc = new TextEncoder()
    const sorted = [...names].sort((a, b) => Buffer.compare(enc.encode(a), enc.encode(b)))
    expect(names).toEqual(sorted)
    // UTF-16 order would put the astral name before U+FF21; UTF-8 order puts it after.
    expect(names.indexOf('\uff21wide')).toBeLessThan(names.indexOf('\u{1F600}astral'))
    const slots = p.u32(p.sections.MIDX.offset)
    expect(slots & (slots - 1)).toBe(0)
    expect(slots).toBeGreaterThanOrEqual(2 * p.moduleCount)
    expect(p.u32(p.sections.MIDX.offset + MIDX_HEADER.at.hash)).toBe(1)
    names.forEach((n, i) => {
      expect(p.lookup(n)).toBe(i)
      expect(p.module(i, 'name_hash')).toBe(fnv1a32(enc.encode(n)))
      expect(p.module(i, 'name_offset') % BLOB_ALIGN).toBe(0)
    })
    expect(p.lookup('nope')).toBe(-1)
    expect(p.lookup('pkg.c')).toBe(-1)
  })

  it('stores flags, paths, code ranges and source stamps', async () => {
    const p = new Pyb(await writeBundle(richInput()))
    const ns = p.lookup('ns')
    expect(p.module(ns, 'flags')).toBe(MODULE_FLAG.PACKAGE | MODULE_FLAG.NAMESPACE)
    expect(p.module(ns, 'code')).toBe(NONE)
    expect(p.module(ns, 'code_count')).toBe(0)
    expect(p.module(ns, 'path_length')).toBe(0)
    const pkg = p.lookup('pkg')
    expect(p.module(pkg, 'flags')).toBe(MODULE_FLAG.PACKAGE)
    const pathAt = p.module(pkg, 'path_offset')
    expect(pathAt % BLOB_ALIGN).toBe(0)
    expect(new TextDecoder().decode(p.blob(pathAt, p.module(pkg, 'path_length')))).toBe('pkg/__init__.py')
    const recAt = p.sections.MODS.offset + pkg * MODULE.size
    expect(p.v.getBigUint64(recAt + MODULE.at.source_size, true)).toBe(10n)
    expect(p.v.getBigInt64(recAt + MODULE.at.source_mtime_ns, true)).toBe(1_700_000_000_123_456_789n)
    expect(p.v.getBigUint64(recAt + MODULE.at.source_hash, true)).toBe(0xdeadbeefcafef00dn)
    expect(p.v.getBigUint64(recAt + MODULE.at.reserved, true)).toBe(0n)
    const alpha = p.lookup('alpha')
    expect(p.v.getBigUint64(p.sections.MODS.offset + alpha * MODULE.size + MODULE.at.source_mtime_ns, true)).toBe(0n)
    // code ranges tile CODE in module order
    let next = 0
    for (let m = 0; m < p.moduleCount; m++) {
      const first = p.module(m, 'code')
      const count = p.module(m, 'code_count')
      if (first === NONE) continue
      expect(first).toBe(next)
      for (let c = first; c < first + count; c++) expect(p.code(c, 'module')).toBe(m)
      next = first + count
    }
    expect(next).toBe(p.codeCount)
    expect(p.code(p.module(alpha, 'code'), 'parent')).toBe(NONE)
    expect(p.module(alpha, 'code_count')).toBe(3)
  })
})

describe('writer: code records and slices', () => {
  it('numbers code objects in pre-order and puts CODE constants only in the parent slice', async () => {
    const p = new Pyb(await writeBundle(richInput()))
    const seen = new Set<number>()
    for (let c = 0; c < p.codeCount; c++) {
      const parent = p.code(c, 'parent')
      if (parent !== NONE) expect(parent).toBeLessThan(c)
      const start = p.code(c, 'const_start')
      const n = p.code(c, 'n_consts')
      for (let k = start; k < start + n; k++) {
        const r = p.constRecord(k)
        if (r.tag !== CONST_TAG.CODE) continue
        expect(p.constEntry(k) & 1).toBe(0) // never a redirect
        const child = p.u32(r.at + 4)
        expect(p.code(child, 'parent')).toBe(c)
        expect(seen.has(child)).toBe(false)
        seen.add(child)
      }
    }
    // every non-body code record is referenced exactly once
    let children = 0
    for (let c = 0; c < p.codeCount; c++) if (p.code(c, 'parent') !== NONE) children++
    expect(seen.size).toBe(children)
    // pre-order: alpha's body, f, g
    const a = p.module(p.lookup('alpha'), 'code')
    const name = (c: number) => p.text(p.code(c, 'str_start') + 1)
    expect([name(a), name(a + 1), name(a + 2)]).toEqual(['<module>', 'f', 'g'])
  })

  it('lays out string slices [filename, name, qualname, names, locals]', async () => {
    const p = new Pyb(await writeBundle(richInput()))
    const a = p.module(p.lookup('alpha'), 'code')
    const f = a + 1
    const s = p.code(f, 'str_start')
    const texts = Array.from({ length: STRING_SLICE_FIXED + p.code(f, 'n_names') + p.code(f, 'n_locals') }, (_, i) => p.text(s + i))
    expect(texts).toEqual(['f.py', 'f', 'f', 'print', 'len', 'a', 'b'])
    expect(p.code(f, 'n_freevars')).toBe(0)
    expect(p.code(f, 'kinds_length')).toBe(2)
    expect(Array.from(p.blob(p.code(f, 'kinds_offset'), 2))).toEqual([0x20, 0x20])
    expect(p.v.getInt32(p.sections.CODE.offset + f * CODE.size + CODE.at.argcount, true)).toBe(2)
    for (let c = 0; c < p.codeCount; c++) {
      for (const k of ['code', 'linetable', 'exceptiontable', 'kinds'] as const) {
        expect(p.code(c, `${k}_offset`) % BLOB_ALIGN).toBe(0)
      }
      expect(Array.from(p.blob(p.code(c, 'code_offset'), p.code(c, 'code_length')))).toEqual([151, 0, 100, 0, 83, 0])
    }
  })

  it('writes pre-3.11 slices with freevars/cellvars and the name repeated as qualname', async () => {
    const inner = code('inner', { varnames: [S('x')], freevars: [S('y')], nlocals: 1 }, '3.8')
    const body = code('<module>', { consts: [inner, PY_NONE], cellvars: [S('y')], varnames: [] }, '3.8')
    const p = new Pyb(await writeBundle(bundle([mod('old', body)], 9)))
    const i = 1
    const s = p.code(i, 'str_start')
    expect([p.text(s), p.text(s + 1), p.text(s + 2), p.text(s + 3), p.text(s + 4)]).toEqual(['inner.py', 'inner', 'inner', 'x', 'y'])
    expect(p.strEntry(s + 2) & 1).toBe(1) // the repeated name is a redirect
    expect(p.code(i, 'n_locals')).toBe(1)
    expect(p.code(i, 'n_freevars')).toBe(1)
    expect(p.code(0, 'n_cellvars')).toBe(1)
    expect(p.code(i, 'nlocals')).toBe(1)
    expect(p.code(i, 'kinds_length')).toBe(0)
    expect(p.code(i, 'exceptiontable_length')).toBe(0)
  })
})

describe('writer: tables, redirects and records', () => {
  it('redirects only backwards, to data entries of the same value; records aligned', async () => {
    const p = new Pyb(await writeBundle(richInput()))
    const nStr = p.h('string_count')
    const strOffsets = new Set<number>()
    for (let i = 0; i < nStr; i++) {
      const e = p.strEntry(i)
      if (e & 1) {
        const t = e >>> 1
        expect(t).toBeLessThan(i)
        expect(p.strEntry(t) & 1).toBe(0)
      } else {
        expect(e % STRING_RECORD_ALIGN).toBe(0)
        expect(e).toBeLessThan(p.sections.STRD.size)
        expect(strOffsets.has(e)).toBe(false) // one data entry per record
        strOffsets.add(e)
      }
    }
    const nConst = p.h('const_count')
    for (let i = 0; i < nConst; i++) {
      const e = p.constEntry(i)
      if (e & 1) {
        const t = e >>> 1
        expect(t).toBeLessThan(i)
        expect(p.constEntry(t) & 1).toBe(0)
      } else {
        expect(e % CONST_RECORD_ALIGN).toBe(0)
        const r = p.constRecord(i)
        expect(p.u32(r.at) >>> 16).toBe(0)
        if (r.tag === CONST_TAG.TUPLE || r.tag === CONST_TAG.FROZENSET) {
          const n = p.u32(r.at + 4)
          for (let k = 0; k < n; k++) expect(p.u32(r.at + 8 + 4 * k)).toBeLessThan(i)
        }
      }
    }
  })

  it('keeps 0, 0.0, False, -0.0, NaN payloads, (0.0,) and (-0.0,) apart; merges what Python cannot tell apart', async () => {
    const p = new Pyb(await writeBundle(richInput()))
    const a = p.module(p.lookup('alpha'), 'code')
    const start = p.code(a, 'const_start')
    const rec = (k: number) => p.constRecord(start + k).offset
    const distinct = [0, 1, 2, 3, 4, 5, 7, 8].map(rec)
    expect(new Set(distinct).size).toBe(distinct.length)
    expect(rec(6)).toBe(rec(4)) // NaN with the same bits
    expect(p.constEntry(start + 6) & 1).toBe(1)
    expect(p.describe(start + 7)).toBe('(float 0)')
    expect(p.describe(start + 8)).toBe('(float 8000000000000000)')
    expect(p.describe(start + 5)).toBe('float 7ff8000000000001')
    // the same constants in another module share records
    const b = p.module(p.lookup('pkg.b'), 'code')
    const bs = p.code(b, 'const_start')
    expect(p.constRecord(bs + 2).offset).toBe(rec(0)) // 0
    expect(p.constRecord(bs + 4).offset).toBe(rec(7)) // (0.0,)
    // interned and non-interned strings are different records
    expect(p.constRecord(bs).offset).not.toBe(p.constRecord(bs + 1).offset)
    const f = a + 1
    expect(p.constRecord(p.code(f, 'const_start') + 1).offset).toBe(p.constRecord(bs).offset)
  })

  it('encodes every constant type', async () => {
    const p = new Pyb(await writeBundle(richInput()))
    const a = p.module(p.lookup('alpha'), 'code')
    const start = p.code(a, 'const_start')
    const r = (k: number) => p.constRecord(start + k)
    expect(r(11).tag).toBe(CONST_TAG.NONE)
    expect(r(12).tag).toBe(CONST_TAG.INT)
    expect(p.v.getBigInt64(r(12).at + 8, true)).toBe(-5n)
    expect(p.u32(r(12).at + 4)).toBe(0)
    const big = r(13)
    expect(big.tag).toBe(CONST_TAG.BIGINT)
    expect(big.flags).toBe(0)
    expect([p.u32(big.at + 4), p.u32(big.at + 8), p.u32(big.at + 12), p.u32(big.at + 16), p.u32(big.at + 20)]).toEqual([4, 0, 0, 0, 16])
    const neg = r(14)
    expect(neg.tag | neg.flags).toBe(CONST_TAG.BIGINT | CONST_FLAG_NEGATIVE)
    expect([p.u32(neg.at + 4), p.u32(neg.at + 8), p.u32(neg.at + 12), p.u32(neg.at + 16)]).toEqual([3, 0, 0, 1])
    const cx = r(15)
    expect(cx.tag).toBe(CONST_TAG.COMPLEX)
    expect(p.v.getFloat64(cx.at + 8, true)).toBe(1)
    expect(p.v.getBigUint64(cx.at + 16, true)).toBe(0x8000000000000000n)
    const by = r(16)
    expect(by.tag).toBe(CONST_TAG.BYTES)
    expect(p.u32(by.at + 4)).toBe(3)
    expect(p.u32(by.at + 8) % BLOB_ALIGN).toBe(0)
    expect(Array.from(p.blob(p.u32(by.at + 8), 3))).toEqual([1, 2, 3])
    expect(r(17).tag).toBe(CONST_TAG.TRUE)
    expect(r(18).tag).toBe(CONST_TAG.ELLIPSIS)
    expect(r(19).tag).toBe(CONST_TAG.STOP_ITERATION)
    const fs = r(20)
    expect(fs.tag).toBe(CONST_TAG.FROZENSET)
    expect(p.u32(fs.at + 4)).toBe(2)
    expect(p.describe(start + 21)).toBe('((int 7), int 7)')
    expect(r(22).tag).toBe(CONST_TAG.TUPLE)
    expect(p.u32(r(22).at + 4)).toBe(0)
    expect(r(9).tag).toBe(CONST_TAG.CODE)
  })

  it('stores 3.14 slice constants with backward element indexes', async () => {
    const body = code('<module>', { consts: [pySlice(pyInt(1), PY_NONE, pyInt(-1)), PY_NONE] })
    const p = new Pyb(await writeBundle(bundle([mod('s', body)], 14)))
    const start = p.code(0, 'const_start')
    const r = p.constRecord(start)
    expect(r.tag).toBe(CONST_TAG.SLICE)
    const parts = [p.u32(r.at + 4), p.u32(r.at + 8), p.u32(r.at + 12)]
    for (const x of parts) expect(x).toBeLessThan(start)
    expect(parts.map((x) => p.describe(x))).toEqual(['int 1', 'None', 'int -1'])
    await expect(writeBundle(bundle([mod('s', body)], 13))).rejects.toMatchObject({ code: 'UNSUPPORTED_VALUE' })
  })

  it('stores each distinct string once, with the narrowest kind and exact code points', async () => {
    const input = richInput()
    const { bytes, stats } = await writeBundleWithStats(input)
    const p = new Pyb(bytes)
    const t = p.module(p.lookup('text'), 'code')
    const start = p.code(t, 'const_start')
    const str = (k: number) => {
      const r = p.constRecord(start + k)
      expect(r.tag).toBe(CONST_TAG.STR)
      return p.str(p.u32(r.at + 4))
    }
    const expectStr = (k: number, kind: number, cps: number[], surrogates = false) => {
      const s = str(k)
      expect(s.flags & STRING_FLAG.KIND_MASK).toBe(kind)
      expect(Boolean(s.flags & STRING_FLAG.SURROGATES)).toBe(surrogates)
      expect(s.flags & STRING_FLAG.INTERNED).toBe(0)
      expect(s.cps).toEqual(cps)
      expect(s.flags >>> 4).toBe(0)
    }
    expectStr(0, STRING_KIND.LATIN1, Array.from(codePointsOf(S('café'))))
    expectStr(1, STRING_KIND.UCS2, Array.from(codePointsOf(S('Ωmega'))))
    expectStr(2, STRING_KIND.UCS4, Array.from(codePointsOf(S('smile \u{1F600}'))))
    expectStr(3, STRING_KIND.UCS2, [0x61, 0xd800, 0x62], true)
    expectStr(4, STRING_KIND.UCS2, [0xd83d, 0xde00], true) // two lone surrogates, not U+1F600
    expectStr(5, STRING_KIND.ASCII, [])
    // 'print' appears in five code objects of three modules: one record
    const printRecords = new Set<number>()
    for (let c = 0; c < p.codeCount; c++) {
      const s = p.code(c, 'str_start') + STRING_SLICE_FIXED
      for (let k = 0; k < p.code(c, 'n_names'); k++) {
        const x = p.str(s + k)
        if (String.fromCodePoint(...x.cps) === 'print') {
          printRecords.add(x.offset)
          expect(x.flags & STRING_FLAG.INTERNED).toBe(STRING_FLAG.INTERNED)
          expect(x.flags & STRING_FLAG.KIND_MASK).toBe(STRING_KIND.ASCII)
        }
      }
    }
    expect(printRecords.size).toBe(1)
    // every STRD record has a data entry, and no two records hold the same string + interned flag
    const keys = new Set<string>()
    for (let i = 0; i < p.h('string_count'); i++) {
      if (p.strEntry(i) & 1) continue
      const x = p.str(i)
      keys.add(`${x.flags & STRING_FLAG.INTERNED}:${x.cps.join(',')}`)
      expect(p.sections.STRD.offset % STRING_RECORD_ALIGN).toBe(0)
      expect(STRING_KIND_WIDTH[x.flags & 3] * x.cps.length + STRING_RECORD.size).toBeLessThanOrEqual(p.sections.STRD.size - x.offset)
    }
    expect(keys.size).toBe(stats.strings.records)
  })
})

describe('writer: statistics', () => {
  it('counts entries, records, redirects and sharing consistently', async () => {
    const { bytes, stats } = await writeBundleWithStats(richInput())
    const p = new Pyb(bytes)
    expect(stats.modules).toBe(8)
    expect(stats.namespaceModules).toBe(1)
    expect(stats.codeObjects).toBe(p.codeCount)
    expect(stats.fileSize).toBe(bytes.length)
    expect(stats.strings.entries).toBe(p.h('string_count'))
    expect(stats.consts.entries).toBe(p.h('const_count'))
    let sr = 0
    for (let i = 0; i < stats.strings.entries; i++) sr += p.strEntry(i) & 1
    let cr = 0
    for (let i = 0; i < stats.consts.entries; i++) cr += p.constEntry(i) & 1
    expect(stats.strings.redirects).toBe(sr)
    expect(stats.consts.redirects).toBe(cr)
    expect(stats.strings.records + stats.strings.redirects).toBe(stats.strings.entries)
    expect(stats.consts.records + stats.consts.redirects).toBe(stats.consts.entries)
    for (const name of SECTION_ORDER) expect(stats.sections[name]).toBe(p.sections[name].size)
    for (const k of ['strings', 'consts', 'blobs'] as const) {
      expect(stats.sharing[k].perModuleBytes).toBeGreaterThanOrEqual(stats.sharing[k].bytes)
    }
    expect(stats.sharing.savedBytes).toBeGreaterThan(0)
    expect(stats.sharing.strings.bytes).toBe(p.sections.STRD.size)
  })

  it('counts what all sharing saves (savedVsNone) while writing, the figure the loader reads back from the file', async () => {
    const { bytes, stats } = await writeBundleWithStats(richInput())
    const b = openBundleFromBuffer(bytes)
    const read = b.savedBySharing()
    expect(b.accounting().sharing.savedVsNone).toBe(read)
    b.close()
    expect(stats.strings.redirects + stats.consts.redirects).toBeGreaterThan(0)
    expect(read).toBeGreaterThan(0)
    expect(stats.sharing.savedVsNone).toBe(read)
  })

  it('reports zero sharing savings for a single module', async () => {
    const { stats } = await writeBundleWithStats(bundle([mod('one', code('<module>', { consts: [S('a', false), pyInt(1)], names: [S('a')] }))]))
    expect(stats.sharing.savedBytes).toBe(0)
  })

  it('counts what two identical modules would take without cross-module sharing', async () => {
    const c = () => code('<module>', { consts: [S('some docstring', false), pyTuple([pyInt(1), pyInt(2)])], names: [S('os')] })
    const one = await writeBundleWithStats(bundle([mod('a', c())]))
    const two = await writeBundleWithStats(bundle([mod('a', c()), mod('b', c())]))
    expect(two.stats.sharing.strings.bytes).toBe(one.stats.sharing.strings.bytes)
    expect(two.stats.sharing.strings.perModuleBytes).toBe(2 * one.stats.sharing.strings.bytes)
    expect(two.stats.sharing.consts.perModuleBytes).toBe(2 * one.stats.sharing.consts.bytes)
    // the same JS objects in both modules (as marshal refs or a pipeline may share them) count the same
    const shared = c()
    const same = await writeBundleWithStats(bundle([mod('a', shared), mod('b', shared)]))
    expect(same.stats.sharing).toEqual(two.stats.sharing)
    expect(same.stats.sharing.blobs.perModuleBytes).toBe(two.stats.sharing.blobs.perModuleBytes)
  })
})

describe('writer: determinism', () => {
  it('writes identical bytes twice and for any module order', async () => {
    const a = await writeBundle(richInput())
    const b = await writeBundle(richInput())
    expect(Buffer.compare(a, b)).toBe(0)
    const shuffled = richInput()
    shuffled.modules.reverse()
    const c = await writeBundle(shuffled)
    expect(Buffer.compare(a, c)).toBe(0)
    const rotated = richInput()
    rotated.modules.push(...rotated.modules.splice(0, 3))
    expect(Buffer.compare(a, await writeBundle(rotated))).toBe(0)
  })
})

describe('writer: rejects what .pyb v1 cannot hold', () => {
  const rejects = async (input: BundleInput, code: string) => {
    const err = await writeBundle(input).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(PyBundleError)
    expect((err as PyBundleError).code).toBe(code)
  }
  const withConst = (v: PyValue) => bundle([mod('m', code('<module>', { consts: [v] }))])
  it('list, dict and set constants', async () => {
    await rejects(withConst({ kind: 'list', items: [] }), 'UNSUPPORTED_VALUE')
    await rejects(withConst({ kind: 'dict', entries: [] }), 'UNSUPPORTED_VALUE')
    await rejects(withConst(pyTuple([{ kind: 'set', items: [] }])), 'UNSUPPORTED_VALUE')
    await rejects(withConst(pyTuple([code('inner')])), 'UNSUPPORTED_VALUE')
  })
  it('duplicate names, bad namespace packages, wrong layouts, bad versions', async () => {
    await rejects(bundle([mod('a', code('x')), mod('a', code('y'))]), 'MANIFEST')
    await rejects(bundle([mod('', code('x'))]), 'MANIFEST')
    await rejects(bundle([mod('a', null, { isNamespace: false })]), 'MANIFEST')
    await rejects(bundle([mod('a', code('x'), { isNamespace: true, isPackage: true })]), 'MANIFEST')
    await rejects(bundle([mod('a', code('x', {}, '3.10'))]), 'MALFORMED')
    await rejects(bundle([mod('a', code('x', { localspluskinds: Uint8Array.of(0x20) }))]), 'MALFORMED')
    await rejects({ ...bundle([]), python: { magic: 1, major: 2, minor: 7, marshalVersion: 2 } }, 'UNSUPPORTED_VERSION')
    await rejects(bundle([mod('x'.repeat(5000), code('x'))]), 'LIMIT_EXCEEDED')
  })
  it('constants nested deeper than MAX_DEPTH', async () => {
    let v: PyValue = PY_NONE
    for (let i = 0; i < 2100; i++) v = pyTuple([v])
    await rejects(withConst(v), 'LIMIT_EXCEEDED')
  })
})

describe('writer: atomic file output', () => {
  let dir: string
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'pyb-writer-'))
  })
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true })
  })

  it('writes the file and returns stats', async () => {
    const path = join(dir, 'ok.pyb')
    const stats = await writeBundleFile(path, richInput())
    const onDisk = await readFile(path)
    expect(Buffer.compare(onDisk, await writeBundle(richInput()))).toBe(0)
    expect(stats.fileSize).toBe(onDisk.length)
    expect((await readdir(dir)).sort()).toEqual(['ok.pyb'])
  })

  it('leaves the previous file byte-identical and no temp file when the build fails', async () => {
    const path = join(dir, 'keep.pyb')
    await writeFile(path, 'previous contents')
    const bad = bundle([mod('m', code('<module>', { consts: [{ kind: 'list', items: [] }] }))])
    await expect(writeBundleFile(path, bad)).rejects.toMatchObject({ code: 'UNSUPPORTED_VALUE' })
    expect((await readFile(path)).toString()).toBe('previous contents')
    expect((await readdir(dir)).filter((f) => f.includes('keep'))).toEqual(['keep.pyb'])
  })

  it('removes the temp file when writing fails part-way', async () => {
    const path = join(dir, 'partial.pyb')
    await writeFile(path, 'previous contents')
    let reads = 0
    class FailingBytes extends Uint8Array {
      override get length(): number {
        if (++reads > 2) throw new Error('simulated: no space left on device')
        return super.length
      }
    }
    const err = await writeFileAtomic(path, new FailingBytes(1000)).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(PyBundleError)
    expect((err as PyBundleError).code).toBe('IO')
    expect(reads).toBeGreaterThan(2) // the temp file existed and was being written
    expect((await readFile(path)).toString()).toBe('previous contents')
    expect((await readdir(dir)).filter((f) => f.includes('partial'))).toEqual(['partial.pyb'])
  })

  it('removes the temp file when the rename fails', async () => {
    const path = join(dir, 'is-a-dir.pyb')
    await mkdir(path)
    await writeFile(join(path, 'inside'), 'x')
    const err = await writeBundleFile(path, richInput()).catch((e: unknown) => e)
    expect((err as PyBundleError).code).toBe('IO')
    expect((await readdir(dir)).filter((f) => f.includes('is-a-dir'))).toEqual(['is-a-dir.pyb'])
    expect(await readdir(path)).toEqual(['inside'])
  })

  it('fails with IO when the folder does not exist', async () => {
    const err = await writeBundleFile(join(dir, 'missing', 'x.pyb'), richInput()).catch((e: unknown) => e)
    expect((err as PyBundleError).code).toBe('IO')
  })
})
