/**
 * Reading files the host cannot see but the target interpreter can: with
 * python = "pyodide" the standard library lives in Pyodide's in-memory
 * filesystem (/lib/python3.14/...), so a module's source is read where it was
 * compiled, by the interpreter itself. One script run for all the files.
 */
import type { Interpreter } from '../interpreter/index.js'

// stdin: JSON [path, ...]; stdout per path, in order: u32 status (0 ok, 1 error), u32 length, payload
// (the bytes, or the UTF-8 error text).
const READER = String.raw`
import sys, json, struct
out = sys.stdout.buffer
for p in json.loads(sys.stdin.read()):
    try:
        with open(p, 'rb') as f:
            data = f.read()
        out.write(struct.pack('<II', 0, len(data)) + data)
    except Exception as e:
        msg = ('%s: %s' % (type(e).__name__, e)).encode('utf-8', 'replace')
        out.write(struct.pack('<II', 1, len(msg)) + msg)
out.flush()
`

export interface ReadOptions {
  /** Seconds each run may take ([bundle] timeout). */
  timeout?: number
  /** What is read, for messages (default "reading package data"). */
  step?: string
}

/** The bytes of each file as the interpreter reads them (a missing or unreadable file is left out). */
export async function readThroughInterpreter(interpreter: Interpreter, files: readonly string[], options: ReadOptions = {}): Promise<Map<string, Uint8Array>> {
  const got = new Map<string, Uint8Array>()
  if (files.length === 0) return got
  const run = await interpreter.runScript({ source: READER, name: '<pybundle read>' }, [], {
    stdin: JSON.stringify(files), timeout: options.timeout, step: options.step ?? 'reading package data',
  })
  if (run.exitCode !== 0) return got
  const buf = run.stdout
  let pos = 0
  for (const f of files) {
    if (buf.length - pos < 8) break
    const status = buf.readUInt32LE(pos)
    const len = buf.readUInt32LE(pos + 4)
    if (buf.length - pos - 8 < len) break
    if (status === 0) got.set(f, new Uint8Array(buf.subarray(pos + 8, pos + 8 + len)))
    pos += 8 + len
  }
  return got
}
