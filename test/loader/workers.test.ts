/**
 * openBundle in worker threads (issue 11, item 8): @pybundle/mmap-io is a
 * context-aware addon, so every thread maps bundles itself. Several workers open
 * the same and different bundles at once; each must read exactly what the main
 * thread reads. (Unpatched mmap-io threw a raw ERR_DLOPEN_FAILED, "Module did not
 * self-register", in every worker.)
 */
import { Worker } from 'node:worker_threads'
import { describe, expect, it } from 'vitest'
import { writeBundle } from '@pybundle/bundler'
import { openBundle } from '@pybundle/loader'
import { code, module, PY311, s, tempFile } from './fixtures.js'
import { digest } from './digest.mjs'

type Reply = { ok: true; results: { modules: number; sha256: string }[] } | { ok: false; name: string; code?: string; message: string }

function bundleOf(tag: string, count: number): Promise<Uint8Array> {
  const modules = Array.from({ length: count }, (_, i) =>
    module(`${tag}.m${i}`, code('3.11', { name: `${tag}_${i}`, names: [s(`${tag}_name_${i}`)], consts: [s(`${tag} constant ${i}`, false)] })))
  return writeBundle({ python: PY311, optimize: 0, modules })
}

function runWorker(paths: string[]): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL('./open-in-worker.mjs', import.meta.url), { workerData: { paths } })
    let reply: Reply | undefined
    worker.once('message', (m: Reply) => { reply = m })
    worker.once('error', reject)
    worker.once('exit', (status) => {
      if (reply === undefined) reject(new Error(`worker exited with status ${status} without replying`))
      else resolve(reply)
    })
  })
}

describe('openBundle in worker threads', () => {
  it('several workers open the same and different bundles at once, reading what the main thread reads', async () => {
    const paths = [
      tempFile('workers-a.pyb', await bundleOf('a', 3)),
      tempFile('workers-b.pyb', await bundleOf('b', 5)),
      tempFile('workers-c.pyb', await bundleOf('c', 8)),
    ]
    // The main thread maps them first (and keeps them open while the workers run).
    const open = paths.map((p) => openBundle(p))
    const expected = open.map((b) => digest(b))
    expect(new Set(expected.map((d) => d.sha256)).size).toBe(3)

    // Six workers: three on the same bundle, three on all of them in different orders.
    const plans = [[0], [0], [0], paths.map((_, i) => i), [2, 1, 0], [1, 2]]
    const replies = await Promise.all(plans.map((plan) => runWorker(plan.map((i) => paths[i]))))
    for (const [w, reply] of replies.entries()) {
      expect(reply, `worker ${w}`).toEqual({ ok: true, results: plans[w].map((i) => expected[i]) })
    }
    for (const b of open) b.close()
  })

  it('terminating workers that hold mappings leaves the main thread\'s mapping of the same files intact', async () => {
    const paths = [tempFile('workers-d.pyb', await bundleOf('d', 4)), tempFile('workers-e.pyb', await bundleOf('e', 6))]
    const open = paths.map((p) => openBundle(p))
    const expected = open.map((b) => digest(b))
    for (let round = 0; round < 3; round++) {
      const workers = Array.from({ length: 4 }, (_, i) =>
        new Worker(new URL('./open-in-worker.mjs', import.meta.url), { workerData: { paths: i % 2 ? paths : [paths[0]], hold: true } }))
      const replies = await Promise.all(workers.map((w) => new Promise<Reply>((resolve, reject) => {
        w.once('message', resolve)
        w.once('error', reject)
      })))
      for (const [i, r] of replies.entries()) expect(r).toEqual({ ok: true, results: i % 2 ? expected : [expected[0]] })
      await Promise.all(workers.map((w) => w.terminate()))
    }
    expect(open.map((b) => digest(b))).toEqual(expected)
    // A fresh open in this thread (each thread has its own mapping cache) reads the same.
    expect(paths.map((p) => digest(openBundle(p)))).toEqual(expected)
    for (const b of open) b.close()
  })
})
