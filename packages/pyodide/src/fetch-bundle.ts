/**
 * Fetching a bundle over HTTP, shared by the browser entry (browser.ts) and its
 * decoding worker (wire-worker.ts): neither imports Pyodide from here.
 */
import { PyBundleError } from '@pybundle/errors'

/** Fetch a .pyb; every failure (network, HTTP status) is a PyBundleError IO naming the URL. */
export async function fetchBundleBytes(url: URL | string, init?: RequestInit): Promise<Uint8Array> {
  const res = await respond(url, init, 'the bundle')
  return new Uint8Array(await res.arrayBuffer())
}

/** fetch() with its failures (network, HTTP status) as PyBundleError IO naming the URL and `what` it is. */
export async function respond(url: URL | string, init: RequestInit | undefined, what: string): Promise<Response> {
  const href = String(url instanceof URL ? url : new URL(url, (globalThis as { location?: { href: string } }).location?.href))
  let res: Response
  try {
    res = await fetch(href, init)
  } catch (e) {
    throw new PyBundleError('IO', `could not fetch ${what} ${href}: ${e instanceof Error ? e.message : String(e)}`, { file: href, cause: e })
  }
  if (!res.ok) {
    throw new PyBundleError('IO', `could not fetch ${what} ${href}: HTTP ${res.status} ${res.statusText}`.trimEnd(), { file: href, details: { status: res.status } })
  }
  return res
}

/** A User Timing mark ('pybundle:<what>'), read by the browser benchmark's timeline (benchmarks/browser/page/bench.js); `at` a time of this page's clock. */
export function mark(what: string, at?: number): void {
  globalThis.performance?.mark?.(`pybundle:${what}`, at === undefined ? undefined : { startTime: at })
}
