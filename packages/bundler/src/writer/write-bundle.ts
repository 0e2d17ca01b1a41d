/**
 * BundleInput -> .pyb v1 bytes (packages/format-spec/SPEC.md).
 *
 * Two phases: plan (validate, sort modules, number code objects in pre-order,
 * build the string/constant tables and the blob list, compute every section's
 * offset and size), then write everything into one preallocated buffer and
 * checksum it. Nothing depends on wall-clock time or Map iteration order, so
 * the same input (in any module order) gives the same bytes.
 */
import type { CodeLayout, PyCode, PyStr } from '@pybundle/cpython'
import { codeLayoutForPython, hasLoneSurrogate, marshalVersionForPython, usesLocalsPlus } from '@pybundle/cpython'
import { fail } from '@pybundle/errors'
import {
  BASE_RECORD, CODE, FILE_MAGIC, FORMAT_MAJOR, FORMAT_MINOR, FORMAT_MINOR_LAYERED, HEADER, HEADER_FLAG, LAYER_SECTION, LIMITS, MODULE, MODULE_FLAG, NONE, RESOURCE_SECTION,
  RESOURCE_SECTION_ORDER, SECTION, SECTION_ALIGN, SECTION_ENTRY, SECTION_ORDER, TABLE_ENTRY_SIZE, fnv1a32,
} from '@pybundle/format-spec'
import { checkModuleName, resourcePathProblem, type ResourceSectionName, type SectionName } from '@pybundle/format-spec'
import xxhash from 'xxhash-wasm'
import type { XXHashAPI } from 'xxhash-wasm'
import type { BundleInput, ModuleInput } from '../bundle-input.js'
import { BlobStore } from './blob-store.js'
import type { BlobRef } from './blob-store.js'
import { alignUp, checkU32, compareBytes, utf8 } from './bytes.js'
import { ConstTable } from './const-table.js'
import { midxSize, writeModuleIndex } from './module-index.js'
import { NO_RESOURCES, planResources, type PlannedResources } from './resources.js'
import type { BundleStats } from './stats.js'
import { StringTable } from './string-table.js'

let xxhPromise: Promise<XXHashAPI> | undefined
function getXxh(): Promise<XXHashAPI> {
  xxhPromise ??= xxhash()
  return xxhPromise
}

/** The code-object layout a Python version uses (see CodeLayout). */
function codeLayoutFor(major: number, minor: number): CodeLayout {
  if (major !== 3 || minor < 8 || minor > 14) {
    fail('UNSUPPORTED_VERSION', `.pyb v1 holds code for Python 3.8 to 3.14, not ${major}.${minor}`, undefined, { major, minor })
  }
  return codeLayoutForPython(minor)
}

interface PlannedModule {
  input: ModuleInput
  nameBytes: Uint8Array
  nameHash: number
  name: BlobRef
  path: BlobRef
  flags: number
  /** First code record, or NONE. */
  code: number
  codeCount: number
}

interface PlannedCode {
  code: PyCode
  module: number
  parent: number
  depth: number
  /** CODE indexes of the code objects among co_consts, in order. */
  children: number[]
  strStart: number
  nLocals: number
  nFreevars: number
  nCellvars: number
  constStart: number
  bytecode: BlobRef
  linetable: BlobRef
  exceptiontable: BlobRef
  kinds: BlobRef
}

export interface WriteResult {
  bytes: Uint8Array
  stats: BundleStats
}

/** Write a bundle; see writeBundleWithStats for the statistics. */
export async function writeBundle(input: BundleInput): Promise<Uint8Array> {
  return (await writeBundleWithStats(input)).bytes
}

export async function writeBundleWithStats(input: BundleInput): Promise<WriteResult> {
  const xxh = await getXxh()
  const plan = planBundle(input, xxh)
  const sections = layoutSections(plan)
  const out = new Uint8Array(sections.fileSize)
  const view = new DataView(out.buffer, out.byteOffset, out.byteLength)
  writeSections(out, view, plan, sections)
  writeSectionTable(out, view, sections.table, xxh)
  // Last: the header checksum covers the section table.
  writeHeader(out, view, input, plan, sections, xxh)
  return { bytes: out, stats: bundleStats(plan, sections) }
}

