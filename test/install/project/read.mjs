// Reads a module from the bundle with @pybundle/loader (openBundle: the file mapped
// by the @pybundle/mmap-io addon), in this thread and in two worker threads, and
// writes greet.__main__ as a .pyc for CPython to run. Without the addon it prints
// the PyBundleError, then reads the bundle with openBundleFromBuffer as the error
// suggests.
import { createHash } from 'node:crypto'
import { readFileSync, writeFileSync } from 'node:fs'
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads'
import { openBundle, openBundleFromBuffer } from '@pybundle/loader'

function read(bundle) {
  const names = [...bundle.moduleNames()]
  const code = bundle.getModule('greet')?.code
  return {
    names,
    bytecode: code ? code.bytecode.length : -1,
    pyc: createHash('sha256').update(bundle.toPyc('greet.__main__')).digest('hex'),
  }
}

if (!isMainThread) {
  const bundle = openBundle(workerData)
  parentPort.postMessage(read(bundle))
  bundle.close()
} else {
  const file = process.argv[2]
  let result
  try {
    const bundle = openBundle(file)
    result = { mapped: read(bundle) }
    writeFileSync('greet_main.pyc', bundle.toPyc('greet.__main__'))
    bundle.close()
    result.workers = await Promise.all([0, 1].map(() => new Promise((resolve, reject) => {
      const w = new Worker(new URL(import.meta.url), { workerData: file })
      w.once('message', resolve)
      w.once('error', reject)
    })))
  } catch (e) {
    result = { error: { name: e.name, code: e.code, message: e.message } }
    result.fromBuffer = read(openBundleFromBuffer(readFileSync(file)))
  }
  console.log(JSON.stringify(result))
}
