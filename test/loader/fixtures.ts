/**
 * Small hand-made inputs for loader tests: code objects in the exact value model,
 * bundles written with the real writer, and byte patching that keeps checksums
 * valid (so lazy reads, not checksums, meet the corruption).
 */
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import {
  PY_ELLIPSIS, PY_FALSE, PY_NONE, PY_TRUE, pyBytes, pyComplex, pyFloat, pyFloatBits, pyFrozenSet, pyInt, pyStr,
  pyStrFromCodePoints, pyTuple, type CodeLayout, type PyCode, type PyStr, type PyValue,
} from '@pybundle/cpython'
import { writeBundle, type BundleInput, type DataFileInput, type DistributionInput, type ModuleInput } from '@pybundle/bundler'
import { HEADER, MIDX_HEADER, MIDX_SLOT, MODULE, SECTION, SECTION_ENTRY, SECTION_ORDER, fnv1a32 } from '@pybundle/format-spec'
import xxhash from 'xxhash-wasm'

const xxh = await xxhash()

export const PY311 = { magic: 3495, major: 3, minor: 11, marshalVersion: 4 }
export const PY310 = { magic: 3439, major: 3, minor: 10, marshalVersion: 4 }
export const PY38 = { magic: 3413, major: 3, minor: 8, marshalVersion: 4 }
export const PY314 = { magic: 3627, major: 3, minor: 14, marshalVersion: 5 }

export function s(text: string, interned = true): PyStr {
  return pyStr(text, interned)
}

/** A code object of `layout` with defaults; `name` and `filename` are plain text (made PyStr here). */
export function code(layout: CodeLayout, fields: Omit<Partial<PyCode>, 'name' | 'filename'> & { name: string; filename?: string }): PyCode {
  const modern = layout === '3.11'
  const { name, filename, ...rest } = fields
  const locals = rest.localsplusnames ?? []
  return {
    kind: 'code',
    layout,
    argcount: 0,
    posonlyargcount: 0,
    kwonlyargcount: 0,
    nlocals: modern ? 0 : (rest.varnames ?? []).length,
    stacksize: 2,
    flags: 0,
    code: Uint8Array.of(0x97, 0x00, 0x64, 0x00, 0x53, 0x00),
    consts: [],
    names: [],
    varnames: [],
    freevars: [],
    cellvars: [],
    localsplusnames: [],
    localspluskinds: modern ? new Uint8Array(locals.length).fill(0x20) : new Uint8Array(0),
    filename: s(filename ?? `${name}.py`, false),
    name: s(name),
    qualname: modern ? s(name) : null,
    firstlineno: 1,
    linetable: Uint8Array.of(1, 2, 3),
    exceptiontable: new Uint8Array(0),
    ...rest,
  }
}

/** Every constant kind the format holds (3.11 and earlier: no slices). */
export function allConstants(): PyValue[] {
  const nan = pyFloatBits(0x7ff8_0000_dead_beefn)
  return [
    PY_NONE, PY_TRUE, PY_FALSE, PY_ELLIPSIS,
    pyInt(0), pyInt(1), pyInt(-1), pyInt(2 ** 31 - 1), pyInt(-(2 ** 31)), pyInt(2 ** 31), pyInt(-(2 ** 31) - 1),
    pyInt((1n << 63n) - 1n), pyInt(-(1n << 63n)), pyInt(1n << 63n), pyInt(-(1n << 219n) + 12345n), pyInt(1n << 64n),
    pyFloat(0), pyFloat(-0), pyFloat(1.5), pyFloat(Infinity), nan, pyComplex(1, -0),
    pyBytes(Uint8Array.of(1, 2, 3)), pyBytes(new Uint8Array(0)),
    s('', false), s('ascii text', false), s('caf\u00e9', false), s('\u0100\u20ac', false), s('\u{1F600} astral', false),
    pyStrFromCodePoints([0x61, 0xd83d, 0xde00]), pyStrFromCodePoints([0xdc80]), pyStrFromCodePoints([0x1f600, 0xd800]),
    s('x'.repeat(300), false), s('\u00ff'.repeat(300), false),
    pyTuple([]), pyTuple([pyInt(1), s('a', false), pyTuple([PY_NONE, pyFloat(-0)])]),
    pyFrozenSet([s('b', false), s('a', false)]),
  ]
}

