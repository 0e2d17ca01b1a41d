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

async function respond(url: URL | string, init: RequestInit | undefined, what: string): Promise<Response> {
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

/**
 * Fetch a file whose first `headSize` bytes are wanted before the rest (a memory
 * snapshot's header sizes Pyodide's heap while the 30 MB still arrive): `head`
 * resolves with them as soon as they are in, `bytes` with the whole body. Errors
 * as fetchBundleBytes' (IO naming the URL); a body shorter than `headSize`
 * resolves `head` with what there is.
 */
export function fetchWithHead(url: URL | string, headSize: number, init?: RequestInit, what = 'the file'): { head: Promise<Uint8Array>; bytes: Promise<Uint8Array> } {
  let gotHead!: (b: Uint8Array) => void
  const head = new Promise<Uint8Array>((resolve) => { gotHead = resolve })
  const bytes = (async () => {
    const res = await respond(url, init, what)
    const reader: ReadableStreamDefaultReader<Uint8Array> | undefined = res.body?.getReader()
    if (reader === undefined) {
      const all = new Uint8Array(await res.arrayBuffer())
      gotHead(all.subarray(0, headSize))
      return all
    }
    const chunks: Uint8Array[] = []
    let length = 0
    let told = false
    for (;;) {
      const { done, value } = await reader.read()
      if (done) break
      chunks.push(value)
      length += value.length
      if (!told && length >= headSize) {
        told = true
        gotHead(concat(chunks, length).subarray(0, headSize))
      }
    }
    const all = concat(chunks, length)
    if (!told) gotHead(all)
    return all
  })()
  // A failure before the head came rejects both.
  return { head: Promise.race([head, bytes.then(() => head)]), bytes }
}

function concat(chunks: Uint8Array[], length: number): Uint8Array {
  if (chunks.length === 1) return chunks[0]
  const out = new Uint8Array(length)
  let at = 0
  for (const c of chunks) {
    out.set(c, at)
    at += c.length
  }
  chunks.splice(0, chunks.length, out)
  return out
}

/** A User Timing mark ('pybundle:<what>'), read by the browser benchmark's timeline (benchmarks/browser/page/bench.js); `at` a time of this page's clock. */
export function mark(what: string, at?: number): void {
  globalThis.performance?.mark?.(`pybundle:${what}`, at === undefined ? undefined : { startTime: at })
}
