/**
 * Compilation by the target interpreter, on all cores: the modules are split
 * into one shard per worker (balanced by file size), each worker is one run of
 * python/compile.py, and code objects stream back as marshal bytes (exactly
 * what importlib's source_to_code + marshal.dumps produce for that version).
 */
import { readFile, stat } from 'node:fs/promises'
import xxhash from 'xxhash-wasm'
import { PyBundleError } from '@pybundle/errors'
import type { SourceStamp } from '../bundle-input.js'
import type { Interpreter } from '../interpreter/index.js'
import { helperScript } from '../interpreter/scripts.js'
import { interpreterFailure } from '../resolve/index.js'

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
  | { ok: true; marshal: Uint8Array; source?: SourceStamp }
  | { ok: false; error: CompileFailure }

export interface CompileOptions {
  optimize: 0 | 1 | 2
  /** Called after each module with (done, total). */
  onProgress?: (done: number, total: number) => void
  /** Worker count (default: interpreter.parallelism). */
  workers?: number
}

/** Compile every job; results are in job order. Only a worker that dies is an error; per-file failures come back as results. */
export async function compileModules(interpreter: Interpreter, jobs: readonly CompileJob[], options: CompileOptions): Promise<CompileResult[]> {
  const results = new Array<CompileResult | undefined>(jobs.length)
  if (jobs.length === 0) return []
  const sizes = await Promise.all(jobs.map((j) => stat(j.file).then((s) => s.size, () => 0)))
  const workers = Math.max(1, Math.min(options.workers ?? interpreter.parallelism, Math.ceil(jobs.length / 8)))
  const shards = shard(sizes, workers)
  let done = 0
  const stamps = sourceStamps(jobs)
  await Promise.all(shards.map(async (ids) => {
    const reader = new FrameReader((id, status, payload) => {
      if (status === 0) results[id] = { ok: true, marshal: payload }
      else results[id] = { ok: false, error: JSON.parse(Buffer.from(payload).toString('utf8')) as CompileFailure }
      done++
      options.onProgress?.(done, jobs.length)
    })
    const request = { optimize: options.optimize, jobs: ids.map((id) => ({ id, file: jobs[id].file, kind: jobs[id].kind })) }
    const run = await interpreter.runScript({ path: helperScript('compile.py') }, [], {
      stdin: JSON.stringify(request),
      onStdout: (chunk) => reader.push(chunk),
    })
    if (run.exitCode !== 0 || ids.some((id) => results[id] === undefined)) {
      throw interpreterFailure(interpreter, 'compiling modules', run.exitCode, run.stderr)
    }
  }))
  const stamped = await stamps
  return results.map((r, i) => (r!.ok && stamped[i] ? { ...r!, source: stamped[i] } : r!))
}

/** Size, mtime (ns) and xxh64 of each source file, for staleness checks. */
async function sourceStamps(jobs: readonly CompileJob[]): Promise<(SourceStamp | undefined)[]> {
  const hasher = await xxhash()
  const out = new Array<SourceStamp | undefined>(jobs.length)
  let next = 0
  const worker = async (): Promise<void> => {
    while (next < jobs.length) {
      const i = next++
      const job = jobs[i]
      if (job.kind !== 'source') continue
      try {
        const [st, bytes] = await Promise.all([stat(job.file, { bigint: true }), readFile(job.file)])
        out[i] = { size: bytes.length, mtimeNs: st.mtimeNs, hash: hasher.h64Raw(bytes, 0n) }
      } catch {
        out[i] = undefined // the compile result reports the unreadable file
      }
    }
  }
  await Promise.all(Array.from({ length: 16 }, worker))
  return out
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

/** Splits compile.py's stdout into frames: u32 id, u32 status, u32 length, payload. */
class FrameReader {
  private buf: Buffer = Buffer.alloc(0)
  constructor(private readonly onFrame: (id: number, status: number, payload: Uint8Array) => void) {}

  push(chunk: Buffer): void {
    this.buf = this.buf.length ? Buffer.concat([this.buf, chunk]) : chunk
    let pos = 0
    while (this.buf.length - pos >= 12) {
      const id = this.buf.readUInt32LE(pos)
      const status = this.buf.readUInt32LE(pos + 4)
      const len = this.buf.readUInt32LE(pos + 8)
      if (this.buf.length - pos - 12 < len) break
      // A copy: the chunk buffers are pooled and reused by Node.
      const payload = new Uint8Array(len)
      payload.set(this.buf.subarray(pos + 12, pos + 12 + len))
      this.onFrame(id, status, payload)
      pos += 12 + len
    }
    this.buf = this.buf.subarray(pos)
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
