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
}

/** What bundleSource reads: an opened Bundle, or a BundleLayers (an app bundle over its base, SPEC.md §16). */
export type BundleLike = Pick<Bundle, 'magic' | 'modules' | 'getModule' | 'toPyc'>

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
