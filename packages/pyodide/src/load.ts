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
import { loadPyodide } from 'pyodide'
import type { PyodideAPI, PyodideConfig } from 'pyodide'
import { PyBundleError } from '@pybundle/errors'
import { openBundle, openBundleFromBuffer } from '@pybundle/loader'
import type { Bundle } from '@pybundle/loader'
import { createBundleFs, createPackageFs, packageHasFiles } from './bundle-fs.js'
import type { EmscriptenFS } from './bundle-fs.js'
import { BOOT_CODE, BOOT_MAGIC } from './boot-code.js'
import { bundleSource, pycHeader } from './module-source.js'
import { zipEntryNames } from './zip-names.js'
import { Prefetcher } from './prefetch.js'
import { PYODIDE_STARTUP_MODULES } from './startup-modules.js'
import type { ModuleSource } from './module-source.js'
import { chooseSnapshot, resumeAfterRestore } from './snapshot.js'
import type { SnapshotOptions } from './snapshot.js'

/** pyc magic of the CPython inside Pyodide 314 (CPython 3.14). */
export const PYODIDE_PYTHON_MAGIC = 3627

export interface BundleOptions {
  /** A .pyb file path, its bytes, an opened bundle, or any ModuleSource. */
  bundle: string | Uint8Array | Bundle | ModuleSource
  /** Where the bundle filesystem is mounted in Pyodide's FS. Default '/pybundle'. */
  mountPoint?: string
  /**
   * Root of the bundle's stdlib module paths (modules whose top-level name is in
   * sys.stdlib_module_names, or Pyodide's own _pyodide/pyodide). Default
   * '/lib/python314.zip', where stock Pyodide imports them from.
   */
  stdlibRoot?: string
  /** Root of every other module's path. Default: env.HOME or '/home/pyodide' (Pyodide's working folder). */
  root?: string
  /** Roots by top-level package name, overriding the two above. */
  roots?: Record<string, string>
  /**
   * How the finder gets marshal bytes once Pyodide is up: 'fs' (keep reading the
   * bundle filesystem, default) or 'js' (a call into JavaScript through a module
   * registered as `_pybundle_js`). Measured about equal (README.md); 'fs' adds
   * nothing to sys.modules.
   */
  channel?: 'js' | 'fs'
  /** Called with each module name whose bytes are read from the bundle, and whether the prefetch worker had made them. */
  onRead?: (name: string, prefetched: boolean) => void
  /**
   * Emit marshal bytes ahead, on a worker thread (a second core), while Python
   * runs: 'startup', the modules Pyodide imports while it starts; 'all' (default),
   * those, then every other module of the bundle (holds their marshal bytes in
   * memory until imported: about the bundle's size, as the .pyc zip it replaces
   * would be); 'none'; or a list of names.
   * Needs the bundle as a path or bytes (an opened Bundle with a file works too).
   */
  prefetch?: 'startup' | 'all' | 'none' | readonly string[]
  /**
   * Show each bundled top-level package's folder (<root>/<top>, outside the stdlib
   * zip) from the bundle: its data files, sub-package folders and, in bundles built
   * with sources = true, its .py files, read when opened. Default true; only for
   * bundles that hold data (format 1.1). A folder that already exists when Pyodide
   * is up is left as it is (its files win).
   */
  packageFolders?: boolean
}

export type LoadPyodideWithBundleOptions = PyodideConfig & BundleOptions & SnapshotOptions

/** Where Pyodide 314 writes its stdlib zip (python_stdlib.zip, or stdLibURL). */
const STDLIB_ZIP = '/lib/python314.zip'

/** The boot sources, shipped next to dist/ (package.json `files`: src/python/*.py), installed or not. */
const PYTHON_DIR = new URL('../src/python/', import.meta.url)
const BOOT_FILES = ['_pybundle_boot', 'sitecustomize'] as const

/**
 * The boot module and sitecustomize for <mount>/early: precompiled .pyc when
 * boot-code.ts matches the sources (no compiler at startup), else the sources.
 */
