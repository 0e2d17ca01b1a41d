/**
 * A memory snapshot's fetch (browser-snapshot.ts, wire-worker.ts): its header
 * before its body. Apart from fetch-bundle.ts so that only a page with a
 * snapshot loads it.
 */
import { respond } from './fetch-bundle.js'

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
