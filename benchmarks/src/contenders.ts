/**
 * The contenders, shared by the open, working-set and scale cases. Each is one
 * operation a host performs; every operation starts cold as far as pybundle's
 * own caches go (a fresh openBundle), since a process starts once.
 */
import { readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { unzipSync } from 'fflate'
import yauzl from 'yauzl'
import { readPyc, type PyCode } from '@pybundle/cpython'
import { openBundle, type CodeView } from '@pybundle/loader'
import type { Contender } from './harness.js'

/** Touch a code object's top level through the lazy views: bytecode, every name, every constant (shallow: nested code stays a view). */
export function touchView(cv: CodeView): number {
  let n = cv.bytecode.length
  const names = cv.names
  for (let i = 0; i < names.length; i++) n += names.get(i).text.length
  const consts = cv.consts
  for (let i = 0; i < consts.length; i++) if (consts.get(i) !== undefined) n++
  return n
}

/** The same touch over a materialized code object (what the marshal readers return). */
export function touchCode(code: PyCode): number {
  let n = code.code.length
  for (const s of code.names) n += s.text.length
  for (const c of code.consts) if (c !== undefined) n++
  return n
}

export function pybundleOpen(name: string, bundle: string, module: string): Contender {
  return {
    name,
    note: `openBundle + getModule("${module}") + close`,
    run() {
      const b = openBundle(bundle)
      const m = b.getModule(module)
      if (m === undefined) throw new Error(`${module} not in ${bundle}`)
      const f = m.flags
      b.close()
      return f
    },
  }
}

/** yauzl: opens the file, reads only the end-of-central-directory record and the central directory, entry by entry. */
export function yauzlOpen(name: string, zip: string, entry: string): Contender {
  return {
    name,
    async: true,
    note: `yauzl.open + read every central-directory entry into a Map + get("${entry}") + close`,
    run() {
      return new Promise<number>((resolve, reject) => {
        yauzl.open(zip, { lazyEntries: true, autoClose: false }, (err, zf) => {
          if (err || !zf) return reject(err ?? new Error('no zipfile'))
          const dir = new Map<string, yauzl.Entry>()
          zf.on('entry', (e: yauzl.Entry) => {
            dir.set(e.fileName, e)
            zf.readEntry()
          })
          zf.on('end', () => {
            const e = dir.get(entry)
            zf.close()
            if (!e) reject(new Error(`${entry} not in ${zip}`))
            else resolve(e.uncompressedSize)
          })
          zf.on('error', reject)
          zf.readEntry()
        })
      })
    },
  }
}

/** fflate works on bytes in memory: the whole zip is read, then its directory parsed. */
export function fflateOpen(name: string, zip: string, entry: string): Contender {
  return {
    name,
    note: `readFileSync(zip) + fflate.unzipSync directory walk (nothing inflated) + find "${entry}"`,
    run() {
      const buf = readFileSync(zip)
      let size = -1
      unzipSync(buf, {
        filter(f) {
          if (f.name === entry) size = f.originalSize
          return false
        },
      })
      if (size < 0) throw new Error(`${entry} not in ${zip}`)
      return size
    },
  }
}

export function folderOpen(name: string, tree: string, rel: string): Contender {
  const path = join(tree, rel)
  return {
    name,
    note: `statSync + readFileSync of ${rel}`,
    run() {
      const st = statSync(path)
      const b = readFileSync(path)
      return st.size + b.length
    },
  }
}

export function pybundleWorkingSet(name: string, bundle: string, modules: readonly string[]): Contender {
  return {
    name,
    note: `openBundle + for ${modules.length} modules: getModule, code view, bytecode, every name, every constant (shallow) + close`,
    run() {
      const b = openBundle(bundle)
      let n = 0
      for (const mod of modules) {
        const cv = b.getModule(mod)!.code
        if (cv) n += touchView(cv)
      }
      b.close()
      return n
    },
  }
}

export function pycWorkingSet(name: string, files: readonly string[]): Contender {
  return {
    name,
    note: `for ${files.length} .pyc files: statSync + readFileSync + readPyc (the project's marshal reader) + the same touch`,
    run() {
      let n = 0
      for (const f of files) {
        statSync(f)
        n += touchCode(readPyc(readFileSync(f)).code)
      }
      return n
    },
  }
}

export function zipWorkingSet(name: string, zip: string, rels: readonly string[]): Contender {
  const want = new Set(rels)
  return {
    name,
    note: `readFileSync(zip) + fflate.unzipSync of the ${rels.length} entries (stored) + readPyc each + the same touch`,
    run() {
      const files = unzipSync(readFileSync(zip), { filter: (f) => want.has(f.name) })
      let n = 0
      for (const r of rels) n += touchCode(readPyc(files[r]).code)
      return n
    },
  }
}
