/**
 * Compilation by the target interpreter, on all cores: the modules are split
 * into one shard per worker (balanced by file size), each worker is one run of
 * python/compile.py, and code objects stream back as marshal bytes (exactly
 * what importlib's source_to_code + marshal.dumps produce for that version).
 *
 * Stamps (size, mtime, xxh64 of a source, for staleness checks) belong to the
 * bytes compiled: each source is read once, here, its stamp taken from those
 * bytes and the fstat of the same descriptor before and after the read, and
 * exactly those bytes go to compile.py on its stdin. A file that changes while
 * it is read is read again, once. A file whose mtime lies so close to the read
 * that an edit right after it could keep the same mtime (timestamps have a
 * granularity) is read again when the compilation is done, once its clock tick
 * is over: if its bytes differ, the build fails rather than record a stamp that
 * a later edit could match.
 */
import { open, readFile, stat } from 'node:fs/promises'
import xxhash from 'xxhash-wasm'
import { PyBundleError } from '@pybundle/errors'
import type { SourceStamp } from '../bundle-input.js'
import { explainFailure } from '../interpreter/diagnose.js'
import type { Interpreter } from '../interpreter/interpreter.js'
import { helperScript } from '../interpreter/scripts.js'

export interface CompileJob {
  /** Absolute path of the .py (source) or .pyc (sourceless). */
  file: string
  kind: 'source' | 'sourceless'
}

export interface CompileFailure {
  /** SyntaxError, ValueError, ImportError (bad .pyc), OSError, ... */
  type: string
  message: string
  file: string
  line: number | null
  offset: number | null
}

export type CompileResult =
  /** `sourceBytes`: with `keepSources`, exactly the bytes compiled (and stamped), when Node read them. */
  | { ok: true; marshal: Uint8Array; source?: SourceStamp; sourceBytes?: Uint8Array }
  | { ok: false; error: CompileFailure }

export interface CompileOptions {
  optimize: 0 | 1 | 2
  /** Called after each module with (done, total). */
  onProgress?: (done: number, total: number) => void
  /** Worker count (default: interpreter.parallelism). */
  workers?: number
  /** Seconds each worker may take ([bundle] timeout). */
  timeout?: number
  /** Return each source's bytes as read and compiled ([modules] sources = true stores them). */
  keepSources?: boolean
  /** Called after each source is read, with its job index (tests use it to race an edit). */
  onSourceRead?: (index: number) => void | Promise<void>
}

/** The largest frame compile.py may send (one module's marshal data). */
const MAX_FRAME = 512 * 1024 * 1024

/** A source as read: its bytes and their stamp. */
type SourceRead = { bytes: Buffer; stamp: SourceStamp; racy: boolean }