function bootFiles(magic: number): Record<string, () => Uint8Array> {
  const files: Record<string, () => Uint8Array> = {}
  for (const name of BOOT_FILES) {
    const source = readFileSync(new URL(`${name}.py`, PYTHON_DIR))
    const pre = BOOT_CODE[name]
    if (pre !== undefined && magic === BOOT_MAGIC && pre.sha256 === createHash('sha256').update(source).digest('hex')) {
      const body = Buffer.from(pre.marshal, 'base64')
      const pyc = new Uint8Array(16 + body.length)
      pyc.set(pycHeader(magic), 0)
      pyc.set(body, 16)
      files[`${name}.pyc`] = () => pyc
    } else {
      const bytes = new Uint8Array(source)
      files[`${name}.py`] = () => bytes
    }
  }
  return files
}

/** What the prefetch worker can open: the bundle's path or bytes. */
function reopenable(bundle: BundleOptions['bundle']): string | Uint8Array | undefined {
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
  return {
    pythonMagic: source.pythonMagic,
    files: source.files,
    modules: () => source.modules(),
    marshal: (name) => take(name) ?? source.marshal(name),
    pyc(name) {
      const body = take(name)
      if (body === undefined) return source.pyc ? source.pyc(name) : withHeader(source.pythonMagic, source.marshal(name))
      return withHeader(source.pythonMagic, body)
    },
  }
}

function withHeader(magic: number, body: Uint8Array): Uint8Array {
  const out = new Uint8Array(16 + body.length)
  out.set(pycHeader(magic), 0)
  out.set(body, 16)
  return out
}

function toSource(bundle: BundleOptions['bundle']): ModuleSource {
  if (typeof bundle === 'string') return bundleSource(openBundle(bundle))
  if (bundle instanceof Uint8Array) return bundleSource(openBundleFromBuffer(bundle))
  if ('getModule' in bundle && 'toPyc' in bundle) return bundleSource(bundle)
  return bundle
}

/**
 * Mount a read-only package filesystem (bundle-fs.ts createPackageFs) at each
 * bundled top-level package's folder that does not exist yet and would show a
 * file (a data file or a source). The empty folder
 * made to mount on is the only thing written into Pyodide's filesystem.
 */
function mountPackageFolders(pyodide: PyodideAPI, source: ModuleSource, lines: string): void {
  const FS = pyodide.FS as unknown as EmscriptenFS & { analyzePath(path: string): { exists: boolean } }
  for (const line of lines.split('\n')) {
    const [top, folder] = line.split('\t')
    if (top === undefined || folder === undefined || !folder.startsWith('/')) continue
    if (FS.analyzePath(folder).exists || !packageHasFiles(source, top)) continue
    FS.mkdirTree(folder)
    FS.mount(createPackageFs(FS, source, top), {}, folder)
  }
}

/**
 * Start Pyodide with imports served from `options.bundle`. Every other option is
 * passed to `loadPyodide`; a caller's `fsInit` runs after the bundle is mounted,
 * and a caller's PYTHONPATH follows the bundle's early folder.
 */