/** Everything the file holds, before any offset is known: the records, the tables, the blobs. */
interface BundlePlan {
  modules: PlannedModule[]
  codes: PlannedCode[]
  strings: StringTable
  consts: ConstTable
  blobs: BlobStore
  resources: PlannedResources | undefined
  /** §16 BASE's bytes, for a layered bundle. */
  base: Uint8Array | undefined
}

/** Where each section goes. */
interface SectionLayout {
  /** Header plus section table. */
  headerSize: number
  sizes: Record<SectionName, number>
  offsets: Record<SectionName, number>
  resourceOffsets: Record<ResourceSectionName, number>
  baseOffset: number
  /** The section table's rows in file order: [id, offset, size]. */
  table: [number, number, number][]
  fileSize: number
}

/** Validate the input and build every table: modules sorted, code objects numbered, strings, constants and blobs shared. */
function planBundle(input: BundleInput, xxh: XXHashAPI): BundlePlan {
  const layout = checkTarget(input)
  const blobs = new BlobStore(xxh)
  const strings = new StringTable()
  const consts = new ConstTable(strings, blobs, input.python.minor >= 14)

  const modules = sortModules(input.modules)
  // Names and paths first: a lookup's name comparison then touches one compact run of BLOB.
  for (const m of modules) {
    m.name = blobs.add(m.nameBytes, false)
    m.path = blobs.add(utf8.encode(m.input.path), false)
  }
  blobs.placeCodeBlobs(modules.map((m) => m.input.code)) // then the code blobs, by role (§14 rule 2)

  const codes: PlannedCode[] = []
  for (let mi = 0; mi < modules.length; mi++) {
    const m = modules[mi]
    blobs.sharing.beginModule()
    strings.sharing.beginModule()
    consts.sharing.beginModule()
    blobs.noteShared(m.name)
    blobs.noteShared(m.path)
    const root = m.input.code
    if (root === null) continue
    m.code = codes.length
    collectCodes(root, mi, NONE, 0, layout, codes)
    m.codeCount = codes.length - m.code
    for (let ci = m.code; ci < codes.length; ci++) planCode(codes[ci], strings, consts, blobs)
  }
  checkU32(codes.length, 'code record count')
  const resources = planResources(input, modules, xxh)
  const base = input.base === undefined ? undefined : baseSection(input)
  return { modules, codes, strings, consts, blobs, resources, base }
}

/** §1, §3: the sections in SECTION_ORDER, each aligned; the resource sections of §15 after BLOB, when there are any; §16 BASE last. */
function layoutSections(plan: BundlePlan): SectionLayout {
  const { resources, base } = plan
  const sectionCount = SECTION_ORDER.length + (resources ? RESOURCE_SECTION_ORDER.length : 0) + (base ? 1 : 0)
  const headerSize = HEADER.size + sectionCount * SECTION_ENTRY.size
  const sizes: Record<SectionName, number> = {
    MIDX: midxSize(plan.modules.length),
    MODS: plan.modules.length * MODULE.size,
    CODE: plan.codes.length * CODE.size,
    STRT: plan.strings.entries.length * TABLE_ENTRY_SIZE,
    CNST: plan.consts.entries.length * TABLE_ENTRY_SIZE,
    STRD: plan.strings.dataSize,
    CDAT: plan.consts.dataSize,
    BLOB: plan.blobs.size,
  }
  const table: [number, number, number][] = []
  let end = headerSize
  const place = (id: number, size: number): number => {
    const offset = alignUp(end, SECTION_ALIGN)
    end = offset + size
    table.push([id, offset, size])
    return offset
  }
  const offsets = {} as Record<SectionName, number>
  for (const name of SECTION_ORDER) offsets[name] = place(SECTION[name], sizes[name])
  const resourceOffsets = {} as Record<ResourceSectionName, number>
  if (resources) for (const name of RESOURCE_SECTION_ORDER) resourceOffsets[name] = place(RESOURCE_SECTION[name], resources.sizes[name])
  const baseOffset = base ? place(LAYER_SECTION.BASE, base.length) : 0
  return { headerSize, sizes, offsets, resourceOffsets, baseOffset, table, fileSize: end }
}