/** Compile every job; results are in job order. Only a worker that dies is an error; per-file failures come back as results. */
export async function compileModules(interpreter: Interpreter, jobs: readonly CompileJob[], options: CompileOptions): Promise<CompileResult[]> {
  const results = new Array<CompileResult | undefined>(jobs.length)
  if (jobs.length === 0) return []
  const hasher = await xxhash()
  const sources = await readSources(jobs, (bytes, seed) => hasher.h64Raw(bytes, seed), options.onSourceRead)
  const sizes = await Promise.all(jobs.map((j, i) => {
    const s = sources[i]
    return s ? Promise.resolve(s.bytes.length) : stat(j.file).then((st) => st.size, () => 0)
  }))
  const workers = Math.max(1, Math.min(options.workers ?? interpreter.parallelism, Math.ceil(jobs.length / 8)))
  const shards = shard(sizes, workers)
  let done = 0
  // One shard failing stops the others: their results would be thrown away.
  const abort = new AbortController()
  await Promise.all(shards.map(async (ids) => {
    const wanted = new Set(ids)
    const reader = new FrameReader((id, status, payload) => {
      if (status === 0) results[id] = { ok: true, marshal: payload }
      else results[id] = { ok: false, error: JSON.parse(Buffer.from(payload).toString('utf8')) as CompileFailure }
      done++
      options.onProgress?.(done, jobs.length)
    }, (id, status, len) => {
      if (!wanted.has(id) || results[id] !== undefined || status > 1 || len > MAX_FRAME) {
        throw new PyBundleError('INTERPRETER', `${interpreter.id} sent output that is not compile.py's (a frame header for job ${id}, status ${status}, ${len} bytes); check that [bundle] python is a CPython 3.8 to 3.14`, { details: { interpreter: interpreter.id } })
      }
    })
    // Sources the worker compiles from the bytes read above, sourceless files it reads itself.
    const blobs: Buffer[] = []
    let at = 0
    const request = {
      optimize: options.optimize,
      jobs: ids.flatMap((id) => {
        const s = sources[id]
        const job: Record<string, unknown> = { id, file: jobs[id].file, kind: jobs[id].kind }
        if (s) {
          job.offset = at
          job.length = s.bytes.length
          blobs.push(s.bytes)
          at += s.bytes.length
        }
        return [job]
      }),
    }
    const head = Buffer.from(JSON.stringify(request), 'utf8')
    const len = Buffer.alloc(4)
    len.writeUInt32LE(head.length)
    let run
    try {
      run = await interpreter.runScript({ path: helperScript('compile.py') }, [], {
        stdin: Buffer.concat([len, head, ...blobs]),
        onStdout: (chunk) => reader.push(chunk),
        timeout: options.timeout,
        step: 'compiling modules',
        signal: abort.signal,
      })
    } catch (e) {
      abort.abort(e)
      throw e
    }
    if (run.exitCode !== 0 || ids.some((id) => results[id] === undefined)) {
      const e = await explainFailure(interpreter, 'compiling modules', run, options.timeout)
      abort.abort(e)
      throw e
    }
  }))
  const stamped = jobs.map((_, i) => sources[i])
  await recheckRacy(jobs, stamped, (bytes, seed) => hasher.h64Raw(bytes, seed))
  return results.map((r, i) => {
    const s = stamped[i]
    return r!.ok && s ? { ...r!, source: s.stamp, ...(options.keepSources ? { sourceBytes: s.bytes } : {}) } : r!
  })
}

type Hasher = (bytes: Uint8Array, seed: bigint) => bigint

/** How close to the read an mtime is racy: its filesystem's granularity, guessed from the mtime, with margin. */
function racyWindowNs(mtimeNs: bigint): bigint {
  return mtimeNs % 1_000_000_000n === 0n ? 2_000_000_000n : 100_000_000n
}

/** Read every source once (16 at a time). */
async function readSources(jobs: readonly CompileJob[], h64: Hasher, onRead?: (index: number) => void | Promise<void>): Promise<(SourceRead | undefined)[]> {
  const out = new Array<SourceRead | undefined>(jobs.length)
  let next = 0
  const worker = async (): Promise<void> => {
    while (next < jobs.length) {
      const i = next++
      if (jobs[i].kind !== 'source') continue
      out[i] = await readSource(jobs[i].file, h64)
      await onRead?.(i)
    }
  }
  await Promise.all(Array.from({ length: 16 }, worker))
  return out
}

/** One source's bytes with the stamp of exactly those bytes (see the file comment). */
async function readSource(file: string, h64: Hasher): Promise<SourceRead | undefined> {
  for (let attempt = 0; ; attempt++) {
    const readAtNs = BigInt(Date.now()) * 1_000_000n
    let fh
    try {
      fh = await open(file, 'r')
      const before = await fh.stat({ bigint: true })
      const bytes = await fh.readFile()
      const after = await fh.stat({ bigint: true })
      if (before.mtimeNs === after.mtimeNs && before.size === after.size && BigInt(bytes.length) === after.size) {
        return {
          bytes,
          stamp: { size: bytes.length, mtimeNs: after.mtimeNs, hash: h64(bytes, 0n) },
          racy: after.mtimeNs + racyWindowNs(after.mtimeNs) > readAtNs,
        }
      }
    } catch {
      // Not readable from here: the interpreter reads it and reports its own error, or
      // compiles a file only it can see (Pyodide's stdlib lives in its in-memory file
      // system). Such a module gets no stamp (zeros: unknown), never a wrong one.
      return undefined
    } finally {
      await fh?.close()
    }
    if (attempt >= 1) {
      throw new PyBundleError('IO', `${file} changed while pybundle read it (twice): build again when the edits are done`, { file })
    }
  }
}

/**
 * Files whose mtime was within their timestamp granularity of the read: wait
 * until that window is over, read them again, and fail if the bytes differ
 * (an edit that kept size and mtime, which no staleness check could see).
 */
