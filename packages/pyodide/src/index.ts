/**
 * @pybundle/pyodide: Pyodide (CPython 3.14 in WebAssembly) with imports served
 * from a .pyb bundle. See README.md for how, what was measured, and what differs
 * from a filesystem.
 */
export { loadPyodideWithBundle } from './load.js'
/** The pyc magic number of the CPython inside the installed Pyodide (3.14): a bundle for it must be built with python = "pyodide". */
export { PYODIDE_PYTHON_MAGIC } from './start.js'
export type { BundleOptions, LoadPyodideWithBundleOptions } from './load.js'
export { bundleSource, pycHeader } from './module-source.js'
export type { ModuleEntry, ModuleSource } from './module-source.js'
export { createBundleFs } from './bundle-fs.js'
export type { BundleFsOptions, EmscriptenFS } from './bundle-fs.js'
export { makeBundleSnapshot } from './make-snapshot.js'
export type { MakeSnapshotOptions, MakeSnapshotResult } from './make-snapshot.js'
export { installedPyodide } from './snapshot.js'
export type { SnapshotOptions } from './snapshot.js'
