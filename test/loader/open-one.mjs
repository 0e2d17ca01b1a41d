// For no-mmap.test.ts: openBundle(argv[2]) twice; prints what was thrown each time, or the module count.
import { openBundle } from '@pybundle/loader'

const out = []
for (let i = 0; i < 2; i++) {
  try {
    out.push({ modules: openBundle(process.argv[2]).moduleCount })
  } catch (e) {
    out.push({ name: e.name, code: e.code, file: e.file, message: e.message })
  }
}
console.log(JSON.stringify(out))