export function module(name: string, c: PyCode | null, extra: Partial<ModuleInput> = {}): ModuleInput {
  return {
    name,
    isPackage: false,
    isNamespace: c === null,
    path: c === null ? '' : name.replaceAll('.', '/') + '.py',
    code: c,
    source: { size: 1234, mtimeNs: 1_700_000_000_123_456_789n, hash: 0x1234_5678_9abc_def0n },
    ...extra,
  }
}

export async function bundleBytes(input: BundleInput): Promise<Uint8Array> {
  return writeBundle(input)
}

let dir: string | undefined
export function tempFile(name: string, bytes: Uint8Array): string {
  dir ??= mkdtempSync(join(tmpdir(), 'pybundle-loader-'))
  const p = join(dir, name)
  writeFileSync(p, bytes)
  return p
}

/** Recompute every section checksum and the header checksum after patching bytes. */
export function reseal(bytes: Uint8Array): Uint8Array {
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  const n = dv.getUint16(HEADER.at.section_count, true)
  for (let i = 0; i < n; i++) {
    const e = HEADER.size + i * SECTION_ENTRY.size
    const off = Number(dv.getBigUint64(e + SECTION_ENTRY.at.offset, true))
    const size = Number(dv.getBigUint64(e + SECTION_ENTRY.at.size, true))
    if (off + size <= bytes.length) dv.setBigUint64(e + SECTION_ENTRY.at.checksum, xxh.h64Raw(bytes.subarray(off, off + size)), true)
  }
  resealHeader(bytes)
  return bytes
}

export function resealHeader(bytes: Uint8Array): Uint8Array {
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  const hs = dv.getUint32(HEADER.at.header_size, true)
  dv.setBigUint64(HEADER.at.header_checksum, 0n, true)
  dv.setBigUint64(HEADER.at.header_checksum, xxh.h64Raw(bytes.subarray(0, Math.min(hs, bytes.length))), true)
  return bytes
}

export function sectionOffset(bytes: Uint8Array, index: number): { offset: number; size: number } {
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  const e = HEADER.size + index * SECTION_ENTRY.size
  return { offset: Number(dv.getBigUint64(e + SECTION_ENTRY.at.offset, true)), size: Number(dv.getBigUint64(e + SECTION_ENTRY.at.size, true)) }
}

/** Offset and size of section `name` (found by its id in the section table). */
export function section(bytes: Uint8Array, name: (typeof SECTION_ORDER)[number]): { offset: number; size: number } {
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  const n = dv.getUint16(HEADER.at.section_count, true)
  for (let i = 0; i < n; i++) {
    if (dv.getUint32(HEADER.size + i * SECTION_ENTRY.size + SECTION_ENTRY.at.id, true) === SECTION[name]) return sectionOffset(bytes, i)
  }
  throw new Error(`no section ${name}`)
}

/**
 * A bundle whose modules carry names the writer refuses (hostile names for the
 * readers' tests), otherwise intact: written with placeholder names of the same
 * UTF-8 length in the same sort order, then the name bytes, name_hash, MIDX and
 * checksums patched. `modules[i]` gets `names[i]`; names must be distinct.
 */
