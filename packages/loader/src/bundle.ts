/**
 * Bundle: an opened .pyb. Open validates the header and section table only (work
 * bounded by the header); everything else is read on demand through lazy views.
 */
import { PyBundleError, fail } from '@pybundle/errors'
import { NONE, type BuildInfo } from '@pybundle/format-spec'
import type { BundleAccounting } from './accounting.js'
import type { BundleStats } from './bundle-stats.js'
import { Core } from './core.js'
import { emitPyc } from './emit.js'
import { extra } from './extras.js'
import { readHeader, type BaseRef, type Header } from './header.js'
import { Mem } from './mem.js'
import { lookup, nameBytes, prefixRange } from './module-index.js'
import { dataPackages, distributions, folders, moduleSource, ownerFile, ownerFiles } from './resource-lookup.js'
import type { VerifyOptions, VerifyReport } from './verify.js'
import { decodeName } from './strings.js'
import { ModuleView, dropCodeViews } from './views.js'

export type { BundleStats, SectionStats } from './bundle-stats.js'

export interface OpenOptions {
  /** Run verify() right after open and throw the first problem as a PyBundleError. Default false. */
  verify?: boolean
}

export class Bundle {
  /** @internal */
  readonly core: Core
  private readonly header: Header
  private readonly modViews = new Map<number, ModuleView>()
  /** The file the bundle was mapped from (undefined for openBundleFromBuffer). */
  readonly file: string | undefined

  /** @internal */
  constructor(mem: Mem, file: string | undefined) {
    this.header = readHeader(mem)
    this.core = new Core(mem, this.header)
    this.file = file
  }

  /** Format version, "major.minor". */
  get formatVersion(): string {
    return `${this.header.formatMajor}.${this.header.formatMinor}`
  }
  /** The header checksum (§2): the bundle's identity, what a layered bundle built on this one records (§16). */
  get headerChecksum(): bigint {
    return this.header.checksum
  }
  /** A layered bundle's base (§16, format 1.2): its checksum, size, magic and where to look for it; null for any other bundle. */
  get base(): BaseRef | null {
    return this.header.base ?? null
  }
  /** "3.11" */
  get pythonVersion(): string {
    return `${this.header.pythonMajor}.${this.header.pythonMinor}`
  }
  /** The pyc magic number (e.g. 3495). */
  get magic(): number {
    return this.header.pythonMagic
  }
  get marshalVersion(): number {
    return this.header.marshalVersion
  }
  get optimize(): number {
    return this.header.optimize
  }
  get moduleCount(): number {
    return this.header.moduleCount
  }
  get codeCount(): number {
    return this.header.codeCount
  }
  get layout(): Core['layout'] {
    return this.core.layout
  }
  get closed(): boolean {
    return this.core.mem.closed
  }
  /** The whole mapping (zero-copy views handed out by CodeView share its ArrayBuffer). */
  get bytes(): Uint8Array {
    this.core.mem.alive()
    return this.core.mem.u8
  }

  /** Diagnostic counter: bytes read through the loader's reader since open (or the last reset). */
  get bytesTouched(): number {
    return this.core.mem.touched
  }
  resetBytesTouched(): void {
    this.core.mem.resetTouched()
  }

  private view(i: number): ModuleView {
    let v = this.modViews.get(i)
    if (v === undefined) this.modViews.set(i, (v = new ModuleView(this.core, i)))
    return v
  }

  /** Module names in MODS order (sorted by UTF-8 bytes). */
  *moduleNames(): IterableIterator<string> {
    const c = this.core
    for (let i = 0; i < c.moduleCount; i++) {
      c.mem.alive()
      yield decodeName(c.modules.nameBytes(i), c.sec.MODS.start + c.modules.rel(i, 'name_offset'))
    }
  }

  /** Module views in MODS order. */
  *modules(): IterableIterator<ModuleView> {
    for (let i = 0; i < this.core.moduleCount; i++) {
      this.core.mem.alive()
      yield this.view(i)
    }
  }