async function recheckRacy(jobs: readonly CompileJob[], sources: readonly (SourceRead | undefined)[], h64: Hasher): Promise<void> {
  const racy = sources.map((s, i) => [s, i] as const).filter(([s]) => s?.racy) as [SourceRead, number][]
  if (racy.length === 0) return
  const until = racy.reduce((m, [s]) => {
    const end = s.stamp.mtimeNs + racyWindowNs(s.stamp.mtimeNs)
    return end > m ? end : m
  }, 0n)
  // Capped: an mtime in the future (clock skew, touch -d) would otherwise mean a long wait.
  const waitMs = Math.min(Number(until / 1_000_000n) - Date.now(), 2100)
  if (waitMs > 0) await new Promise((r) => setTimeout(r, waitMs + 1))
  for (const [s, i] of racy) {
    const now = await readFile(jobs[i].file).catch(() => null)
    const st = await stat(jobs[i].file, { bigint: true }).catch(() => null)
    if (now === null || st === null) continue // gone: any staleness check calls it stale
    const same = now.length === s.stamp.size && h64(now, 0n) === s.stamp.hash
    if (!same && st.mtimeNs === s.stamp.mtimeNs && st.size === BigInt(s.stamp.size)) {
      throw new PyBundleError('IO', `${jobs[i].file} changed during the build without changing its size or mtime: build again when the edits are done`, { file: jobs[i].file })
    }
  }
}

/** Longest-processing-time-first: biggest files first, each to the lightest shard. */
export function shard(sizes: readonly number[], count: number): number[][] {
  const order = sizes.map((_, i) => i).sort((a, b) => sizes[b] - sizes[a] || a - b)
  const shards: number[][] = Array.from({ length: count }, () => [])
  const load = new Array<number>(count).fill(0)
  for (const id of order) {
    let best = 0
    for (let k = 1; k < count; k++) if (load[k] < load[best]) best = k
    shards[best].push(id)
    load[best] += sizes[id] + 256
  }
  return shards.filter((s) => s.length > 0).map((s) => s.sort((a, b) => a - b))
}

/**
 * Splits compile.py's stdout into frames: u32 id, u32 status, u32 length, payload.
 * Each header is checked (`check` throws) before its payload is collected, so
 * output that is not compile.py's is refused at its first 12 bytes; each
 * payload is filled in place, in one buffer of its declared length.
 */
class FrameReader {
  private readonly header = Buffer.alloc(12)
  private headerFill = 0
  private payload: Uint8Array | null = null
  private payloadFill = 0
  private id = 0
  private status = 0
  constructor(
    private readonly onFrame: (id: number, status: number, payload: Uint8Array) => void,
    private readonly check: (id: number, status: number, len: number) => void,
  ) {}

  push(chunk: Buffer): void {
    let pos = 0
    while (pos < chunk.length) {
      if (this.payload === null) {
        const take = Math.min(12 - this.headerFill, chunk.length - pos)
        chunk.copy(this.header, this.headerFill, pos, pos + take)
        this.headerFill += take
        pos += take
        if (this.headerFill < 12) return
        this.id = this.header.readUInt32LE(0)
        this.status = this.header.readUInt32LE(4)
        const len = this.header.readUInt32LE(8)
        this.check(this.id, this.status, len)
        this.payload = new Uint8Array(len)
        this.payloadFill = 0
      }
      const take = Math.min(this.payload.length - this.payloadFill, chunk.length - pos)
      // A copy: the chunk buffers are pooled and reused by Node.
      this.payload.set(chunk.subarray(pos, pos + take), this.payloadFill)
      this.payloadFill += take
      pos += take
      if (this.payloadFill === this.payload.length) {
        const payload = this.payload
        this.payload = null
        this.headerFill = 0
        this.onFrame(this.id, this.status, payload)
      }
    }
  }
}

/** The SYNTAX error for failed modules: the first one (in the given order) named with file:line, the count of the rest. */
export function syntaxError(failures: readonly { name: string; error: CompileFailure }[]): PyBundleError {
  const first = failures[0]
  const e = first.error
  const where = e.line ? `${e.file}:${e.line}` : e.file
  const more = failures.length > 1 ? ` (and ${failures.length - 1} more: ${failures.slice(1, 6).map((f) => f.name).join(', ')}${failures.length > 6 ? ', ...' : ''})` : ''
  const what = `${e.type}: ${e.message}`
  return new PyBundleError('SYNTAX', `${where}: ${what} (module ${first.name})${more}; fix the source or leave the module out with [modules] exclude`, {
    file: e.file,
    details: { failures: failures.map((f) => ({ module: f.name, ...f.error })) },
  })
}
