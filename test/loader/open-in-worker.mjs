// Worker body for workers.test.ts: opens each bundle path it is given with
// openBundle (the mmap path, not openBundleFromBuffer) and posts back what the
// main thread computes too (digest.mjs), or the error it met.
import { parentPort, workerData } from 'node:worker_threads'
import { openBundle } from '@pybundle/loader'
import { digest } from './digest.mjs'

try {
  const results = []
  for (const path of workerData.paths) {
    const bundle = openBundle(path)
    try {
      results.push(digest(bundle))
    } finally {
      bundle.close()
    }
  }
  parentPort.postMessage({ ok: true, results })
  // hold: keep mappings open and stay alive until the main thread terminates this worker.
  if (workerData.hold) {
    globalThis.held = workerData.paths.map((p) => openBundle(p))
    setInterval(() => {}, 1 << 30)
  }
} catch (e) {
  parentPort.postMessage({ ok: false, name: e?.name, code: e?.code, message: String(e?.message ?? e) })
}
