/**
 * @pybundle/pyodide, browser entry: Pyodide in a web page with its imports
 * served from a .pyb fetched over HTTP. The bundle is read in place from the
 * fetched ArrayBuffer by the same loader code as under Node (openBundleFromBuffer;
 * no mmap, no worker): nothing reachable from here imports a Node built-in
 * (test/pyodide/browser-entry.test.ts walks the import graph of dist/).
 *
 *   const pyodide = await loadPyodideWithBundle({ bundle: new URL('app.pyb', location.href), indexURL })
 *
 * The bundle is fetched while Pyodide fetches and compiles its WebAssembly;
 * it is first needed when Pyodide mounts its filesystem (fsInit).
 */
import type { PyodideAPI, PyodideConfig } from 'pyodide'
import { PyBundleError } from '@pybundle/errors'
import type { ErrorCode } from '@pybundle/errors'
import { fetchBundleBytes, mark } from './fetch-bundle.js'
import type { Bundle, BundleLayers } from '@pybundle/loader/page'
import { bundleSource } from './module-source.js'
import type { ModuleSource } from './module-source.js'
import { withPools } from './pre-emit.js'
import { checkMagic, heapOptionsGiven, notRestoredLine, precompiledBootFiles, snapshotOptionsOf, startPyodide } from './start.js'
import { PYODIDE_STARTUP_MODULES } from './startup-modules.js'
import { EMPTY_ZIP } from './zip-names.js'
import type { CommonBundleOptions, RestoreHook, StartInput } from './start.js'

export { fetchBundleBytes } from './fetch-bundle.js'
export { bundleSource, pycHeader } from './module-source.js'
export type { ModuleEntry, ModuleSource } from './module-source.js'
export { createBundleFs } from './bundle-fs.js'
export type { BundleFsOptions, EmscriptenFS } from './bundle-fs.js'

/**
 * A bundle as a page has it: its URL (absolute, or relative to the page), its bytes, an opened bundle, or any ModuleSource.
 * A URL or bytes may be the bundle's wire form (`pybundle wire`, SPEC.md §18), told apart by its magic and decoded.
 */
export type BrowserBundle = URL | string | ArrayBuffer | Uint8Array | Bundle | BundleLayers | ModuleSource

export interface BrowserBundleOptions extends CommonBundleOptions {
  bundle: BrowserBundle
  /**
   * For a layered app bundle (built with [bundle] base, SPEC.md §16): its base, as
   * a URL, bytes or an opened Bundle. Default: the name the app records, resolved
   * against the app's URL (fetched after the app's header is read; give it here
   * to fetch both at once). A base the app was not built on is refused
   * (BASE_MISMATCH). Imports are served from the app first, then the base.
   */
  base?: URL | string | ArrayBuffer | Uint8Array | Bundle
  /** Passed to fetch() for a bundle given as a URL (credentials, cache mode, an AbortSignal, ...). */
  fetchOptions?: RequestInit
  /**
   * 'empty': give Pyodide an empty stdlib zip (a data: URL, no request) instead of
   * its python_stdlib.zip (2.5 MB, which compresses to 2.5 MB), for bundles that
   * hold the whole standard library (a stdlib base, or one bundle built with
   * stdlib = true): what they lack cannot be imported then. Default 'pyodide':
   * Pyodide's own zip (from indexURL, or stdLibURL), the fallback for modules not bundled.
   */
  stdlibZip?: 'pyodide' | 'empty'
  /** Run the loader's verify() on the fetched bundle (every checksum and offset) before Pyodide uses it. Default false. */
  verify?: boolean
  /**
   * Modules whose marshal bytes the worker that fetched a bundle makes ahead, while
   * the page sets Pyodide up (pre-emit.ts; what has arrived by fsInit is used, the
   * rest made on demand): 'app' (default) Pyodide's startup modules from the base
   * and, when `base` is given, every module of the app bundle; 'startup' the first
   * alone; 'none'; or a list of names (from every bundle). Only for bundles given as URLs.
   */
  preEmit?: 'app' | 'startup' | 'none' | readonly string[]
  /**
   * A memory snapshot of the app bundle (`pybundle build` with `[pyodide] snapshot`,
   * SPEC.md §17): its URL (or bytes). Pyodide then starts from it instead of
   * booting Python: fetched beside the bundles, checked (its checksums, Pyodide's
   * version and build, the app bundle it was made from, these options; for a page
   * with stdlibZip: 'empty', one made with `[pyodide] stdlib_zip = "empty"`), and
   * anything that does not fit means a normal start with one warning line
   * (onWarning), never a failure. Default: none. With a snapshot, preEmit defaults
   * to 'none' (the heap holds the startup modules and what the snapshot imported).
   */
  snapshot?: URL | string | ArrayBuffer | Uint8Array | false
  /** Where the one-line "snapshot not restored" message goes. Default console.warn. */
  onWarning?: (message: string) => void
}

