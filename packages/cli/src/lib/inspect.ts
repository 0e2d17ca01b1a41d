/**
 * `pybundle inspect` as data: what is in a bundle and where its bytes go.
 * Field names here are the stable --json schema (documented in README.md).
 */
import { codeLayoutForPython, usesLocalsPlus } from '@pybundle/cpython'
import { PyBundleError } from '@pybundle/errors'
import { DATA_ALIGN, LIMITS } from '@pybundle/format-spec'
import { CodeView, type Bundle, type BundleStats, type ModuleView } from '@pybundle/loader'
import { pyStrText } from './pystr.js'

export type ModuleKind = 'module' | 'package' | 'namespace'

export interface InspectSection {
  name: string
  offset: number
  size: number
  /** xxh64 as 16 hex digits. */
  checksum: string
  /** The loader's verify() found no checksum mismatch for this section. */
  checksumOk: boolean
}

export interface InspectModule {
  name: string
  kind: ModuleKind
  sourceless: boolean
  /** Code objects (the module body and every nested function, class, comprehension). */
  codeObjects: number
  /** co_code bytes of all of them. */
  bytecodeBytes: number
  /** Bytes of the file that belong to this module (see README: records, table entries, blobs, and the strings and constants it stores first). */
  bytes: number
  /** bytes / fileSize. */
  share: number
  /** String table entries of its code objects that store a record / that redirect to an earlier one. */
  stringsOwned: number
  stringsShared: number
  /** The same for constant table entries. */
  constsOwned: number
  constsShared: number
}

export interface InspectCode {
  /** co_qualname (3.11+) or co_name. */
  qualname: string
  firstlineno: number
  argcount: number
  posonlyargcount: number
  kwonlyargcount: number
  flags: number
  stacksize: number
  bytecodeBytes: number
  linetableBytes: number
  exceptiontableBytes: number
  names: number
  consts: number
  /** co_varnames (3.8-3.10) or co_localsplusnames (3.11+). */
  locals: number
  children: InspectCode[]
}

/** A package's data files or a distribution's files (format 1.1, SPEC.md §15). */
export interface InspectResourceOwner {
  name: string
  files: number
  /** Sum of the files' sizes. */
  bytes: number
  /** DATA bytes attributed to it: each distinct payload once (to its first owner), padded to 8. */
  storedBytes: number
}

export interface InspectResources {
  /** Packages with data files, sorted by name. */
  dataPackages: InspectResourceOwner[]
  dataFiles: number
  dataBytes: number
  /** Distributions (*.dist-info / *.egg-info), sorted by name; isFile for a single-file egg-info. */
  distributions: (InspectResourceOwner & { isFile: boolean })[]
  distributionFiles: number
  distributionBytes: number
  /** Modules with a stored .py source ([modules] sources = true). */
  sources: { modules: number; bytes: number; storedBytes: number }
  /** Build provenance (INFO): its size and how many modules and skipped data files it describes; null when absent. */
  buildInfo: { bytes: number; modules: number; skippedData: number } | null
}

/**
 * Every byte of the file outside the modules' own bytes, by what it is for; with
 * modules[].bytes these sum to fileSize exactly.
 * kind: 'header' (header + section table), 'index' (MIDX), 'resource-index'
 * (PKGS, DIST, FILE, RSTR), 'data' (one per package), 'metadata' (one per
 * distribution), 'sources', 'build-info', 'shared' (string and constant records,
 * table entries and blobs not attributed to a module: tuple elements, strings only
 * constants use, bytes constants), 'padding' (zero bytes between sections).
 */
export interface InspectRegion {
  name: string
  kind: 'header' | 'index' | 'resource-index' | 'data' | 'metadata' | 'sources' | 'build-info' | 'shared' | 'padding'
  bytes: number
}

export interface InspectReport {
  file: string
  formatVersion: string
  python: { version: string; magic: number; marshalVersion: number }
  optimize: number
  fileSize: number
  headerSize: number
  /** "ok" or "mismatch" (see sections[].checksumOk). */
  checksums: 'ok' | 'mismatch'
  sections: InspectSection[]
  counts: { modules: number; packages: number; namespaces: number; sourceless: number; codeObjects: number; strings: number; consts: number; midxSlots: number }
  strings: { entries: number; redirects: number }
  consts: { entries: number; redirects: number }
  /**
   * What sharing saves, named as in `pybundle build`:
   * savedVsNone: all sharing, against storing every entry (each redirected
   * table entry would store its own copy of the record it points to);
   * savedVsPerModule: cross-module sharing, against one .pyc per module
   * (the loader's accounting walks what each module reaches, as the writer does).
   */
  sharing: { savedVsNone: number; savedVsPerModule: number }
  /** Alias of sharing.savedVsNone (read by @pybundle/report). */
  sharingSavedBytes: number
  modules: InspectModule[]
  /** Data files, distributions, sources and build info (all empty for a bundle without them, e.g. format 1.0). */
  resources: InspectResources
  /** The bytes not in modules[].bytes, by purpose (modules + regions = fileSize). */
  regions: InspectRegion[]
  /** With --module: that module's code objects as a tree, and its data files when it is a package. */
  module?: {
    name: string; kind: ModuleKind; path: string; source: { size: number; mtimeNs: bigint; hash: string }; code: InspectCode | null
    /** The package's data files (path and size), sorted by path; [] for a module or a package without data. */
    dataFiles: { path: string; size: number }[]
    /** Bytes of the stored .py source, or null when the bundle holds none for it. */
    storedSourceBytes: number | null
  }
}