/** Every section's bytes, each table by its own writer. */
function writeSections(out: Uint8Array, view: DataView, plan: BundlePlan, at: SectionLayout): void {
  const { offsets } = at
  writeModuleIndex(view, offsets.MIDX, plan.modules.map((m) => m.nameHash))
  writeModules(view, offsets.MODS, plan.modules)
  writeCodes(view, offsets.CODE, plan.codes)
  const { strings, consts } = plan
  for (let i = 0; i < strings.entries.length; i++) view.setUint32(offsets.STRT + 4 * i, strings.entries[i], true)
  for (let i = 0; i < consts.entries.length; i++) view.setUint32(offsets.CNST + 4 * i, consts.entries[i], true)
  strings.write(out, view, offsets.STRD)
  consts.write(view, offsets.CDAT)
  plan.blobs.write(out, offsets.BLOB)
  plan.resources?.write(out, view, at.resourceOffsets)
  if (plan.base) out.set(plan.base, at.baseOffset)
}

/** §3: one entry per section, with the xxh64 of its bytes (so the sections are written first). */
function writeSectionTable(out: Uint8Array, view: DataView, table: readonly [number, number, number][], xxh: XXHashAPI): void {
  table.forEach(([id, offset, size], i) => {
    const at = HEADER.size + i * SECTION_ENTRY.size
    view.setUint32(at + SECTION_ENTRY.at.id, id, true)
    view.setUint32(at + SECTION_ENTRY.at.flags, 0, true)
    view.setBigUint64(at + SECTION_ENTRY.at.offset, BigInt(offset), true)
    view.setBigUint64(at + SECTION_ENTRY.at.size, BigInt(size), true)
    view.setBigUint64(at + SECTION_ENTRY.at.checksum, xxh.h64Raw(out.subarray(offset, offset + size)), true)
  })
}

/** §2: the header, its checksum last (over header and section table, with its own field read as zero: it is zero here). */
function writeHeader(out: Uint8Array, view: DataView, input: BundleInput, plan: BundlePlan, at: SectionLayout, xxh: XXHashAPI): void {
  const layered = plan.base !== undefined
  out.set(FILE_MAGIC, HEADER.at.magic)
  view.setUint16(HEADER.at.format_major, FORMAT_MAJOR, true)
  view.setUint16(HEADER.at.format_minor, layered ? FORMAT_MINOR_LAYERED : FORMAT_MINOR, true)
  view.setUint32(HEADER.at.header_size, at.headerSize, true)
  view.setBigUint64(HEADER.at.file_size, BigInt(at.fileSize), true)
  view.setUint16(HEADER.at.python_magic, input.python.magic, true)
  view.setUint8(HEADER.at.python_major, input.python.major)
  view.setUint8(HEADER.at.python_minor, input.python.minor)
  view.setUint8(HEADER.at.marshal_version, input.python.marshalVersion)
  view.setUint8(HEADER.at.optimize, input.optimize)
  view.setUint16(HEADER.at.section_count, at.table.length, true)
  view.setUint32(HEADER.at.flags, layered ? HEADER_FLAG.LAYERED : 0, true)
  view.setUint32(HEADER.at.module_count, plan.modules.length, true)
  view.setUint32(HEADER.at.code_count, plan.codes.length, true)
  view.setUint32(HEADER.at.string_count, plan.strings.entries.length, true)
  view.setUint32(HEADER.at.const_count, plan.consts.entries.length, true)
  view.setUint32(HEADER.at.reserved, 0, true)
  view.setBigUint64(HEADER.at.header_checksum, xxh.h64Raw(out.subarray(0, at.headerSize)), true)
}

/** The figures of stats.ts, from the plan (the writer's tables count sharing as they are built). */
function bundleStats(plan: BundlePlan, at: SectionLayout): BundleStats {
  const { modules, codes, strings, consts, blobs, resources } = plan
  const nameSlots = codes.reduce((n, c) => n + 3 + c.code.names.length + c.nLocals + c.nFreevars + c.nCellvars, 0)
  const constSlots = codes.reduce((n, c) => n + c.code.consts.length, 0)
  const sharing = {
    strings: { bytes: strings.dataSize, perModuleBytes: strings.sharing.perModuleBytes },
    consts: { bytes: consts.dataSize, perModuleBytes: consts.sharing.perModuleBytes },
    blobs: { bytes: blobs.size, perModuleBytes: blobs.sharing.perModuleBytes },
    savedBytes: 0,
    savedVsNone: strings.redirectBytes + consts.redirectBytes,
  }
  sharing.savedBytes = sharing.strings.perModuleBytes + sharing.consts.perModuleBytes + sharing.blobs.perModuleBytes
    - sharing.strings.bytes - sharing.consts.bytes - sharing.blobs.bytes
  return {
    modules: modules.length,
    namespaceModules: modules.filter((m) => m.input.code === null).length,
    codeObjects: codes.length,
    strings: {
      entries: strings.entries.length,
      records: strings.records.length,
      redirects: strings.redirects,
      extraEntries: strings.entries.length - nameSlots,
    },
    consts: {
      entries: consts.entries.length,
      records: consts.records.length,
      redirects: consts.redirects,
      extraEntries: consts.entries.length - constSlots,
    },
    blobs: { references: blobs.references, distinct: blobs.blobs.length },
    sections: at.sizes,
    resourceSections: resources ? { ...resources.sizes } : undefined,
    resources: resources ? resources.stats : { ...NO_RESOURCES },
    headerBytes: at.headerSize,
    fileSize: at.fileSize,
    sharing,
  }
}

