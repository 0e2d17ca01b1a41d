/**
 * What loadPyodideWithBundle does once it has a ModuleSource, shared by the
 * Node entry (load.ts) and the browser entry (browser.ts). Nothing here, nor
 * anything it imports, uses a Node built-in (test/pyodide/browser-entry.test.ts).
 * load.ts has the overview of how the imports are served.
 */
import { loadPyodide } from 'pyodide'
import type { PyodideAPI, PyodideConfig } from 'pyodide'
import { PyBundleError } from '@pybundle/errors'
import { createBundleFs, createPackageFs, packageHasFiles } from './bundle-fs.js'
import type { EmscriptenFS } from './bundle-fs.js'
import { BOOT_CODE, BOOT_MAGIC } from './boot-code.js'
import { pycOf } from './module-source.js'
import type { ModuleSource } from './module-source.js'
import { zipEntryNames } from './zip-names.js'

/** pyc magic of the CPython inside Pyodide 314 (CPython 3.14). */
export const PYODIDE_PYTHON_MAGIC = 3627

/** Where Pyodide 314 writes its stdlib zip (python_stdlib.zip, or stdLibURL). */
export const STDLIB_ZIP = '/lib/python314.zip'

/** The boot module and sitecustomize, as files of <mount>/early. */
export const BOOT_FILES = ['_pybundle_boot', 'sitecustomize'] as const

/** Options of both entries, whatever the bundle is given as. */
export interface CommonBundleOptions {
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
   * Show each bundled top-level package's folder (<root>/<top>, outside the stdlib
   * zip) from the bundle: its data files, sub-package folders and, in bundles built
   * with sources = true, its .py files, read when opened. Default true; only for
   * bundles that hold data (format 1.1). A folder that already exists when Pyodide
   * is up is left as it is (its files win).
   */
  packageFolders?: boolean
}

/**
 * Mount a read-only package filesystem (bundle-fs.ts createPackageFs) at each
 * bundled top-level package's folder that does not exist yet and would show a
 * file (a data file or a source). The empty folder
 * made to mount on is the only thing written into Pyodide's filesystem.
 */
function mountPackageFolders(pyodide: PyodideAPI, source: ModuleSource, lines: string, checked = false): void {
  const FS = pyodide.FS as unknown as EmscriptenFS & { analyzePath(path: string): { exists: boolean } }
  for (const line of lines.split('\n')) {
    const [top, folder] = line.split('\t')
    if (top === undefined || folder === undefined || !folder.startsWith('/')) continue
    if (FS.analyzePath(folder).exists || (!checked && !packageHasFiles(source, top))) continue
    FS.mkdirTree(folder)
    FS.mount(createPackageFs(FS, source, top), {}, folder)
  }
}

/** The boot files from boot-code.ts, precompiled for Pyodide's magic (no source to check them against: boot.test.ts does). */
export function precompiledBootFiles(magic: number): Record<string, () => Uint8Array> | undefined {
  if (magic !== BOOT_MAGIC) return undefined
  const files: Record<string, () => Uint8Array> = {}
  for (const name of BOOT_FILES) {
    const pre = BOOT_CODE[name]
    if (pre === undefined) return undefined
    const pyc = pycOf(magic, bootBytes(pre.marshal))
    files[`${name}.pyc`] = () => pyc
  }
  return files
}

/** boot-code.ts's one-character-per-byte string back to bytes (scripts/build-boot.mjs byteString). */
function bootBytes(text: string): Uint8Array {
  const out = new Uint8Array(text.length)
  for (let i = 0; i < text.length; i++) out[i] = text.charCodeAt(i)
  return out
}

export function checkMagic(source: ModuleSource): void {
  if (source.pythonMagic !== PYODIDE_PYTHON_MAGIC) {
    throw new PyBundleError('UNSUPPORTED_VERSION',
      `the bundle was compiled for pyc magic ${source.pythonMagic}; Pyodide 314 runs CPython 3.14 (magic ${PYODIDE_PYTHON_MAGIC})`,
      { details: { magic: source.pythonMagic, expected: PYODIDE_PYTHON_MAGIC } })
  }
}

/** The one warning line of a memory snapshot that is not used (Node's snapshot.ts, a page's browser.ts and browser-snapshot.ts); `where` its file or URL. */
export function notRestoredLine(where: string | undefined, why: string): string {
  return `pybundle: memory snapshot ${where === undefined ? '' : `${where} `}not restored: ${why}; starting normally`
}

/** Why loadPyodide options rule a snapshot out (they change what the heap would hold: stdLibURL, packages), or undefined. */
export function heapOptionsGiven(options: { stdLibURL?: string; packages?: readonly string[] }): string | undefined {
  const given = [options.stdLibURL !== undefined && 'stdLibURL', options.packages?.length && 'packages'].filter((x): x is string => typeof x === 'string')
  return given.length ? `${given.join(' and ')} given (the snapshot holds the interpreter started without ${given.length > 1 ? 'them' : 'it'})` : undefined
}

/** The options a snapshot records and must be restored with, as a start with `options` has them. */
export function snapshotOptionsOf(options: CommonBundleOptions & { env?: Record<string, string> }): { mountPoint: string; stdlibRoot: string; root: string; roots: Record<string, string> } {
  return {
    mountPoint: options.mountPoint ?? '/pybundle',
    stdlibRoot: options.stdlibRoot ?? STDLIB_ZIP,
    root: options.root ?? options.env?.HOME ?? '/home/pyodide',
    roots: options.roots ?? {},
  }
}