export type BrowserLoadOptions = PyodideConfig & BrowserBundleOptions

/** A zip with no entries: its end-of-central-directory record alone. */
export const EMPTY_ZIP_URL = `data:application/zip;base64,${btoa(String.fromCharCode(...EMPTY_ZIP))}`

/**
 * Open a bundle given any way a page can: a URL is fetched; bytes are read in
 * place. A wire file (`pybundle wire`, SPEC §18: told apart by its magic) is
 * decoded first, into a new buffer the bundle is then read from.
 */
export async function openBrowserBundle(bundle: URL | string | ArrayBuffer | Uint8Array, options: { fetchOptions?: RequestInit; verify?: boolean } = {}): Promise<Bundle> {
  return (await openFetched(bundle, options, null)).bundle
}

/** What the worker emits ahead of Python from a bundle (wire-worker.ts): these names, every module, or nothing. */
type EmitList = readonly string[] | 'all' | null

/** openBrowserBundle, plus the pool the bundle's worker fills with the marshal bytes of `emit` (pre-emit.ts). */
async function openFetched(bundle: URL | string | ArrayBuffer | Uint8Array, options: { fetchOptions?: RequestInit; verify?: boolean }, emit: EmitList): Promise<{ bundle: Bundle; made: Map<string, Uint8Array> }> {
  const file = bundle instanceof URL || typeof bundle === 'string' ? String(bundle) : undefined
  const made = new Map<string, Uint8Array>()
  // The fetch starts before the loader's modules are in: nothing of them is needed until the bytes arrive.
  // Fetched and decoded by a worker where there is one (fetch options may not be cloneable: those stay here).
  const href = file === undefined ? undefined : String(new URL(file, (globalThis as { location?: { href: string } }).location?.href))
  const viaWorker = href !== undefined && options.fetchOptions === undefined ? inWorker(href, emit, made) : undefined
  const fetched = viaWorker === undefined && href !== undefined ? fetchBundleBytes(href, options.fetchOptions) : undefined
  viaWorker?.catch(() => {})
  fetched?.catch(() => {}) // awaited below, after the loader
  const { decodeWire, isWire, loadVerify, openBundleFromBuffer } = await loader()
  if (options.verify === true) await loadVerify()
  try {
    const name = file ?? 'bytes'
    let plain = viaWorker !== undefined ? await viaWorker : undefined
    if (plain === undefined) {
      const bytes = fetched !== undefined ? await fetched
        : href !== undefined ? await fetchBundleBytes(href) // the worker could not start: fetched here after all
          : bundle instanceof ArrayBuffer ? new Uint8Array(bundle) : bundle as Uint8Array
      if (href !== undefined) mark(`fetched ${href}`)
      plain = isWire(bytes) ? decodeWire(bytes) : bytes
      if (plain !== bytes) mark(`decoded ${name}`)
    }
    const opened = openBundleFromBuffer(plain, { verify: options.verify === true })
    mark(`opened ${name}`)
    return { bundle: opened, made }
  } catch (e) {
    if (e instanceof PyBundleError && file !== undefined && e.file === undefined) {
      throw new PyBundleError(e.code, e.message, { offset: e.offset, file, details: e.details, cause: e.cause })
    }
    throw e
  }
}

interface WorkerLike {
  onmessage: ((e: { data: WorkerReply }) => void) | null
  onerror: ((e: unknown) => void) | null
  postMessage(message: unknown): void
  terminate(): void
}
type WorkerReply = { id: number } & ({ bytes: Uint8Array; wire: boolean; fetchedAt: number; decodedAt: number; timeOrigin: number }
  | { head: Uint8Array }
  | { error: { code?: ErrorCode; message: string; offset?: number; file?: string; details?: Record<string, unknown> } }
  | { made: [string, Uint8Array][] }
  | { done: true })