export async function loadPyodideWithBundle(options: LoadPyodideWithBundleOptions): Promise<PyodideAPI> {
  const { bundle: given, mountPoint = '/pybundle', stdlibRoot = '/lib/python314.zip', root, roots = {},
    channel = 'fs', onRead, prefetch: prefetchOption, packageFolders = true, snapshot: _snapshot, onWarning: _onWarning, ...config } = options
  // A path is opened once, here, so a snapshot can be checked against the bundle's header.
  const bundle = typeof given === 'string' ? openBundle(given) : given
  const restore = chooseSnapshot(options, bundle,
    { mountPoint, stdlibRoot, root: root ?? config.env?.HOME ?? '/home/pyodide', roots })
  // After a restore the startup imports are in the heap already: no worker to pay for (README.md).
  const prefetch = prefetchOption ?? (restore ? 'none' : 'all')
  let source = toSource(bundle)
  if (source.pythonMagic !== PYODIDE_PYTHON_MAGIC) {
    throw new PyBundleError('UNSUPPORTED_VERSION',
      `the bundle was compiled for pyc magic ${source.pythonMagic}; Pyodide 314 runs CPython 3.14 (magic ${PYODIDE_PYTHON_MAGIC})`,
      { details: { magic: source.pythonMagic, expected: PYODIDE_PYTHON_MAGIC } })
  }
  const prefetched = new Set<string>()
  const again = reopenable(bundle)
  let prefetcher: Prefetcher | undefined
  if (prefetch !== 'none' && again !== undefined) {
    const names = prefetch === 'startup' || prefetch === 'all' ? PYODIDE_STARTUP_MODULES : prefetch
    prefetcher = new Prefetcher(again, names, prefetch === 'all')
    source = withPrefetch(source, prefetcher, prefetched)
  }
  const reported = onRead === undefined ? undefined : (name: string) => {
    onRead(name, prefetched.delete(name))
  }
  const env = { ...(config.env ?? {}) }
  const appRoot = root ?? env.HOME ?? '/home/pyodide'
  const early = `${mountPoint}/early`
  env.PYTHONPATH = env.PYTHONPATH ? `${early}:${env.PYTHONPATH}` : early
  const userFsInit = config.fsInit
  const configLines = [`stdlib_root\t${stdlibRoot}`, `root\t${appRoot}`, `stdlib_zip\t${STDLIB_ZIP}`]
  if (config.env?.PYTHONPATH !== undefined) configLines.push(`pythonpath\t${config.env.PYTHONPATH}`)
  for (const [top, dir] of Object.entries(roots)) configLines.push(`root:${top}\t${dir}`)
  if (source.files !== undefined) configLines.push('files\t1')
  const earlyFiles = bootFiles(source.pythonMagic)

  const pyodide = await loadPyodide({
    ...config,
    ...(restore ? { _loadSnapshot: restore.bytes } : {}),
    // Pyodide's callMain puts the program name into the array it is given.
    ...(config.args ? { args: [...config.args] } : {}),
    env,
    fsInit: async (FS, info) => {
      const fs = FS as unknown as EmscriptenFS
      fs.mkdirTree(mountPoint)
      fs.mount(createBundleFs(fs, source, {
        onRead: reported,
        config: configLines.join('\n'),
        // Read when Python first misses the bundle: the zip is in the FS by then.
        zipList: () => zipEntryNames(fs.readFile(STDLIB_ZIP) as Uint8Array).join('\n'),
        earlyFiles,
      }), {}, mountPoint)
      if (userFsInit) await userFsInit(FS, info)
    },
  }).catch((e: unknown) => {
    prefetcher?.close()
    if (restore) return undefined
    throw e
  })
  if (pyodide === undefined) {
    (options.onWarning ?? console.warn)(`pybundle: the memory snapshot did not restore; starting normally`)
    return loadPyodideWithBundle({ ...options, bundle, snapshot: false })
  }
  if (restore) {
    const mounts = resumeAfterRestore(pyodide, config.args, mountPoint)
    if (source.files !== undefined && packageFolders) mountPackageFolders(pyodide, source, mounts)
    return pyodide
  }
  // pyimport, not runPython: nothing may appear in __main__'s namespace.
  const sys = pyodide.pyimport('sys')
  if (!sys.modules.has('_pybundle_boot')) {
    // site did not run (-S) or PYTHONPATH was ignored (-I, -E): install now; the
    // startup imports then came from Pyodide's zip.
    sys.path.insert(0, early) // install() takes every copy off again
    pyodide.pyimport('_pybundle_boot').install(mountPoint)
  }
  sys.destroy()
  const bootModule = pyodide.pyimport('_pybundle_boot')
  try {
    if (bootModule.finder === undefined || bootModule.finder === null) {
      throw new PyBundleError('INTERPRETER', 'the pybundle import hook was not installed (was site disabled, e.g. with -S or -I?)')
    }
    if (channel === 'js') {
      const read = (name: string): Uint8Array => {
        const b = source.marshal(name)
        reported?.(name)
        // Pyodide converts only plain typed arrays (a Node Buffer is refused).
        return b.constructor === Uint8Array ? b : new Uint8Array(b.buffer, b.byteOffset, b.byteLength)
      }
      pyodide.registerJsModule('_pybundle_js', { read })
      bootModule.use_js_module('_pybundle_js')
    }
    if (source.files !== undefined && packageFolders) mountPackageFolders(pyodide, source, bootModule.package_mounts() as string)
    bootModule.hide()
  } finally {
    bootModule.destroy()
  }
  return pyodide
}