/** §16 BASE: the base record, then the base's name in UTF-8. */
function baseSection(input: BundleInput): Uint8Array {
  const b = input.base!
  const name = new TextEncoder().encode(b.name)
  const problem = resourcePathProblem(b.name)
  if (problem !== undefined) fail('BAD_ARGUMENT', `base bundle name ${JSON.stringify(b.name)}: ${problem}`)
  if (b.pythonMagic !== input.python.magic) {
    fail('UNSUPPORTED_VERSION', `the base bundle holds code for pyc magic ${b.pythonMagic}, the app's is ${input.python.magic}: build both with the same interpreter`)
  }
  const out = new Uint8Array(BASE_RECORD.size + name.length)
  const v = new DataView(out.buffer)
  v.setBigUint64(BASE_RECORD.at.header_checksum, b.checksum, true)
  v.setBigUint64(BASE_RECORD.at.file_size, BigInt(b.fileSize), true)
  v.setUint16(BASE_RECORD.at.python_magic, b.pythonMagic, true)
  v.setUint16(BASE_RECORD.at.reserved, 0, true)
  v.setUint32(BASE_RECORD.at.name_length, name.length, true)
  out.set(name, BASE_RECORD.size)
  return out
}

function checkTarget(input: BundleInput): CodeLayout {
  const p = input.python
  const layout = codeLayoutFor(p.major, p.minor)
  if (!Number.isInteger(p.magic) || p.magic < 0 || p.magic > 0xffff) {
    fail('UNSUPPORTED_VERSION', `pyc magic ${p.magic} is not a u16`)
  }
  const expectedMarshal = marshalVersionForPython(p.minor)
  if (p.marshalVersion !== expectedMarshal) {
    fail('UNSUPPORTED_VERSION', `Python 3.${p.minor} has marshal version ${expectedMarshal}, not ${p.marshalVersion}`)
  }
  if (input.optimize !== 0 && input.optimize !== 1 && input.optimize !== 2) {
    fail('MANIFEST', `optimize must be 0, 1 or 2, not ${String(input.optimize)}`)
  }
  return layout
}

function sortModules(inputs: readonly ModuleInput[]): PlannedModule[] {
  const modules: PlannedModule[] = inputs.map((input) => {
    if (typeof input.name !== 'string' || input.name.length === 0 || hasLoneSurrogate(input.name)) {
      fail('MANIFEST', `invalid module name ${JSON.stringify(input.name)}`, undefined, { name: input.name })
    }
    const nameBytes = utf8.encode(input.name)
    if (nameBytes.length > LIMITS.MAX_NAME_BYTES) {
      fail('LIMIT_EXCEEDED', `module name of ${nameBytes.length} UTF-8 bytes exceeds MAX_NAME_BYTES (${LIMITS.MAX_NAME_BYTES}) (SPEC.md §11.4): ${JSON.stringify(input.name.slice(0, 60))}${input.name.length > 60 ? '...' : ''}`, undefined, {
        limit: 'MAX_NAME_BYTES', max: LIMITS.MAX_NAME_BYTES, value: nameBytes.length, name: input.name,
      })
    }
    const bad = checkModuleName(input.name)
    if (bad !== undefined) fail('MANIFEST', `invalid module name ${JSON.stringify(input.name)} (${bad}; SPEC.md §5.1)`, undefined, { name: input.name, reason: bad })
    if (hasLoneSurrogate(input.path)) fail('MANIFEST', `module ${input.name}: path is not valid Unicode`)
    if (input.isNamespace && !input.isPackage) fail('MANIFEST', `module ${input.name}: a namespace package must be a package`)
    if (input.isNamespace !== (input.code === null)) {
      fail('MANIFEST', `module ${input.name}: ${input.isNamespace ? 'a namespace package has no code' : 'has no code object'}`, undefined, {
        name: input.name,
      })
    }
    const flags = (input.isPackage ? MODULE_FLAG.PACKAGE : 0) | (input.isNamespace ? MODULE_FLAG.NAMESPACE : 0)
      | (input.sourceless ? MODULE_FLAG.SOURCELESS : 0)
    const empty = { offset: 0, length: 0 }
    return { input, nameBytes, nameHash: fnv1a32(nameBytes), name: empty, path: empty, flags, code: NONE, codeCount: 0 }
  })
  modules.sort((a, b) => compareBytes(a.nameBytes, b.nameBytes))
  for (let i = 1; i < modules.length; i++) {
    if (compareBytes(modules[i - 1].nameBytes, modules[i].nameBytes) === 0) {
      fail('MANIFEST', `module ${modules[i].input.name} appears twice`, undefined, { name: modules[i].input.name })
    }
  }
  checkU32(modules.length, 'module count')
  return modules
}

