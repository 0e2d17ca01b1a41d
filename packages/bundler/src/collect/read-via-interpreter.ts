/**
 * Reading files the host cannot see but the target interpreter can: with
 * python = "pyodide" the standard library lives in Pyodide's in-memory
 * filesystem (/lib/python3.14/...), so a module's source is read where it was
 * compiled, by the interpreter itself.
 *
 * Reads go in batches: each run sends files until the next would take its
 * output past a budget (the first file of a run always goes, so every run
 * makes progress), and the run's stdout cap is the budget plus one file at its
 * limit, so nothing an honest run prints is cut. A run whose output was cut
 * anyway, that fails, or that sends nothing is an error: no file is ever lost
 * silently.
 */
import { PyBundleError } from '@pybundle/errors'
import type { Interpreter } from '../interpreter/interpreter.js'
import { MAX_MINOR, MAX_STDOUT, MIN_MINOR } from '../interpreter/limits.js'
import { interpreterFailure } from '../resolve/resolve-modules.js'
import { overLimit } from './read-file.js'

// stdin: JSON {"files": [path, ...], "budget": bytes, "limit": bytes}; stdout per path, in order, until the
// budget is reached: u32 status (0 ok, 1 error, 2 over the limit), u32 length,
// payload (the bytes; the UTF-8 error text; the size in decimal).
const READER = String.raw`
import sys, json, struct, os
req = json.loads(sys.stdin.read())
out = sys.stdout.buffer
budget, limit, sent = req['budget'], req['limit'], 0
for p in req['files']:
    try:
        with open(p, 'rb') as f:
            size = os.fstat(f.fileno()).st_size
            data = f.read(limit + 1) if size <= limit else b''
        if size > limit or len(data) > limit:
            n = str(max(size, len(data))).encode()
            frame = struct.pack('<II', 2, len(n)) + n
        else:
            frame = struct.pack('<II', 0, len(data)) + data
    except Exception as e:
        msg = ('%s: %s' % (type(e).__name__, e)).encode('utf-8', 'replace')[:4096]
        frame = struct.pack('<II', 1, len(msg)) + msg
    if sent and sent + len(frame) > budget:
        break
    out.write(frame)
    sent += len(frame)
out.flush()
`

/** The largest error text a frame carries (the script cuts it there). */
const MAX_MESSAGE = 4096

export interface ReadOptions {
  /** Seconds each run may take ([bundle] timeout). */
  timeout?: number
  /** What is read, for messages (default "reading package data"). */
  step?: string
  /** A file over this many bytes is not sent (its entry says why). */
  limit: number
  /** Bytes of files one run sends (default MAX_STDOUT); a file bigger than this goes in a run of its own. */
  batchBytes?: number
}

/** What the interpreter read: the bytes, or why it could not. */
export type ReadResult = { bytes: Uint8Array } | { reason: string }

/** Each file as the interpreter reads it, in as many runs as its output budget needs. */
export async function readThroughInterpreter(interpreter: Interpreter, files: readonly string[], options: ReadOptions): Promise<Map<string, ReadResult>> {
  const got = new Map<string, ReadResult>()
  const step = options.step ?? 'reading package data'
  const budget = Math.max(1, options.batchBytes ?? MAX_STDOUT)
  let rest = files
  while (rest.length > 0) {
    const run = await interpreter.runScript({ source: READER, name: '<pybundle read>' }, [], {
      stdin: JSON.stringify({ files: rest, budget, limit: options.limit }),
      timeout: options.timeout,
      step,
      maxStdout: budget + 8 + Math.max(options.limit, MAX_MESSAGE),
    })
    if (run.exitCode !== 0) throw interpreterFailure(interpreter, step, run.exitCode, run.stderr)
    if (run.stdoutDropped) {
      throw new PyBundleError('INTERPRETER', `${interpreter.id} sent more than pybundle keeps while ${step} (${run.stdoutDropped} bytes over): files would be lost; check that [bundle] python is a CPython 3.${MIN_MINOR} to 3.${MAX_MINOR}`, {
        details: { interpreter: interpreter.id, step, dropped: run.stdoutDropped },
      })
    }
    const buf = run.stdout
    let pos = 0
    let n = 0
    while (n < rest.length && buf.length - pos >= 8) {
      const status = buf.readUInt32LE(pos)
      const len = buf.readUInt32LE(pos + 4)
      if (status > 2 || buf.length - pos - 8 < len) break
      const payload = buf.subarray(pos + 8, pos + 8 + len)
      got.set(rest[n], status === 0 ? { bytes: new Uint8Array(payload) }
        : status === 2 ? { reason: overLimit(Number(payload.toString('latin1')), options.limit) }
        : { reason: `unreadable (${payload.toString('utf8')})` })
      pos += 8 + len
      n++
    }
    if (pos !== buf.length || n === 0) {
      throw new PyBundleError('INTERPRETER', `${interpreter.id} sent output that is not pybundle's reader's while ${step} (${buf.length} bytes, ${n} of ${rest.length} files complete); check that [bundle] python is a CPython 3.${MIN_MINOR} to 3.${MAX_MINOR}`, {
        details: { interpreter: interpreter.id, step },
      })
    }
    rest = rest.slice(n)
  }
  return got
}