  /** O(1) lookup through MIDX; undefined when absent. */
  getModule(name: string): ModuleView | undefined {
    stringArgument(name, 'getModule', 'name')
    this.core.mem.alive()
    // A lone surrogate has no UTF-8 form (TextEncoder would make it U+FFFD and find that module); no name holds one.
    if (LONE_SURROGATE.test(name)) return undefined
    const i = lookup(this.core, name)
    return i < 0 ? undefined : this.view(i)
  }

  has(name: string): boolean {
    return this.getModule(name) !== undefined
  }

  /**
   * Modules under package `pkg` (names starting with "pkg."), in sorted order:
   * every descendant, or only direct children with {direct: true}. O(log n + k).
   */
  submodules(pkg: string, options: { direct?: boolean } = {}): ModuleView[] {
    stringArgument(pkg, 'submodules', 'pkg')
    optionsArgument(options, 'submodules')
    const c = this.core
    c.mem.alive()
    const prefix = nameBytes(pkg === '' ? '' : pkg + '.')
    const [lo, hi] = prefixRange(c, prefix)
    const out: ModuleView[] = []
    for (let i = lo; i < hi; i++) {
      if (options.direct) {
        const nb = c.modules.nameBytes(i)
        if (nb.indexOf(0x2e, prefix.length) >= 0) continue
      }
      out.push(this.view(i))
    }
    return out
  }

  /** Checksums and a full structural walk. Never throws on bad bytes. */
  verify(options?: VerifyOptions): VerifyReport {
    optionsArgument(options, 'verify')
    const max = options?.maxProblems
    if (max !== undefined && !(typeof max === 'number' && Number.isInteger(max))) {
      badArgument(`verify(): maxProblems must be an integer, not ${describeValue(max)}`)
    }
    this.core.mem.alive()
    return extra('verify')(this.core, options)
  }

  /**
   * The module's .pyc: 16-byte header (this bundle's magic, flags 0, source mtime
   * in seconds and size, both masked to 32 bits) then the marshalled code object.
   */
  toPyc(name: string): Uint8Array {
    stringArgument(name, 'toPyc', 'name')
    const m = this.getModule(name)
    if (m === undefined) fail('NOT_FOUND', `no module ${JSON.stringify(name)} in the bundle`)
    const ci = m.codeIndex
    if (ci === NONE) fail('UNSUPPORTED_VALUE', `${name} is a namespace package: it has no code object`)
    void m.code // validates the module/code link
    return emitPyc(this.core, ci, m.source)
  }

  /** Where the bytes go: per module (MODS order), what is shared, what sharing saves (accounting.ts). Scans the tables. */
  accounting(): BundleAccounting {
    this.core.mem.alive()
    return extra('accounting')(this.core)
  }

  /** accounting().sharing.savedVsNone alone: what all sharing saves against storing every entry (one scan of STRT and CNST). */
  savedBySharing(): number {
    this.core.mem.alive()
    return extra('savedBySharing')(this.core)
  }

  /** Section sizes and table counts, plus redirect and module-kind counts (these scan STRT, CNST and MODS). */
  stats(): BundleStats {
    this.core.mem.alive()
    return extra('stats')(this.core)
  }

  // --- §15 resources: package data, distributions, sources, build info (format 1.1; resource-lookup.ts) -------