/** Number code objects in pre-order: a parent before its children, children in co_consts order (§6). */
function collectCodes(code: PyCode, module: number, parent: number, depth: number, layout: CodeLayout, out: PlannedCode[]): number {
  if (depth > LIMITS.MAX_DEPTH) {
    fail('LIMIT_EXCEEDED', `code objects nest deeper than MAX_DEPTH (${LIMITS.MAX_DEPTH}): depth ${depth} reached (SPEC.md §11.4)`, undefined, {
      limit: 'MAX_DEPTH', max: LIMITS.MAX_DEPTH, value: depth,
    })
  }
  checkCode(code, layout)
  const index = out.length
  const localsPlus = usesLocalsPlus(layout)
  const planned: PlannedCode = {
    code, module, parent, depth, children: [],
    strStart: 0,
    nLocals: localsPlus ? code.localsplusnames.length : code.varnames.length,
    nFreevars: localsPlus ? 0 : code.freevars.length,
    nCellvars: localsPlus ? 0 : code.cellvars.length,
    constStart: 0,
    bytecode: { offset: 0, length: 0 }, linetable: { offset: 0, length: 0 },
    exceptiontable: { offset: 0, length: 0 }, kinds: { offset: 0, length: 0 },
  }
  out.push(planned)
  for (const c of code.consts) {
    if (c.kind === 'code') planned.children.push(collectCodes(c, module, index, depth + 1, layout, out))
  }
  return index
}

function planCode(c: PlannedCode, strings: StringTable, consts: ConstTable, blobs: BlobStore): void {
  const code = c.code
  // §6.1: [filename, name, qualname, names..., locals..., freevars..., cellvars...]
  c.strStart = strings.append(code.filename)
  strings.append(code.name)
  strings.append(code.qualname ?? code.name)
  appendAll(strings, code.names)
  if (usesLocalsPlus(code.layout)) {
    appendAll(strings, code.localsplusnames)
  } else {
    appendAll(strings, code.varnames)
    appendAll(strings, code.freevars)
    appendAll(strings, code.cellvars)
  }
  c.constStart = consts.appendSlice(code.consts, c.children, c.depth)
  c.bytecode = blobs.add(code.code)
  c.linetable = blobs.add(code.linetable)
  c.exceptiontable = blobs.add(code.exceptiontable)
  c.kinds = blobs.add(code.localspluskinds)
}

function appendAll(strings: StringTable, list: readonly PyStr[]): void {
  for (const s of list) strings.append(s)
}

