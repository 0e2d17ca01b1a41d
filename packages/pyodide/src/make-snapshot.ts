/**
 * Making a bundle's memory snapshot (`pybundle build` with `[pyodide] snapshot`):
 * a Pyodide started from the bundle itself (loadPyodideWithBundle), the named
 * modules imported through the bundle's finder, then Pyodide's makeMemorySnapshot.
 * What the snapshot holds therefore came from the bundle, and the finder in it
 * keeps serving the bundle after a restore.
 */
import { createHash } from 'node:crypto'
import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { PyodideAPI } from 'pyodide'
import { PyBundleError } from '@pybundle/errors'
import { SNAPSHOT_SUFFIX, bundleHeaderChecksum, encodeSnapshotFile, openLayered } from '@pybundle/loader'
import type { SnapshotInfo } from '@pybundle/loader'
import { packageHasFiles } from './bundle-fs.js'
import { loadPyodideWithBundle } from './load.js'
import { bundleSource } from './module-source.js'
import { RESUME_SOURCE, installedPyodide } from './snapshot.js'
import { snapshotOptionsOf } from './start.js'
import { EMPTY_ZIP } from './zip-names.js'

export interface MakeSnapshotOptions {
  /** Modules to import before the snapshot is taken, in order. */
  imports: readonly string[]
  /** Where to write the snapshot file. Default `<bundle>.snapshot`. */
  output?: string
  /**
   * 'empty': start Pyodide with an empty stdlib zip, as a page loading with
   * stdlibZip: 'empty' does (the bundles hold the whole standard library); the
   * snapshot then restores only there. Default 'pyodide' (its python_stdlib.zip).
   */
  stdlibZip?: 'pyodide' | 'empty'
}

export interface MakeSnapshotResult {
  output: string
  size: number
  info: SnapshotInfo
}

const IMPORT_ALL = String.raw`
def _pybundle_import_all(names):
    import importlib, sys, gc
    failed = []
    for name in names:
        try:
            importlib.import_module(name)
        except BaseException as e:
            failed.append([name, '%s: %s' % (type(e).__name__, e)])
    gc.collect()
    return failed, sorted(sys.modules)

def _pybundle_package_mounts(_finder=_finder):
    mounts = type(_finder).find_spec.__globals__.get('package_mounts')
    return mounts() if mounts is not None else ''
`

/** Make `<bundle>.snapshot` (or `output`) for the bundle at `bundlePath`. */
export async function makeBundleSnapshot(bundlePath: string, options: MakeSnapshotOptions): Promise<MakeSnapshotResult> {
  const output = options.output ?? bundlePath + SNAPSHOT_SUFFIX
  const running = installedPyodide()
  if (running.buildId === undefined) {
    throw new PyBundleError('INTERPRETER', `cannot find Pyodide's BUILD_ID in ${join(running.dir, 'pyodide.mjs')}: this pybundle knows how to snapshot pyodide@314.0.7`)
  }
  // A layered app bundle is opened with the base it names, next to it (SPEC.md §16); the snapshot records the app's identity.
  const bundle = openLayered(bundlePath)
  const emptyZip = options.stdlibZip === 'empty' ? `${output}.${process.pid}.empty.zip` : undefined
  let pyodide: PyodideAPI
  try {
    // Pyodide under Node reads stdLibURL as a path (a data: URL is not fetched there): the empty zip is a file for the time being.
    if (emptyZip !== undefined) writeFileSync(emptyZip, EMPTY_ZIP)
    pyodide = await loadPyodideWithBundle({ bundle, snapshot: false, prefetch: 'none', _makeSnapshot: true, stdout: () => {}, stderr: () => {},
      ...(emptyZip !== undefined ? { stdLibURL: emptyZip } : {}) })
    const globals = pyodide.toPy({})
    const sys = pyodide.pyimport('sys')
    const meta = sys.meta_path
    let finder
    for (let i = 0; i < meta.length && finder === undefined; i++) {
      const f = meta.get(i)
      if (f.__class__.__name__ === 'BundleFinder') finder = f
      else f.destroy?.()
    }
    meta.destroy()
    sys.destroy()
    if (finder === undefined) throw new PyBundleError('INTERPRETER', 'the Pyodide started from the bundle has no pybundle finder')
    globals.set('_finder', finder)
    pyodide.runPython(RESUME_SOURCE + IMPORT_ALL, { globals })
    const [failed, modules] = globals.get('_pybundle_import_all')(pyodide.toPy([...options.imports])).toJs() as [[string, string][], string[]]
    // What a restore mounts: the same bundle and options every time, so worked out once, here.
    const source = bundleSource(bundle)
    const packageMounts = String(globals.get('_pybundle_package_mounts')()).split('\n')
      .filter((line) => { const [top, folder] = line.split('\t'); return top && folder?.startsWith('/') && packageHasFiles(source, top) })
    globals.destroy()
    finder.destroy()
    const snapshot = (pyodide as unknown as { makeMemorySnapshot(): Uint8Array }).makeMemorySnapshot()
    const info: SnapshotInfo = {
      pyodideVersion: running.version,
      pyodideBuildId: running.buildId,
      wasmSha256: createHash('sha256').update(readFileSync(join(running.dir, 'pyodide.asm.wasm'))).digest('hex'),
      bundle: { size: bundle.app.bytes.length, headerChecksum: bundleHeaderChecksum(bundle.app.bytes) },
      imports: options.imports.filter((n) => !failed.some(([f]) => f === n)),
      failed: failed.map(([name, error]) => ({ name, error })),
      modules,
      packageMounts,
      // The defaults loadPyodideWithBundle started it with.
      options: { ...snapshotOptionsOf({}), ...(emptyZip !== undefined ? { stdlibZip: 'empty' as const } : {}) },
    }
    const bytes = encodeSnapshotFile(info, snapshot)
    const tmp = `${output}.${process.pid}.tmp`
    try {
      writeFileSync(tmp, bytes)
      renameSync(tmp, output)
    } catch (e) {
      rmSync(tmp, { force: true })
      throw new PyBundleError('IO', `cannot write the snapshot ${output}: ${(e as Error).message}`, { file: output, cause: e })
    }
    return { output, size: bytes.length, info }
  } finally {
    bundle.close()
    if (emptyZip !== undefined) rmSync(emptyZip, { force: true })
  }
}
