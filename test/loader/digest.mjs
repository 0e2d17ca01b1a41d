// What a thread reads from a bundle, boiled down to compare threads: every
// module's name, its bytecode and its toPyc output, hashed.
import { createHash } from 'node:crypto'

export function digest(bundle) {
  const h = createHash('sha256')
  const names = [...bundle.moduleNames()]
  for (const name of names) {
    h.update(name).update('\0')
    const code = bundle.getModule(name)?.code
    if (code) h.update(code.bytecode)
    h.update(bundle.toPyc(name))
  }
  return { modules: names.length, sha256: h.digest('hex') }
}
