/**
 * A module worker of the browser entry (browser.ts openBrowserBundle), one per
 * page load (it serves every bundle asked for at the time): fetches a bundle and,
 * when it is a wire file (SPEC §18), decodes it, off the page's main thread. The fetch's body is read here, so its arrival does not wait for
 * the main thread (busy then compiling Pyodide's JavaScript and setting up its
 * WebAssembly), and the decoding (about 50 ms per 12 MB) does not hold it up.
 * Then, given names to emit, it makes their marshal bytes from its own copy of
 * the bundle (made here: the page gets the decoded bytes transferred) and posts
 * them in batches (pre-emit.ts takes them): a list of names (Pyodide's startup
 * modules) before every module of a bundle (the app layer). The page ends this
 * worker when Python first reads a module: what it makes after that could not
 * reach Python and would only take a core from the page.
 *
 * Also fetches a memory snapshot file for the page (`head`: its first bytes are
 * posted as soon as they are in, then the whole file, checked here with
 * readSnapshotFile; a damaged one is the request's error).
 *
 * In: { id, url, emit: string[] | 'all' | null, head?: number }. Out, each with the request's id:
 * { head } (with `head` asked for), { bytes, wire, fetchedAt, decodedAt, timeOrigin } (times on this worker's clock,
 * its timeOrigin to put them on the page's), or { error: { code, message, offset,
 * file, details } } (no code: a bug); then { made: [name, bytes][] } batches
 * (bytes transferred) and { done: true }.
 */
import { PyBundleError } from '@pybundle/errors'
import { fetchBundleBytes } from './fetch-bundle.js'

interface Scope {
  onmessage: ((e: { data: { id: number; url: string; emit: string[] | 'all' | null; head?: number } }) => void) | null
  postMessage(message: unknown, transfer?: unknown[]): void
}

const scope = globalThis as unknown as Scope
const clock = (): number => performance.now()
/** Modules per batch: small enough that the first arrive early, large enough to keep messages few. */
const BATCH = 8

// Set before anything is awaited: the loader has a top-level await (its hasher), and a
// message that arrives while a module evaluates has no handler yet and is lost. The
// loader is imported meanwhile, and the fetch does not wait for it.
const loader = import('@pybundle/loader/page')
loader.catch(() => {})

/**
 * Requests with a list of names still to emit (Pyodide's startup modules, from the
 * base): Python reads those first, so a request for every module (the app layer)
 * waits while there are any.
 */
let listed = 0

scope.onmessage = (e) => {
  const isList = Array.isArray(e.data.emit)
  if (isList) listed++
  void (async () => {
    let own: Uint8Array | undefined
    try {
      const headSize = e.data.head
      let fetching: Promise<Uint8Array>
      if (headSize === undefined) fetching = fetchBundleBytes(e.data.url)
      else {
        fetching = import('./fetch-with-head.js').then(({ fetchWithHead }) => {
          const f = fetchWithHead(e.data.url, headSize, undefined, 'the memory snapshot')
          f.head.then((head) => scope.postMessage({ id: e.data.id, head: head.slice() }), () => {})
          return f.bytes
        })
      }
      fetching.catch(() => {})
      const { decodeWire, isWire } = await loader
      const raw = await fetching
      const fetchedAt = clock()
      // A memory snapshot is checked whole here (all three checksums), off the main thread; a damaged one is the request's error.
      if (headSize !== undefined) (await loader).readSnapshotFile(raw)
      const wire = isWire(raw)
      const bytes = wire ? decodeWire(raw) : raw
      const decodedAt = clock()
      // Modules to emit here are emitted from a copy made here, so the page's main thread gets the bundle transferred (no copy there).
      own = e.data.emit === null ? undefined : bytes.slice()
      scope.postMessage({ id: e.data.id, bytes, wire, fetchedAt, decodedAt, timeOrigin: performance.timeOrigin }, [bytes.buffer])
    } catch (err) {
      // A PyBundleError is rebuilt on the page; anything else is a bug, passed on as its message.
      const error = err instanceof PyBundleError
        ? { code: err.code, message: err.message, offset: err.offset, file: err.file, details: err.details }
        : { message: err instanceof Error ? err.message : String(err) }
      scope.postMessage({ id: e.data.id, error })
      if (isList) listed--
      return
    }
    try {
      if (own !== undefined && e.data.emit !== null) await emit(e.data.id, own, e.data.emit)
    } finally {
      if (isList) listed--
      scope.postMessage({ id: e.data.id, done: true })
    }
  })()
}

/** Post the marshal bytes of `names` (or every module) in `bytes`' bundle; what fails is left to the page to emit (and report). */
async function emit(id: number, bytes: Uint8Array, names: string[] | 'all'): Promise<void> {
  const { openBundleFromBuffer } = await loader
  let bundle
  try {
    bundle = openBundleFromBuffer(bytes)
  } catch {
    return // the page opens it too, and reports what is wrong
  }
  let batch: [string, Uint8Array][] = []
  const flush = (): void => {
    if (batch.length === 0) return
    scope.postMessage({ id, made: batch }, batch.map(([, b]) => b.buffer))
    batch = []
  }
  const yieldNow = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))
  if (names === 'all') while (listed > 0) await yieldNow(5)
  for (const name of names === 'all' ? bundle.moduleNames() : names) {
    let b: Uint8Array | undefined
    try {
      b = bundle.getModule(name)?.code?.toMarshal()
    } catch {
      continue
    }
    if (b === undefined) continue
    // Its own buffer, so that transferring it moves nothing else.
    if (b.byteOffset !== 0 || b.byteLength !== b.buffer.byteLength) b = b.slice()
    batch.push([name, b])
    if (batch.length >= BATCH) {
      flush()
      // Let this worker's other request (the other bundle, still arriving) run between batches; the app layer waits for the startup list.
      await yieldNow(0)
      if (names === 'all') while (listed > 0) await yieldNow(5)
    }
  }
  flush()
}
