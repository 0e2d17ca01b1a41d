// A cache key: a hash of the paths and bytes of every file under the given files
// and folders (sorted; source maps and .tsbuildinfo left out), for the Pyodide
// benchmarks (benchmarks/pyodide) and tests (test/pyodide/helpers.ts) alike.
// Plain JavaScript with a .d.mts beside it so that both TypeScript projects can
// import it, each keeping its own rootDir.
import { createHash } from 'node:crypto'
import { readFileSync, readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'

/**
 * @param {readonly string[]} paths files or folders
 * @param {{ skipDirs?: readonly string[], chars?: number }} [options] folder names not walked
 *   (e.g. __pycache__, which Python writes while a run is under way); how many hex digits to keep (default all 64)
 */
export function treeHash(paths, { skipDirs = [], chars = 64 } = {}) {
  const h = createHash('sha256')
  const walk = (p) => {
    if (statSync(p).isDirectory()) {
      for (const e of readdirSync(p).sort()) if (!skipDirs.includes(e)) walk(join(p, e))
    } else if (!p.endsWith('.map') && !p.endsWith('.tsbuildinfo')) {
      h.update(p).update(readFileSync(p))
    }
  }
  for (const p of paths) walk(p)
  return h.digest('hex').slice(0, chars)
}