export interface InspectOptions {
  module?: string
  sort?: 'size' | 'name'
}

const hex = (v: bigint): string => v.toString(16).padStart(16, '0')
const align = (n: number, a: number): number => Math.ceil(n / a) * a

export function moduleKind(m: ModuleView): ModuleKind {
  return m.isNamespace ? 'namespace' : m.isPackage ? 'package' : 'module'
}

export async function inspectBundle(bundle: Bundle, file: string, options: InspectOptions = {}): Promise<InspectReport> {
  const stats = bundle.stats()
  // Checksum state from the loader's verify() (checksums come first, so every section's is reported).
  const verified = bundle.verify({ maxProblems: LIMITS.MAX_SECTIONS + 1 })
  const badSums = new Set(verified.problems.filter((p) => p.code === 'CHECKSUM_MISMATCH').map((p) => p.path.replace(/^section /, '')))
  const sections: InspectSection[] = stats.sections.map((s) => ({
    name: s.name, offset: s.offset, size: s.size, checksum: hex(s.checksum), checksumOk: !badSums.has(s.name),
  }))
  const acc = bundle.accounting()
  const modules: InspectModule[] = []
  let index = 0
  for (const m of bundle.modules()) {
    const a = acc.modules[index++]
    modules.push({
      name: m.name,
      kind: moduleKind(m),
      sourceless: m.isSourceless,
      codeObjects: a.codeObjects,
      bytecodeBytes: a.bytecodeBytes,
      bytes: a.bytes,
      share: stats.fileSize ? a.bytes / stats.fileSize : 0,
      stringsOwned: a.stringsOwned,
      stringsShared: a.stringsShared,
      constsOwned: a.constsOwned,
      constsShared: a.constsShared,
    })
  }
  const savedVsNone = acc.sharing.savedVsNone
  const { resources, regions } = resourceFigures(bundle, stats, modules, acc.attributed)
  if (options.sort === 'size') modules.sort((x, y) => y.bytes - x.bytes || (x.name < y.name ? -1 : 1))
  const report: InspectReport = {
    file,
    formatVersion: bundle.formatVersion,
    python: { version: bundle.pythonVersion, magic: bundle.magic, marshalVersion: bundle.marshalVersion },
    optimize: bundle.optimize,
    fileSize: stats.fileSize,
    headerSize: stats.headerSize,
    checksums: sections.every((s) => s.checksumOk) ? 'ok' : 'mismatch',
    sections,
    counts: {
      modules: stats.counts.modules,
      packages: stats.modules.packages - stats.modules.namespaces,
      namespaces: stats.modules.namespaces,
      sourceless: stats.modules.sourceless,
      codeObjects: stats.counts.codes,
      strings: stats.counts.strings,
      consts: stats.counts.consts,
      midxSlots: stats.counts.midxSlots,
    },
    strings: { entries: stats.counts.strings, redirects: stats.redirects.strings },
    consts: { entries: stats.counts.consts, redirects: stats.redirects.consts },
    sharing: { savedVsNone, savedVsPerModule: acc.sharing.savedVsPerModule },
    sharingSavedBytes: savedVsNone,
    modules,
    resources,
    regions,
  }
  if (options.module !== undefined) {
    const m = bundle.getModule(options.module)
    if (m === undefined) {
      throw new PyBundleError('NOT_FOUND', `no module ${JSON.stringify(options.module)} in ${file}; \`pybundle inspect ${file}\` lists the modules`, { details: { module: options.module } })
    }
    const src = m.source
    const code = m.code
    report.module = {
      name: m.name,
      kind: moduleKind(m),
      path: m.path,
      source: { size: src.size, mtimeNs: src.mtimeNs, hash: hex(src.hash) },
      code: code === null ? null : codeTree(code, bundle.pythonVersion),
      dataFiles: bundle.dataFiles(m.name).map((path) => ({ path, size: bundle.getData(m.name, path)!.length })),
      storedSourceBytes: bundle.getSource(m.name)?.length ?? null,
    }
  }
  return report
}

const align8 = (n: number): number => align(n, DATA_ALIGN)

/**
 * §15 figures, and every byte outside the modules' own by purpose. Payload bytes
 * go to the first owner that names them (packages, then distributions, then
 * sources, the order DATA is written in), so shared payloads count once.
 */
