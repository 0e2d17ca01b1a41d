/**
 * loadPyodideWithBundle: start Pyodide with imports served from a .pyb bundle.
 *
 * How (README.md has the measurements and the alternatives):
 *  1. `fsInit` mounts a read-only filesystem whose files are made by the loader on
 *     open (bundle-fs.ts) and puts `<mount>/early` first on PYTHONPATH;
 *  2. Python's first imports (encodings, before `site`) find sourceless .pyc files
 *     made from the bundle under `<mount>/early`;
 *  3. `site` imports `sitecustomize`, also a precompiled .pyc in `<mount>/early`:
 *     it imports the boot module (src/python/_pybundle_boot.py), which puts a finder
 *     before PathFinder, so Pyodide's own startup imports and every later one come
 *     from the bundle; anything not in the bundle falls through to Pyodide's normal
 *     import system; then it runs the user's own sitecustomize, if any;
 *  4. once Pyodide is up, the finder may read marshal bytes through a direct call
 *     into JavaScript instead of the filesystem (channel: 'js');
 *  5. meanwhile a worker thread emits the marshal bytes Python is about to ask
 *     for (prefetch.ts), on a second core.
 */
import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import type { PyodideAPI, PyodideConfig } from 'pyodide'
import { Bundle, BundleLayers, layerBundles, openBundle, openBundleFromBuffer, openLayered } from '@pybundle/loader'
import { bundleSource, takingFirst } from './module-source.js'
import { Prefetcher } from './prefetch.js'
import { PYODIDE_STARTUP_MODULES } from './startup-modules.js'
import type { ModuleSource } from './module-source.js'
import { PyBundleError } from '@pybundle/errors'
import { BOOT_CODE } from './boot-code.js'
import { BOOT_FILES, checkMagic, precompiledBootFiles, snapshotOptionsOf, startPyodide } from './start.js'
import type { CommonBundleOptions, RestoreHook } from './start.js'
import { chooseSnapshot, resumeAfterRestore } from './snapshot.js'
import type { SnapshotOptions } from './snapshot.js'


export interface BundleOptions extends CommonBundleOptions {
  /** A .pyb file path, its bytes, an opened bundle (or an app bundle with its base, BundleLayers), or any ModuleSource. */
  bundle: string | Uint8Array | Bundle | BundleLayers | ModuleSource
  /**
   * For a layered app bundle (built with [bundle] base, SPEC.md §16): its base, as
   * a path, bytes or an opened bundle. Default: the base the app names, next to
   * the app's file. A base the app was not built on is refused (BASE_MISMATCH).
   * Imports are served from the app first, then from the base. No prefetch worker
   * runs for a layered bundle.
   */
  base?: string | Uint8Array | Bundle
  /**
   * Emit marshal bytes ahead, on a worker thread (a second core), while Python
   * runs: 'startup', the modules Pyodide imports while it starts; 'all' (default),
   * those, then every other module of the bundle (holds their marshal bytes in
   * memory until imported: about the bundle's size, as the .pyc zip it replaces
   * would be); 'none'; or a list of names.
   * Needs the bundle as a path or bytes (an opened Bundle with a file works too).
   */
  prefetch?: 'startup' | 'all' | 'none' | readonly string[]
}

export type LoadPyodideWithBundleOptions = PyodideConfig & BundleOptions & SnapshotOptions

const PYTHON_DIR = new URL('../src/python/', import.meta.url)

/**
 * The boot module and sitecustomize for <mount>/early: precompiled .pyc when
 * boot-code.ts matches the sources (no compiler at startup), else the sources.
 */
function bootFiles(magic: number): Record<string, () => Uint8Array> {
  const sources = BOOT_FILES.map((name) => readFileSync(new URL(`${name}.py`, PYTHON_DIR)))
  const pre = precompiledBootFiles(magic)
  if (pre !== undefined && BOOT_FILES.every((name, i) => BOOT_CODE[name]?.sha256 === createHash('sha256').update(sources[i]).digest('hex'))) return pre
  const files: Record<string, () => Uint8Array> = {}
  BOOT_FILES.forEach((name, i) => {
    const bytes = new Uint8Array(sources[i])
    files[`${name}.py`] = () => bytes
  })
  return files
}

/** What the prefetch worker can open: the bundle's path or bytes. */
function reopenable(bundle: BundleOptions['bundle'], layered: boolean): string | Uint8Array | undefined {
  if (layered || bundle instanceof BundleLayers) return undefined
  if (typeof bundle === 'string' || bundle instanceof Uint8Array) return bundle
  if ('getModule' in bundle && 'toPyc' in bundle) return bundle.file
  return undefined
}

