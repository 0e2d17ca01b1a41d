/**
 * Worker thread of prefetch.ts: opens the same bundle and emits the marshal bytes
 * of the listed modules, in order, posting each (transferred, not copied) to the
 * port it was given. The main thread takes them synchronously while Python runs.
 */
import { parentPort, workerData } from 'node:worker_threads'
import type { MessagePort } from 'node:worker_threads'
import { readFileSync } from 'node:fs'
import { openBundleFromBuffer } from '@pybundle/loader'

interface Data {
  bundle: string | Uint8Array
  names: string[]
  /** Then every other module of the bundle, in the bundle's order. */
  all: boolean
  port: MessagePort
}

const { bundle: input, names, all, port } = workerData as Data
// Read, not mapped, so prefetch works whether or not the native addon
// @pybundle/mmap-io could be built (it would load here: it is context-aware).
const bundle = openBundleFromBuffer(typeof input === 'string' ? new Uint8Array(readFileSync(input)) : input)
try {
  const order = [...names]
  if (all) {
    const listed = new Set(names)
    for (const n of bundle.moduleNames()) if (!listed.has(n)) order.push(n)
  }
  for (const name of order) {
    const code = bundle.getModule(name)?.code
    if (code == null) continue
    let bytes = code.toMarshal()
    if (bytes.byteOffset !== 0 || bytes.byteLength !== bytes.buffer.byteLength) bytes = bytes.slice()
    port.postMessage({ name, bytes }, [bytes.buffer as ArrayBuffer])
  }
} finally {
  bundle.close()
  port.close()
  parentPort?.close()
}
