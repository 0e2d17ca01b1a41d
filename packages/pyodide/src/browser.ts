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
import { Bundle, BundleLayers, decodeWire, isWire, layerBundles, openBundleFromBuffer } from '@pybundle/loader/browser'
import { bundleSource } from './module-source.js'
import type { ModuleSource } from './module-source.js'
import { checkMagic, precompiledBootFiles, startPyodide } from './start.js'
import type { CommonBundleOptions, StartInput } from './start.js'

export { PYODIDE_PYTHON_MAGIC } from './start.js'
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
}

export type BrowserLoadOptions = PyodideConfig & BrowserBundleOptions

/** A zip with no entries: its end-of-central-directory record alone. */
export const EMPTY_ZIP_URL = 'data:application/zip;base64,UEsFBgAAAAAAAAAAAAAAAAAAAAAAAA=='

/** Fetch a .pyb; every failure (network, HTTP status) is a PyBundleError IO naming the URL. */
export async function fetchBundleBytes(url: URL | string, init?: RequestInit): Promise<Uint8Array> {
  const href = String(url instanceof URL ? url : new URL(url, (globalThis as { location?: { href: string } }).location?.href))
  let res: Response
  try {
    res = await fetch(href, init)
  } catch (e) {
    throw new PyBundleError('IO', `could not fetch the bundle ${href}: ${e instanceof Error ? e.message : String(e)}`, { file: href, cause: e })
  }
  if (!res.ok) {
    throw new PyBundleError('IO', `could not fetch the bundle ${href}: HTTP ${res.status} ${res.statusText}`.trimEnd(), { file: href, details: { status: res.status } })
  }
  return new Uint8Array(await res.arrayBuffer())
}

/**
 * Open a bundle given any way a page can: a URL is fetched; bytes are read in
 * place. A wire file (`pybundle wire`, SPEC §18: told apart by its magic) is
 * decoded first, into a new buffer the bundle is then read from.
 */
export async function openBrowserBundle(bundle: URL | string | ArrayBuffer | Uint8Array, options: { fetchOptions?: RequestInit; verify?: boolean } = {}): Promise<Bundle> {
  const file = bundle instanceof URL || typeof bundle === 'string' ? String(bundle) : undefined
  const bytes = file !== undefined ? await fetchBundleBytes(bundle as URL | string, options.fetchOptions)
    : bundle instanceof ArrayBuffer ? new Uint8Array(bundle) : bundle as Uint8Array
  try {
    return openBundleFromBuffer(isWire(bytes) ? decodeWire(bytes) : bytes, { verify: options.verify === true })
  } catch (e) {
    if (e instanceof PyBundleError && file !== undefined && e.file === undefined) {
      throw new PyBundleError(e.code, e.message, { offset: e.offset, file, details: e.details, cause: e.cause })
    }
    throw e
  }
}

type Openable = URL | string | ArrayBuffer | Uint8Array | Bundle

function isOpenable(b: unknown): b is Openable {
  return b instanceof URL || typeof b === 'string' || b instanceof ArrayBuffer || b instanceof Uint8Array || b instanceof Bundle
}

function open(b: Openable, options: BrowserBundleOptions): Promise<Bundle> {
  return b instanceof Bundle ? Promise.resolve(b) : openBrowserBundle(b, options)
}

function urlOf(b: Openable): string | undefined {
  return b instanceof URL || typeof b === 'string' ? String(b) : undefined
}

async function toSource(options: BrowserBundleOptions): Promise<ModuleSource> {
  const { bundle, base } = options
  if (bundle instanceof BundleLayers) return bundleSource(bundle)
  if (!isOpenable(bundle)) {
    if (base !== undefined) throw new PyBundleError('BAD_ARGUMENT', 'the `base` option needs the bundle as a URL, bytes or an opened Bundle, not a ModuleSource')
    return bundle
  }
  // Both fetched at once when the base is given.
  const [app, given] = await Promise.all([open(bundle, options), base === undefined ? undefined : open(base, options)])
  const ref = app.base
  if (ref === null && given === undefined) return bundleSource(app)
  const names = { app: urlOf(bundle) ?? 'the app bundle', base: base !== undefined ? urlOf(base) : undefined }
  if (given !== undefined) return bundleSource(layerBundles(app, given, names))
  const appUrl = urlOf(bundle)
  if (appUrl === undefined) {
    throw new PyBundleError('BASE_MISMATCH', `the bundle was built on the base bundle "${ref!.name}": give it as the \`base\` option`)
  }
  const appHref = new URL(appUrl, (globalThis as { location?: { href: string } }).location?.href)
  // An app served in its wire form (§18, `app.pyb.wire`) finds its base's wire form beside it too.
  const baseUrl = new URL(ref!.name + (appHref.pathname.endsWith('.wire') ? '.wire' : ''), appHref)
  return bundleSource(layerBundles(app, await openBrowserBundle(baseUrl, options), { ...names, base: String(baseUrl) }))
}

async function prepare(options: BrowserBundleOptions): Promise<StartInput> {
  const source = await toSource(options)
  checkMagic(source)
  const earlyFiles = precompiledBootFiles(source.pythonMagic)
  if (earlyFiles === undefined) throw new PyBundleError('INTERPRETER', 'this @pybundle/pyodide has no precompiled boot module for this Pyodide (run scripts/build-boot.mjs)')
  const onRead = options.onRead
  return { source, earlyFiles, reported: onRead === undefined ? undefined : (name) => onRead(name, false) }
}

/**
 * Start Pyodide in a page with imports served from `options.bundle`. Every other
 * option is passed to `loadPyodide` (indexURL, stdLibURL, env, ...). A bundle that
 * cannot be fetched or read rejects with a PyBundleError (IO, BAD_MAGIC,
 * TRUNCATED, CHECKSUM_MISMATCH with verify, UNSUPPORTED_VERSION for a bundle not
 * compiled for Pyodide's CPython).
 */
export async function loadPyodideWithBundle(options: BrowserLoadOptions): Promise<PyodideAPI> {
  const { bundle: _bundle, base: _base, fetchOptions: _fetch, verify: _verify, stdlibZip = 'pyodide', ...rest } = options
  const input = prepare(options)
  const started = startPyodide(input, stdlibZip === 'empty' ? { ...rest, stdLibURL: EMPTY_ZIP_URL } : rest)
  started.catch(() => {}) // a bad bundle is reported through `input` below
  // A bundle that cannot be fetched or read rejects at once, whatever Pyodide
  // is doing (fsInit, where it is awaited, may not have run yet).
  return Promise.race([started, input.then(() => started)])
}
