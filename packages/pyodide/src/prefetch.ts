/**
 * Prefetching marshal bytes on a second core.
 *
 * Emitting a code object's marshal bytes (the loader's toMarshal) is the largest
 * cost of a bundled import on our side, and in a fresh process it runs cold. A
 * worker thread emits the modules Python is about to import (Pyodide's startup
 * set, then optionally the whole bundle) while the main thread runs Python;
 * the bundle filesystem takes a module from the worker when it is there and
 * emits it itself when it is not, so nothing ever waits on the worker.
 *
 * The messages are taken with receiveMessageOnPort: Python runs synchronously,
 * so the main thread's event loop does not turn while it imports.
 */
import { MessageChannel, receiveMessageOnPort, Worker } from 'node:worker_threads'
import type { MessagePort } from 'node:worker_threads'

export class Prefetcher {
  private readonly ready = new Map<string, Uint8Array>()
  private readonly port: MessagePort
  private readonly worker: Worker
  private open = true
  hits = 0
  misses = 0

  constructor(bundle: string | Uint8Array, names: readonly string[], all: boolean) {
    const { port1, port2 } = new MessageChannel()
    this.port = port1
    this.worker = new Worker(new URL('./prefetch-worker.js', import.meta.url), {
      workerData: { bundle, names: [...names], all, port: port2 },
      transferList: [port2],
    })
    // Neither may keep the process alive, and a failed prefetch only means emitting here.
    this.worker.unref()
    this.port.unref()
    this.worker.on('error', () => this.close())
  }

  /** The module's marshal bytes if the worker has made them (each is handed out once). */
  take(name: string): Uint8Array | undefined {
    if (this.open) {
      for (;;) {
        const m = receiveMessageOnPort(this.port)
        if (m === undefined) break
        const { name, bytes } = m.message as { name: string; bytes: Uint8Array }
        this.ready.set(name, bytes)
      }
    }
    const bytes = this.ready.get(name)
    if (bytes === undefined) {
      this.misses++
      return undefined
    }
    this.ready.delete(name)
    this.hits++
    return bytes
  }

  /** Stop the worker and drop what it made. */
  close(): void {
    if (!this.open) return
    this.open = false
    this.ready.clear()
    this.port.close()
    void this.worker.terminate()
  }
}
