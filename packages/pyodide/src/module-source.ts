/**
 * What the Pyodide integration needs from a bundle: the module list with the
 * facts an import system needs (package? namespace? where was the source?) and,
 * per module, the marshal bytes of its top-level code object.
 *
 * `fromBundle` adapts an opened @pybundle/loader bundle; tests and tools can
 * implement the interface directly.
 */

import { fail } from '@pybundle/errors'
import type { Bundle } from '@pybundle/loader'

export interface ModuleEntry {
  /** Dotted name, e.g. "email.mime.text". */
  readonly name: string
  readonly isPackage: boolean
  /** A namespace package (isPackage too, no code). */
  readonly isNamespace: boolean
  /** Source path relative to its search-path root, '/'-separated ("email/mime/text.py"); '' when none. */
  readonly path: string
}

export interface ModuleSource {
  /** pyc magic number of the interpreter the code was compiled for (3627 for Pyodide 314 / CPython 3.14). */
  readonly pythonMagic: number
  /** Every module, in any order. */
  modules(): Iterable<ModuleEntry>
  /** The marshal bytes (marshal.dumps) of the module's top-level code object. */
  marshal(name: string): Uint8Array
  /** The module's .pyc (16-byte header + marshal bytes); when absent, made from `marshal`. */
  pyc?(name: string): Uint8Array
  /**
   * The bundle's files other than code: package data, distribution metadata and
   * module sources. Absent (or a bundle without data sections): Pyodide serves
   * code only, as for a format 1.0 bundle.
   */
  readonly files?: BundleFiles
}

/**
 * Package data, distribution metadata and sources, as @pybundle/loader's Bundle
 * answers them (packages/loader/README.md). Paths are '/'-separated and relative
 * (to the package's folder, or to the distribution's folder); the Pyodide
 * filesystem checks each one again before it shows it (bundle-fs.ts).
 */
export interface BundleFiles {
  /** Sorted relative paths of the package's data files ([] if none). */
  dataFiles(pkg: string): readonly string[]
  getData(pkg: string, path: string): Uint8Array | null
  /** Every *.dist-info / *.egg-info entry; isFile: an old-style egg-info file (PKG-INFO text). */
  distributions(): readonly { name: string; isFile: boolean }[]
  distributionFiles(name: string): readonly string[]
  getDistributionFile(name: string, path: string): Uint8Array | null
  /** The module's .py bytes, stored with [modules] sources = true; null when not stored. */
  getSource(module: string): Uint8Array | null
}

/** The bundle's files, if it has any: a format 1.0 bundle (or one built with data, metadata and sources off) has none. */
export function bundleFiles(bundle: BundleLike): BundleFiles | undefined {
  if (!bundle.hasData()) return undefined
  return {
    dataFiles: (pkg) => bundle.dataFiles(pkg),
    getData: (pkg, path) => bundle.getData(pkg, path),
    distributions: () => bundle.distributions(),
    distributionFiles: (name) => bundle.distributionFiles(name),
    getDistributionFile: (name, path) => bundle.getDistributionFile(name, path),
    getSource: (module) => bundle.getSource(module),
  }
}

/** What bundleSource reads: an opened Bundle, or a BundleLayers (an app bundle over its base, SPEC.md §16). */
export type BundleLike = Pick<Bundle, 'magic' | 'modules' | 'getModule' | 'toPyc' | 'hasData' | 'dataFiles' | 'getData'
  | 'distributions' | 'distributionFiles' | 'getDistributionFile' | 'getSource'>

/** The source for an opened @pybundle/loader bundle (or an app bundle with its base). */
export function bundleSource(bundle: BundleLike): ModuleSource {
  return {
    pythonMagic: bundle.magic,
    modules: () => bundle.modules(),
    marshal(name) {
      const code = bundle.getModule(name)?.code
      if (code == null) fail('NOT_FOUND', `no code for module ${JSON.stringify(name)} in the bundle`)
      return code.toMarshal()
    },
    pyc: (name) => bundle.toPyc(name),
    files: bundleFiles(bundle),
  }
}

/** A .pyc of `body` (marshal bytes): pycHeader(magic) then the body. */
export function pycOf(magic: number, body: Uint8Array): Uint8Array {
  const out = new Uint8Array(16 + body.length)
  out.set(pycHeader(magic), 0)
  out.set(body, 16)
  return out
}

/**
 * `source`, serving a module's marshal bytes from `take` first (bytes made ahead:
 * Node's prefetch worker, the page's wire worker), from `source` when `take` has none.
 */
export function takingFirst(source: ModuleSource, take: (name: string) => Uint8Array | undefined): ModuleSource {
  return {
    pythonMagic: source.pythonMagic,
    files: source.files,
    modules: () => source.modules(),
    marshal: (name) => take(name) ?? source.marshal(name),
    pyc(name) {
      const body = take(name)
      if (body !== undefined) return pycOf(source.pythonMagic, body)
      return source.pyc ? source.pyc(name) : pycOf(source.pythonMagic, source.marshal(name))
    },
  }
}

/** The pyc header CPython 3.7+ writes for unchecked sourceless data: magic, flags 0, 8 zero bytes. */
export function pycHeader(magic: number): Uint8Array {
  const h = new Uint8Array(16)
  h[0] = magic & 0xff
  h[1] = (magic >>> 8) & 0xff
  h[2] = 0x0d
  h[3] = 0x0a
  return h
}