function resourceFigures(
  bundle: Bundle, stats: BundleStats, modules: readonly InspectModule[], attributed: { strings: number; consts: number; blobs: number },
): { resources: InspectResources; regions: InspectRegion[] } {
  const seen = new Set<number>() // byteOffset of each payload counted (views of one mapping)
  const stored = (v: Uint8Array): number => {
    if (v.length === 0 || seen.has(v.byteOffset)) return 0
    seen.add(v.byteOffset)
    return align8(v.length)
  }
  const owner = (name: string, list: string[], get: (path: string) => Uint8Array | null): InspectResourceOwner => {
    let b = 0
    let st = 0
    for (const p of list) {
      const v = get(p)!
      b += v.length
      st += stored(v)
    }
    return { name, files: list.length, bytes: b, storedBytes: st }
  }
  const dataPackages = bundle.dataPackages().map((pkg) => owner(pkg, bundle.dataFiles(pkg), (p) => bundle.getData(pkg, p)))
  const distributions = bundle.distributions().map((d) => ({
    ...owner(d.name, bundle.distributionFiles(d.name), (p) => bundle.getDistributionFile(d.name, p)),
    isFile: d.isFile,
  }))
  const sources = { modules: 0, bytes: 0, storedBytes: 0 }
  if (bundle.hasData()) {
    for (const m of modules) {
      const v = bundle.getSource(m.name)
      if (v === null) continue
      sources.modules++
      sources.bytes += v.length
      sources.storedBytes += stored(v)
    }
  }
  const info = bundle.buildInfo()
  const size = (n: string): number => stats.sections.find((s) => s.name === n)?.size ?? 0
  const resources: InspectResources = {
    dataPackages,
    dataFiles: dataPackages.reduce((n, p) => n + p.files, 0),
    dataBytes: dataPackages.reduce((n, p) => n + p.bytes, 0),
    distributions,
    distributionFiles: distributions.reduce((n, d) => n + d.files, 0),
    distributionBytes: distributions.reduce((n, d) => n + d.bytes, 0),
    sources,
    buildInfo: info === null ? null : { bytes: size('INFO'), modules: Object.keys(info.modules).length, skippedData: info.skippedData?.length ?? 0 },
  }
  let padding = 0
  let end = stats.headerSize
  for (const s of [...stats.sections].sort((a, b) => a.offset - b.offset)) {
    padding += Math.max(0, s.offset - end)
    end = Math.max(end, s.offset + s.size)
  }
  padding += Math.max(0, stats.fileSize - end)
  const regions: InspectRegion[] = [
    { name: 'header', kind: 'header', bytes: stats.headerSize },
    { name: 'module index', kind: 'index', bytes: size('MIDX') },
  ]
  if (bundle.hasData()) {
    regions.push({ name: 'resource index', kind: 'resource-index', bytes: size('PKGS') + size('DIST') + size('FILE') + size('RSTR') })
    for (const p of dataPackages) regions.push({ name: p.name, kind: 'data', bytes: p.storedBytes })
    for (const d of distributions) regions.push({ name: d.name, kind: 'metadata', bytes: d.storedBytes })
    regions.push({ name: 'sources', kind: 'sources', bytes: size('SRCS') + sources.storedBytes })
    regions.push({ name: 'build info', kind: 'build-info', bytes: size('INFO') })
  }
  regions.push({ name: 'padding', kind: 'padding', bytes: padding })
  // What no module stores first: strings only constants use, tuple/frozenset elements outside any slice, bytes constants
  regions.push({ name: 'shared strings', kind: 'shared', bytes: size('STRT') + size('STRD') - attributed.strings })
  regions.push({ name: 'shared constants', kind: 'shared', bytes: size('CNST') + size('CDAT') - attributed.consts })
  regions.push({ name: 'shared blobs', kind: 'shared', bytes: size('BLOB') - attributed.blobs })
  const total = modules.reduce((n, m) => n + m.bytes, 0) + regions.reduce((n, r) => n + r.bytes, 0)
  // anything else (a section this reader does not know, §12): named so the figures still add up
  if (total !== stats.fileSize) regions.push({ name: 'other sections', kind: 'shared', bytes: stats.fileSize - total })
  return { resources, regions }
}


function codeTree(c: CodeView, version: string): InspectCode {
  const localsPlus = usesLocalsPlus(codeLayoutForPython(Number(version.split('.')[1])))
  const children: InspectCode[] = []
  const consts = c.consts
  for (let i = 0; i < consts.length; i++) {
    const v = consts.get(i)
    if (v instanceof CodeView) children.push(codeTree(v, version))
  }
  return {
    qualname: pyStrText(c.qualname ?? c.name),
    firstlineno: c.firstlineno,
    argcount: c.argcount,
    posonlyargcount: c.posonlyargcount,
    kwonlyargcount: c.kwonlyargcount,
    flags: c.flags,
    stacksize: c.stacksize,
    bytecodeBytes: c.bytecode.length,
    linetableBytes: c.linetable.length,
    exceptiontableBytes: localsPlus ? c.exceptiontable.length : 0,
    names: c.names.length,
    consts: consts.length,
    locals: localsPlus ? c.localsplusnames.length : c.varnames.length,
    children,
  }
}