interface Request {
  href: string
  made: Map<string, Uint8Array>
  onHead?: (head: Uint8Array) => void
  answered: boolean
  resolve(bytes: Uint8Array | undefined): void
  reject(e: unknown): void
}

/**
 * The worker of this page load: one for all the bundles asked for while it runs
 * (the app and its base), so its modules and hasher load and compile once;
 * ended when its last request is done, made again for a later one. `false` once a
 * worker could not start: the page then does the work itself.
 */
let current: { worker: WorkerLike; requests: Map<number, Request> } | false | undefined
let nextId = 0

/** End this page load's worker (Python reads its modules now: nothing it makes from here on reaches Python). */
function stopWorker(): void {
  if (current === undefined || current === false) return
  for (const r of current.requests.values()) if (!r.answered) r.resolve(undefined)
  current.worker.terminate()
  current = undefined
}

function startWorker(): typeof current {
  const W = (globalThis as { Worker?: new (url: URL, options: { type: 'module' }) => WorkerLike }).Worker
  if (W === undefined) return false
  let worker: WorkerLike
  try {
    worker = new W(new URL('./wire-worker.js', import.meta.url), { type: 'module' })
  } catch {
    return false
  }
  const requests = new Map<number, Request>()
  const self = { worker, requests }
  const end = (): void => {
    worker.terminate()
    if (current === self) current = undefined
  }
  worker.onerror = () => {
    // Its script did not load or it failed: whatever is unanswered is done on the main thread.
    for (const r of requests.values()) if (!r.answered) r.resolve(undefined)
    requests.clear()
    worker.terminate()
    if (current === self) current = false
  }
  worker.onmessage = ({ data }) => {
    const r = requests.get(data.id)
    if (r === undefined) return
    if ('made' in data) {
      for (const [name, bytes] of data.made) r.made.set(name, bytes)
      return
    }
    if ('head' in data) {
      r.onHead?.(data.head)
      return
    }
    if ('done' in data) {
      requests.delete(data.id)
      if (requests.size === 0) end()
      return
    }
    r.answered = true
    if ('error' in data) {
      requests.delete(data.id)
      if (requests.size === 0) end()
      const { code, message, offset, file, details } = data.error
      r.reject(code === undefined ? new Error(message) : new PyBundleError(code, message, { offset, file, details }))
      return
    }
    const shift = data.timeOrigin - (globalThis.performance?.timeOrigin ?? data.timeOrigin)
    mark(`fetched ${r.href}`, data.fetchedAt + shift)
    if (data.wire) mark(`decoded ${r.href}`, data.decodedAt + shift)
    r.resolve(data.bytes)
  }
  return self
}

/**
 * The bundle at `href` fetched and decoded by wire-worker.ts (a module worker),
 * or undefined when no worker could run it: there is no Worker (Node, some
 * embedded browsers), or its script did not load (served unbundled, its bare
 * imports do not resolve in a worker: import maps are the page's only). Then the
 * caller fetches on the main thread; a rejection is the bundle's own error.
 * Marshal bytes the worker makes afterwards (`emit`) are put into `made` as they arrive.
 */
function inWorker(href: string, emit: EmitList, made: Map<string, Uint8Array>, head?: { size: number; onHead: (head: Uint8Array) => void }): Promise<Uint8Array | undefined> {
  if (current === undefined) current = startWorker()
  if (current === false || current === undefined) return Promise.resolve(undefined)
  const { worker, requests } = current
  const id = nextId++
  return new Promise<Uint8Array | undefined>((resolve, reject) => {
    requests.set(id, { href, made, answered: false, resolve, reject, onHead: head?.onHead })
    worker.postMessage({ id, url: href, emit: emit === null || emit === 'all' ? emit : [...emit], ...(head ? { head: head.size } : {}) })
  })
}

type Loader = typeof import('@pybundle/loader/page')
let loading: Promise<Loader> | undefined