function checkCode(code: PyCode, layout: CodeLayout): void {
  const bad = (why: string): never =>
    fail('MALFORMED', `code object ${code.name?.text ?? '?'}: ${why}`, undefined, { name: code.name?.text, layout })
  if (code.kind !== 'code') bad('not a code object')
  if (code.layout !== layout) bad(`has the ${code.layout} layout, the target Python uses ${layout}`)
  for (const f of ['argcount', 'posonlyargcount', 'kwonlyargcount', 'nlocals', 'stacksize', 'firstlineno'] as const) {
    const v = code[f]
    if (!Number.isInteger(v) || v < -0x80000000 || v > 0x7fffffff) bad(`${f} ${v} is not an int32`)
  }
  if (!Number.isInteger(code.flags) || code.flags < 0 || code.flags > 0xffffffff) bad(`flags ${code.flags} is not a u32`)
  if (usesLocalsPlus(layout)) {
    if (code.qualname === null) bad('3.11+ code needs a qualname')
    if (code.varnames.length || code.freevars.length || code.cellvars.length) bad('3.11+ code has varnames/freevars/cellvars')
    if (code.localspluskinds.length !== code.localsplusnames.length) bad('localspluskinds and localsplusnames differ in length')
  } else {
    if (code.localsplusnames.length || code.localspluskinds.length) bad('code before 3.11 has localsplusnames/kinds')
    if (code.exceptiontable.length) bad('code before 3.11 has an exception table')
  }
}

function writeModules(view: DataView, base: number, modules: readonly PlannedModule[]): void {
  modules.forEach((m, i) => {
    const at = base + i * MODULE.size
    const src = m.input.source
    view.setUint32(at + MODULE.at.name_offset, m.name.offset, true)
    view.setUint32(at + MODULE.at.name_length, m.name.length, true)
    view.setUint32(at + MODULE.at.path_offset, m.path.offset, true)
    view.setUint32(at + MODULE.at.path_length, m.path.length, true)
    view.setUint32(at + MODULE.at.flags, m.flags, true)
    view.setUint32(at + MODULE.at.code, m.code, true)
    view.setUint32(at + MODULE.at.code_count, m.codeCount, true)
    view.setUint32(at + MODULE.at.name_hash, m.nameHash, true)
    view.setBigUint64(at + MODULE.at.source_size, src ? BigInt(src.size) : 0n, true)
    view.setBigInt64(at + MODULE.at.source_mtime_ns, src ? src.mtimeNs : 0n, true)
    view.setBigUint64(at + MODULE.at.source_hash, src ? BigInt.asUintN(64, src.hash) : 0n, true)
    view.setBigUint64(at + MODULE.at.reserved, 0n, true)
  })
}

function writeCodes(view: DataView, base: number, codes: readonly PlannedCode[]): void {
  for (let i = 0; i < codes.length; i++) {
    const c = codes[i]
    const k = c.code
    const at = base + i * CODE.size
    view.setInt32(at + CODE.at.argcount, k.argcount, true)
    view.setInt32(at + CODE.at.posonlyargcount, k.posonlyargcount, true)
    view.setInt32(at + CODE.at.kwonlyargcount, k.kwonlyargcount, true)
    view.setInt32(at + CODE.at.nlocals, usesLocalsPlus(k.layout) ? 0 : k.nlocals, true)
    view.setInt32(at + CODE.at.stacksize, k.stacksize, true)
    view.setUint32(at + CODE.at.flags, k.flags, true)
    view.setInt32(at + CODE.at.firstlineno, k.firstlineno, true)
    view.setUint32(at + CODE.at.module, c.module, true)
    view.setUint32(at + CODE.at.parent, c.parent, true)
    view.setUint32(at + CODE.at.str_start, c.strStart, true)
    view.setUint32(at + CODE.at.n_names, k.names.length, true)
    view.setUint32(at + CODE.at.n_locals, c.nLocals, true)
    view.setUint32(at + CODE.at.n_freevars, c.nFreevars, true)
    view.setUint32(at + CODE.at.n_cellvars, c.nCellvars, true)
    view.setUint32(at + CODE.at.const_start, c.constStart, true)
    view.setUint32(at + CODE.at.n_consts, k.consts.length, true)
    view.setUint32(at + CODE.at.code_offset, c.bytecode.offset, true)
    view.setUint32(at + CODE.at.code_length, c.bytecode.length, true)
    view.setUint32(at + CODE.at.linetable_offset, c.linetable.offset, true)
    view.setUint32(at + CODE.at.linetable_length, c.linetable.length, true)
    view.setUint32(at + CODE.at.exceptiontable_offset, c.exceptiontable.offset, true)
    view.setUint32(at + CODE.at.exceptiontable_length, c.exceptiontable.length, true)
    view.setUint32(at + CODE.at.kinds_offset, c.kinds.offset, true)
    view.setUint32(at + CODE.at.kinds_length, c.kinds.length, true)
  }
}