export interface StartInput {
  source: ModuleSource
  earlyFiles: Record<string, () => Uint8Array>
  /** Receives each name read (already told whether it was prefetched). */
  reported: ((name: string) => void) | undefined
  /** Called when loadPyodide fails (e.g. to stop a prefetch worker). */
  onFail?: () => void
}

/**
 * A memory snapshot to start from instead of a normal start (the Node entry's
 * snapshot.ts chooses it; nothing of it is imported here, so the browser path
 * stays free of Node built-ins).
 */
export interface RestoreHook {
  /** The snapshot bytes, given to loadPyodide as `_loadSnapshot` (Pyodide awaits a promise once its JavaScript is in: a page passes the fetch). */
  bytes: Uint8Array | Promise<Uint8Array>
  /**
   * Resolves to a warning line when the bytes turned out damaged (their checksum is
   * checked while Pyodide compiles), else undefined. Awaited in fsInit, which Pyodide
   * runs before it copies the snapshot into its heap: damaged bytes are then spoiled
   * (Pyodide's magic number zeroed) so Pyodide refuses them, and the start falls back.
   */
  damaged?: Promise<string | undefined>
  /**
   * After the restore: give the process its own state back; returns the package folders to mount
   * ('top\tfolder' lines) and whether each is known to show files (else mountPackageFolders checks).
   */
  resume(pyodide: PyodideAPI, args: readonly string[] | undefined, mountPoint: string): { lines: string; checked: boolean }
  /** loadPyodide failed with the snapshot: start some other way (normally) instead of failing; `warning` says why, when known, `error` is what loadPyodide threw. */
  fallback(warning?: string, error?: unknown): Promise<PyodideAPI>
}

/**
 * Start Pyodide with `input.source` mounted. Every option not of
 * CommonBundleOptions is passed to `loadPyodide`; a caller's `fsInit` runs after
 * the bundle is mounted, and a caller's PYTHONPATH follows the bundle's early folder.
 * With `restore`, Pyodide starts from that memory snapshot.
 */
export async function startPyodide(pending: StartInput | Promise<StartInput>, options: CommonBundleOptions & PyodideConfig, restoring?: RestoreHook | Promise<RestoreHook>): Promise<PyodideAPI> {
  const { mountPoint = '/pybundle', stdlibRoot = STDLIB_ZIP, root, roots = {},
    channel = 'fs', onRead: _onRead, packageFolders = true, ...config } = options
  const env = { ...(config.env ?? {}) }
  const appRoot = root ?? env.HOME ?? '/home/pyodide'
  const early = `${mountPoint}/early`
  env.PYTHONPATH = env.PYTHONPATH ? `${early}:${env.PYTHONPATH}` : early
  const userFsInit = config.fsInit
  const configLines = [`stdlib_root\t${stdlibRoot}`, `root\t${appRoot}`, `stdlib_zip\t${STDLIB_ZIP}`]
  if (config.env?.PYTHONPATH !== undefined) configLines.push(`pythonpath\t${config.env.PYTHONPATH}`)
  for (const [top, dir] of Object.entries(roots)) configLines.push(`root:${top}\t${dir}`)
  const configText = (source: ModuleSource): string => [...configLines, ...(source.files !== undefined ? ['files\t1'] : [])].join('\n')

  let input: StartInput | undefined = pending instanceof Promise ? undefined : pending
  // A page's hook arrives with its module (browser-snapshot.ts, loaded only when a snapshot is asked for): Pyodide awaits the bytes anyway.
  const restore = restoring === undefined ? undefined : Promise.resolve(restoring)
  const snapshotBytes = restore?.then((r) => r.bytes)
  snapshotBytes?.catch(() => {}) // Pyodide awaits it (a failure falls back below); unhandled only if Pyodide fails first
  let damaged: string | undefined
  let failure: unknown
  const pyodide = await loadPyodide({
    ...config,
    ...(snapshotBytes ? { _loadSnapshot: snapshotBytes } : {}),
    // Pyodide's callMain puts the program name into the array it is given.
    ...(config.args ? { args: [...config.args] } : {}),
    env,
    fsInit: async (FS, info) => {
      const r = await restore
      if (r?.damaged) {
        damaged = await r.damaged
        // The first u32 is Pyodide's snapshot magic: restoreSnapshot throws on anything else.
        if (damaged !== undefined) (await r.bytes).fill(0, 0, 4)
      }
      globalThis.performance?.mark?.('pybundle:fsInit entered')
      input ??= await pending
      const { source, earlyFiles, reported } = input
      const fs = FS as unknown as EmscriptenFS
      fs.mkdirTree(mountPoint)
      fs.mount(createBundleFs(fs, source, {
        onRead: reported,
        config: configText(source),
        // Read when Python first misses the bundle: the zip is in the FS by then.
        zipList: () => zipEntryNames(fs.readFile(STDLIB_ZIP) as Uint8Array).join('\n'),
        earlyFiles,
      }), {}, mountPoint)
      if (userFsInit) await userFsInit(FS, info)
    },
  }).catch(async (e: unknown) => {
    (input ?? await Promise.resolve(pending).catch(() => undefined))?.onFail?.()
    if (restore) {
      failure = e
      return undefined
    }
    throw e
  })
  if (pyodide === undefined) return (await restore!).fallback(damaged, failure)
  // fsInit ran (loadPyodide resolved), so input is set; a bad bundle rejects with its own error.
  input ??= await pending
  const { source, reported } = input
  if (restore) {
    const mounts = (await restore).resume(pyodide, config.args, mountPoint)
    if (source.files !== undefined && packageFolders) mountPackageFolders(pyodide, source, mounts.lines, mounts.checked)
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