/**
 * @pybundle/loader, imported when first needed rather than with this module: a
 * page importing @pybundle/pyodide then loads a few small modules before it can
 * call loadPyodideWithBundle, which starts Pyodide's downloads at once, and the
 * loader's (about forty modules, a WebAssembly hasher) arrive while Pyodide's
 * WebAssembly downloads and compiles. A bundler keeps the import() as a chunk.
 */
function loader(): Promise<Loader> {
  return loading ??= import('@pybundle/loader/page').then((m) => {
    mark('loader imported')
    return m
  })
}

type Fetchable = URL | string | ArrayBuffer | Uint8Array
type Openable = Fetchable | Bundle

function isFetchable(b: unknown): b is Fetchable {
  return b instanceof URL || typeof b === 'string' || b instanceof ArrayBuffer || b instanceof Uint8Array
}

function urlOf(b: Openable): string | undefined {
  return b instanceof URL || typeof b === 'string' ? String(b) : undefined
}

/** What each bundle's worker emits ahead (the preEmit option): the app layer from the app, Pyodide's startup modules from the base (or the one bundle). */
function emitLists(option: BrowserBundleOptions['preEmit'], layered: boolean): { app: EmitList; base: EmitList } {
  if (option === 'none') return { app: null, base: null }
  if (option !== undefined && typeof option !== 'string') return { app: option, base: option }
  if (!layered) return { app: PYODIDE_STARTUP_MODULES, base: PYODIDE_STARTUP_MODULES }
  return { app: option === 'startup' ? null : 'all', base: PYODIDE_STARTUP_MODULES }
}

/** The source (serving what the workers made ahead first), and the app bundle (for a snapshot's check; undefined for a ModuleSource). */
async function toSource(options: BrowserBundleOptions): Promise<{ source: ModuleSource; app: Bundle | undefined }> {
  const { bundle, base } = options
  const emit = emitLists(options.preEmit ?? (wantsSnapshot(options) ? 'none' : undefined), base !== undefined)
  // Both fetched at once when the base is given, from the start.
  const early = isFetchable(bundle)
    ? [openFetched(bundle, options, emit.app), base !== undefined && isFetchable(base) ? openFetched(base, options, emit.base) : undefined] as const
    : undefined
  for (const p of early ?? []) p?.catch(() => {}) // awaited below
  const { Bundle, BundleLayers, layerBundles } = await loader()
  if (bundle instanceof BundleLayers) return { source: bundleSource(bundle), app: bundle.app }
  if (early === undefined && !(bundle instanceof Bundle)) {
    if (base !== undefined) throw new PyBundleError('BAD_ARGUMENT', 'the `base` option needs the bundle as a URL, bytes or an opened Bundle, not a ModuleSource')
    return { source: bundle as ModuleSource, app: undefined }
  }
  const none = new Map<string, Uint8Array>()
  const openBase = (b: Openable) => b instanceof Bundle ? Promise.resolve({ bundle: b, made: none }) : openFetched(b, options, emit.base)
  const [app, given] = await Promise.all([
    early?.[0] ?? { bundle: bundle as Bundle, made: none },
    early?.[1] ?? (base === undefined ? undefined : openBase(base)),
  ])
  const layered = (b: { bundle: Bundle; made: Map<string, Uint8Array> }, names: { app: string; base?: string }) => ({
    source: withPools(bundleSource(layerBundles(app.bundle, b.bundle, names)), [
      { made: app.made, serves: () => true },
      { made: b.made, serves: (name) => app.bundle.getModule(name) === undefined },
    ], undefined, stopWorker),
    app: app.bundle,
  })
  const ref = app.bundle.base
  if (ref === null && given === undefined) return { source: withPools(bundleSource(app.bundle), [{ made: app.made, serves: () => true }], undefined, stopWorker), app: app.bundle }
  const appUrl = isFetchable(bundle) ? urlOf(bundle) : undefined
  const names = { app: appUrl ?? 'the app bundle', base: base !== undefined ? urlOf(base) : undefined }
  if (given !== undefined) return layered(given, names)
  if (appUrl === undefined) {
    throw new PyBundleError('BASE_MISMATCH', `the bundle was built on the base bundle "${ref!.name}": give it as the \`base\` option`)
  }
  const appHref = new URL(appUrl, (globalThis as { location?: { href: string } }).location?.href)
  // An app served in its wire form (§18, `app.pyb.wire`) finds its base's wire form beside it too.
  const baseUrl = new URL(ref!.name + (appHref.pathname.endsWith('.wire') ? '.wire' : ''), appHref)
  return layered(await openFetched(baseUrl, options, emit.base), { ...names, base: String(baseUrl) })
}