/** The source, taking modules the prefetcher has made first. */
function withPrefetch(source: ModuleSource, pre: Prefetcher, seen: Set<string>): ModuleSource {
  const take = (name: string): Uint8Array | undefined => {
    const b = pre.take(name)
    if (b !== undefined) seen.add(name)
    return b
  }
  return takingFirst(source, take)
}

function openOne(b: string | Uint8Array | Bundle): Bundle {
  return typeof b === 'string' ? openBundle(b) : b instanceof Uint8Array ? openBundleFromBuffer(b) : b
}

/**
 * The source, whether it is an app bundle over a base (§16), and the opened app
 * bundle (undefined for a ModuleSource): what a memory snapshot is checked against.
 */
function toSource(bundle: BundleOptions['bundle'], base: BundleOptions['base']): { source: ModuleSource; layered: boolean; app: Bundle | undefined } {
  if (bundle instanceof BundleLayers) return { source: bundleSource(bundle), layered: bundle.layers.length > 1, app: bundle.app }
  if (typeof bundle === 'string' && base === undefined) {
    const layers = openLayered(bundle)
    return layers.layers.length > 1 ? { source: bundleSource(layers), layered: true, app: layers.app } : { source: bundleSource(layers.app), layered: false, app: layers.app }
  }
  if (typeof bundle === 'string' || bundle instanceof Uint8Array || bundle instanceof Bundle) {
    const app = openOne(bundle)
    if (base === undefined && app.base === null) return { source: bundleSource(app), layered: false, app }
    if (base === undefined) {
      throw new PyBundleError('BASE_MISMATCH', `the bundle was built on the base bundle "${app.base!.name}": give it as the \`base\` option (or the app as a path, so the base is found next to it)`)
    }
    return { source: bundleSource(layerBundles(app, openOne(base))), layered: true, app }
  }
  if (base !== undefined) throw new PyBundleError('BAD_ARGUMENT', 'the `base` option needs the bundle as a path, bytes or an opened Bundle, not a ModuleSource')
  return { source: bundle, layered: false, app: undefined }
}

/**
 * Start Pyodide with imports served from `options.bundle`. Every other option is
 * passed to `loadPyodide`; a caller's `fsInit` runs after the bundle is mounted,
 * and a caller's PYTHONPATH follows the bundle's early folder.
 */
export async function loadPyodideWithBundle(options: LoadPyodideWithBundleOptions): Promise<PyodideAPI> {
  const { bundle, base, onRead, prefetch: prefetchOption, snapshot: _snapshot, onWarning: _onWarning, ...rest } = options
  const { layered, app, source: opened } = toSource(bundle, base)
  let source = opened
  checkMagic(source)
  // The opened app bundle (a path is opened once, in toSource), so a snapshot can be checked against its header.
  const chosen = chooseSnapshot(options, app ?? bundle, snapshotOptionsOf(rest))
  // After a restore the startup imports are in the heap already: no worker to pay for (README.md).
  const prefetch = prefetchOption ?? (chosen ? 'none' : 'all')
  const prefetched = new Set<string>()
  const again = reopenable(bundle, layered)
  let prefetcher: Prefetcher | undefined
  if (prefetch !== 'none' && again !== undefined) {
    const names = prefetch === 'startup' || prefetch === 'all' ? PYODIDE_STARTUP_MODULES : prefetch
    prefetcher = new Prefetcher(again, names, prefetch === 'all')
    source = withPrefetch(source, prefetcher, prefetched)
  }
  const reported = onRead === undefined ? undefined : (name: string) => {
    onRead(name, prefetched.delete(name))
  }
  const restore: RestoreHook | undefined = chosen && {
    bytes: chosen.bytes,
    ...(chosen.damaged ? { damaged: chosen.damaged } : {}),
    resume: (pyodide, args, mountPoint) => resumeAfterRestore(pyodide, args, mountPoint, chosen.info.packageMounts),
    fallback: (warning) => {
      (options.onWarning ?? console.warn)(warning ?? `pybundle: the memory snapshot did not restore; starting normally`)
      return loadPyodideWithBundle({ ...options, snapshot: false })
    },
  }
  return startPyodide({ source, earlyFiles: bootFiles(source.pythonMagic), reported, onFail: () => prefetcher?.close() }, rest, restore)
}