  /** The file has the resource sections (data, distributions, sources, build info); false for every 1.0 file. */
  hasData(): boolean {
    this.core.mem.alive()
    return this.core.res !== undefined
  }
  /** Dotted names of the packages that have data files, sorted by UTF-8 bytes (reads every PKGS record). */
  dataPackages(): string[] {
    return dataPackages(this.core)
  }
  /** Sorted relative paths of package `pkg`'s data files ([] if none). O(log n + k). */
  dataFiles(pkg: string): string[] {
    return ownerFiles(this.core, 'PKGS', pkg)
  }
  /** One data file of package `pkg` as a zero-copy view into the mapping, or null. O(log n). */
  getData(pkg: string, path: string): Uint8Array | null {
    return ownerFile(this.core, 'PKGS', pkg, path)
  }
  /** Sorted relative folder paths implied by `pkg`'s data file paths ("templates", "templates/mail"). */
  dataDirectories(pkg: string): string[] {
    return folders(ownerFiles(this.core, 'PKGS', pkg))
  }
  /** The distributions, sorted by name ("Jinja2-3.1.2.dist-info"); isFile for a single-file "foo.egg-info". */
  distributions(): { name: string; isFile: boolean }[] {
    return distributions(this.core)
  }
  /** Sorted paths of a distribution's files ([] if no such distribution). */
  distributionFiles(name: string): string[] {
    return ownerFiles(this.core, 'DIST', name)
  }
  /** One file of a distribution as a zero-copy view, or null. O(log n). */
  getDistributionFile(name: string, path: string): Uint8Array | null {
    return ownerFile(this.core, 'DIST', name, path)
  }
  /** The module's .py bytes stored with sources = true (a zero-copy view), or null. O(1). */
  getSource(module: string): Uint8Array | null {
    return moduleSource(this.core, module)
  }
  /** Build provenance (why each module is in, what data was skipped), parsed once; null when absent. */
  buildInfo(): BuildInfo | null {
    this.core.mem.alive()
    return this.core.res?.buildInfo() ?? null
  }

  /**
   * Drop the mapping. Any later use of the bundle or of its views throws CLOSED.
   * (mmap-io unmaps when the mapping's Buffer is collected; zero-copy views a
   * caller still holds, and other bundles opened on the same unchanged file, which
   * share the mapping, keep it alive until then.)
   */
  close(): void {
    if (this.core.mem.closed) return
    this.core.mem.close()
    this.core.clearCaches()
    dropCodeViews(this.core)
    this.modViews.clear()
  }
}

/** @internal */
export function opened(mem: Mem, file: string | undefined, options: OpenOptions): Bundle {
  const b = new Bundle(mem, file)
  if (options.verify) {
    const report = b.verify({ maxProblems: 1 })
    if (!report.ok) {
      const p = report.problems[0]
      b.close()
      fail(p.code, `${p.path}: ${p.message}`, p.offset)
    }
  }
  return b
}

/** Open a bundle held in memory (hosts without files). The bytes are not copied: do not mutate them. */
export function openBundleFromBuffer(bytes: Uint8Array, options: OpenOptions = {}): Bundle {
  // By tag, not instanceof: a Uint8Array made in another realm (a vm context) is one too.
  if (!ArrayBuffer.isView(bytes) || Object.prototype.toString.call(bytes) !== '[object Uint8Array]') {
    badArgument(`openBundleFromBuffer(): bytes must be a Uint8Array (or a Buffer), not ${describeValue(bytes)}; for a file use openBundle(path)`)
  }
  optionsArgument(options, 'openBundleFromBuffer')
  return opened(new Mem(bytes), undefined, options)
}

const LONE_SURROGATE = /\p{Cs}/u

/** What a wrong argument is, for the message (never its whole value). */
function describeValue(v: unknown): string {
  if (v === null) return 'null'
  if (Array.isArray(v)) return 'an array'
  if (typeof v === 'object') return `an object (${Object.prototype.toString.call(v).slice(8, -1)})`
  return `a ${typeof v}`
}

/** @internal */
export function badArgument(message: string): never {
  throw new PyBundleError('BAD_ARGUMENT', message)
}

/** @internal */
export function stringArgument(v: unknown, fn: string, what: string): asserts v is string {
  if (typeof v !== 'string') badArgument(`${fn}(): ${what} must be a string, not ${describeValue(v)}`)
}

/** @internal */
export function optionsArgument(v: unknown, fn: string): void {
  if (v !== undefined && (typeof v !== 'object' || v === null || Array.isArray(v))) badArgument(`${fn}(): options must be an object, not ${describeValue(v)}`)
}