function wantsSnapshot(options: BrowserBundleOptions): boolean {
  return options.snapshot !== undefined && options.snapshot !== false
}

async function prepare(options: BrowserBundleOptions): Promise<StartInput & { app: Bundle | undefined }> {
  const { source, app } = await toSource(options)
  checkMagic(source)
  const earlyFiles = precompiledBootFiles(source.pythonMagic)
  if (earlyFiles === undefined) throw new PyBundleError('INTERPRETER', 'this @pybundle/pyodide has no precompiled boot module for this Pyodide (run scripts/build-boot.mjs)')
  const onRead = options.onRead
  mark('prepared')
  return { source, app, earlyFiles, reported: onRead === undefined ? undefined : (name) => onRead(name, false) }
}

/**
 * Start Pyodide in a page with imports served from `options.bundle`. Every other
 * option is passed to `loadPyodide` (indexURL, stdLibURL, env, ...). A bundle that
 * cannot be fetched or read rejects with a PyBundleError (IO, BAD_MAGIC,
 * TRUNCATED, CHECKSUM_MISMATCH with verify, UNSUPPORTED_VERSION for a bundle not
 * compiled for Pyodide's CPython).
 */
export async function loadPyodideWithBundle(options: BrowserLoadOptions): Promise<PyodideAPI> {
  const { bundle: _bundle, base: _base, fetchOptions: _fetch, verify: _verify, preEmit: _preEmit, snapshot: _snapshot, onWarning: _onWarning, stdlibZip = 'pyodide', ...rest } = options
  const input = prepare(options)
  const config = stdlibZip === 'empty' ? { ...rest, stdLibURL: EMPTY_ZIP_URL } : rest
  const started = startPyodide(input, config, restoreHook(options, input, stdlibZip))
  started.catch(() => {}) // a bad bundle is reported through `input` below
  // A bundle that cannot be fetched or read rejects at once, whatever Pyodide
  // is doing (fsInit, where it is awaited, may not have run yet).
  return Promise.race([started, input.then(() => started)])
}

/** The memory snapshot to start from (options.snapshot), or undefined; its module is loaded only then. */
function restoreHook(options: BrowserLoadOptions, input: Promise<{ app: Bundle | undefined }>, stdlibZip: 'pyodide' | 'empty'): Promise<RestoreHook> | undefined {
  const { snapshot } = options
  if (snapshot === undefined || snapshot === false) return undefined
  const warn = options.onWarning ?? ((m: string) => console.warn(m))
  const startNormally = () => loadPyodideWithBundle({ ...options, snapshot: false })
  // Options that change what the heap would hold (as under Node: snapshot.ts).
  const heapOptions = heapOptionsGiven(options)
  if (heapOptions !== undefined) {
    warn(notRestoredLine(undefined, heapOptions))
    return undefined
  }
  const appBytes = input.then((i) => i.app?.bytes, () => undefined)
  // Its module (a chunk of its own: pages without a snapshot never load it) fetches it at once, through this page's worker.
  const viaWorker = (href: string, size: number, onHead: (head: Uint8Array) => void) => inWorker(href, null, new Map(), { size, onHead })
  return import('./browser-snapshot.js').then(
    (m) => m.browserRestore({ snapshot, fetchOptions: options.fetchOptions, viaWorker, loader: loader(), appBytes, wanted: snapshotOptionsOf(options), stdlibZip, env: options.env ?? {}, onWarning: warn, startNormally, notRestoredLine }),
    (e: unknown) => {
      // Its script did not load: a normal start, as for any snapshot that cannot be used.
      const bytes = Promise.reject(e)
      bytes.catch(() => {})
      return { bytes, resume: () => ({ lines: '', checked: true }), fallback: () => (warn(notRestoredLine(undefined, e instanceof Error ? e.message : String(e))), startNormally()) }
    })
}
