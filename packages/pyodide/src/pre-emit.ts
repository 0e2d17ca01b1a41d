/**
 * The browser's prefetch (prefetch.ts is Node's): marshal bytes made ahead by
 * the worker that fetched and decoded a bundle (wire-worker.ts), on the second
 * core, while the page's main thread sets Pyodide up. The worker posts them in
 * batches after the bundle itself; each batch lands in a pool when the main
 * thread's event loop turns, i.e. up to fsInit, where Pyodide waits for the
 * bundle (after that Python imports synchronously and no message is taken in).
 * A page has no receiveMessageOnPort, so nothing later could reach Python.
 *
 * Nothing ever waits for a batch: a module not in a pool (yet) is emitted here
 * as before. Each made module is taken once and dropped. Nothing here uses a
 * Node built-in.
 */
import type { ModuleSource } from './module-source.js'
import { takingFirst } from './module-source.js'

/** Marshal bytes made by one bundle's worker, and whether the layered source serves `name` from that bundle. */
export interface EmitPool {
  readonly made: Map<string, Uint8Array>
  serves(name: string): boolean
}

export interface PreEmitStats {
  /** Modules taken from a pool, and asked for but not (yet) there. */
  taken: number
  missed: number
}

/** `source`, serving modules from the pools first; `onFirstRead` is called when the first module is asked for (to stop the workers). */
export function withPools(source: ModuleSource, pools: readonly EmitPool[], stats: PreEmitStats = { taken: 0, missed: 0 }, onFirstRead?: () => void): ModuleSource {
  let first = onFirstRead
  const take = (name: string): Uint8Array | undefined => {
    if (first !== undefined) {
      // Python has started importing: the page's event loop will not turn again before the imports that matter here.
      const f = first
      first = undefined
      f()
    }
    for (const p of pools) {
      const b = p.made.get(name)
      if (b === undefined) continue
      p.made.delete(name)
      if (!p.serves(name)) continue // e.g. a base's copy of a module the app bundle holds too
      stats.taken++
      return b
    }
    stats.missed++
    return undefined
  }
  return takingFirst(source, take)
}