export async function forgeNames(input: BundleInput, names: readonly string[]): Promise<Uint8Array> {
  const enc = new TextEncoder()
  const want = names.map((n) => enc.encode(n))
  const order = want.map((_, i) => i).sort((a, b) => compareU8(want[a], want[b]))
  if (order.length > 26) throw new Error('forgeNames: at most 26 modules')
  const placeholder = new Map<number, string>()
  order.forEach((mi, rank) => placeholder.set(mi, String.fromCharCode(0x61 + rank) + 'x'.repeat(want[mi].length - 1)))
  const modules = input.modules.map((m, i) => ({ ...m, name: placeholder.get(i)!, path: m.path === '' ? '' : `p${i}.py` }))
  const bytes = await writeBundle({ ...input, modules })
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  const mods = section(bytes, 'MODS')
  const blob = section(bytes, 'BLOB')
  const midx = section(bytes, 'MIDX')
  const hashes: number[] = []
  order.forEach((mi, rank) => {
    const rec = mods.offset + rank * MODULE.size
    const at = blob.offset + dv.getUint32(rec + MODULE.at.name_offset, true)
    if (dv.getUint32(rec + MODULE.at.name_length, true) !== want[mi].length) throw new Error('forgeNames: length mismatch')
    bytes.set(want[mi], at)
    const h = fnv1a32(want[mi])
    dv.setUint32(rec + MODULE.at.name_hash, h, true)
    hashes.push(h)
  })
  const slots = dv.getUint32(midx.offset + MIDX_HEADER.at.slot_count, true)
  const first = midx.offset + MIDX_HEADER.size
  bytes.fill(0, first, first + slots * MIDX_SLOT.size)
  const used = new Uint8Array(slots)
  hashes.forEach((h, m) => {
    let slot = h & (slots - 1)
    while (used[slot]) slot = (slot + 1) & (slots - 1)
    used[slot] = 1
    dv.setUint32(first + slot * MIDX_SLOT.size + MIDX_SLOT.at.hash, h, true)
    dv.setUint32(first + slot * MIDX_SLOT.size + MIDX_SLOT.at.module, m + 1, true)
  })
  return reseal(bytes)
}

function compareU8(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length)
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i] - b[i]
  return a.length - b.length
}

const b = (s: string): Uint8Array => new TextEncoder().encode(s)
const resBody = (name: string): PyCode => code('3.11', { name: '<module>', filename: `${name}.py` })

/**
 * A format-1.1 input with every resource (§15): data files of two packages (nested folders, an empty
 * file, a non-ASCII path, a payload equal to a distribution's LICENSE), a dist-info and a single-file
 * egg-info, sources of two modules, build info.
 */
export function resourceInput(extra: Partial<BundleInput> = {}): BundleInput {
  const data: DataFileInput[] = [
    { package: 'app', path: 'templates/mail/welcome.txt', bytes: b('Welcome, {{ name }}!\n') },
    { package: 'app', path: 'config.json', bytes: b('{"debug": false}\n') },
    { package: 'app', path: 'templates/base.html', bytes: b('<html>{% block body %}{% endblock %}</html>\n') },
    { package: 'app.sub', path: 'x.txt', bytes: b('x') },
    { package: 'app', path: 'empty.dat', bytes: new Uint8Array(0) },
    { package: 'app', path: 'caf\u00e9/\u00e9t\u00e9.txt', bytes: b('LICENSE text\n') },
  ]
  const distributions: DistributionInput[] = [
    { name: 'app-1.0.dist-info', files: [
      { path: 'METADATA', bytes: b('Metadata-Version: 2.1\nName: app\nVersion: 1.0\n') },
      { path: 'entry_points.txt', bytes: b('[console_scripts]\napp = app:main\n') },
      { path: 'LICENSE', bytes: b('LICENSE text\n') },
      { path: 'top_level.txt', bytes: b('app\n') },
    ] },
    { name: 'old_thing-0.1.egg-info', isFile: true, files: [{ path: 'PKG-INFO', bytes: b('Metadata-Version: 1.0\nName: old_thing\n') }] },
  ]
  return {
    python: PY311,
    optimize: 0,
    modules: [
      module('app', resBody('app'), { isPackage: true, path: 'app/__init__.py', sourceBytes: b('"""app"""\n') }),
      module('app.sub', resBody('app.sub'), { isPackage: true, path: 'app/sub/__init__.py' }),
      module('app.main', resBody('app.main'), { sourceBytes: b('def main():\n    print("hi")\n') }),
      module('ns', null, { isPackage: true }),
    ],
    data,
    distributions,
    buildInfo: { modules: { app: { reason: 'include' }, 'app.main': { reason: 'closure', importedBy: ['app'] } }, skippedData: [{ package: 'app', path: 'loop', reason: 'symlink loop' }] },
    ...extra,
  }
}
