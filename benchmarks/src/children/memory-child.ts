/**
 * A child process for case 5 (memory). Run by cases/memory.ts with
 * `node --expose-gc --import tsx`:
 *   argv: <bundle> <mode: rss | hold> <module names, comma-separated>
 * rss:  prints RSS (from /proc/self/status) and the mapping's smaps entry
 *       before open, after open + getModule("os"), after touching the modules.
 * hold: opens, touches the modules, prints "ready", then waits for stdin to
 *       close (the parent reads /proc/<pid>/smaps meanwhile).
 */
import { readFileSync } from 'node:fs'
import { openBundle } from '@pybundle/loader'
import { touchView } from '../contenders.js'
import { mappingOf } from '../smaps.js'

const [bundle, mode, list] = process.argv.slice(2)
const names = (list ?? '').split(',').filter(Boolean)

interface Rss {
  total: number
  anon: number
  file: number
}
function rss(): Rss {
  const s = readFileSync('/proc/self/status', 'utf8')
  const kb = (k: string): number => {
    const m = new RegExp(`${k}:\\s+(\\d+) kB`).exec(s)
    return m ? Number(m[1]) * 1024 : NaN
  }
  return { total: kb('VmRSS'), anon: kb('RssAnon'), file: kb('RssFile') }
}
const gc = (globalThis as { gc?: () => void }).gc ?? (() => {})

function touchAll(b: ReturnType<typeof openBundle>): number {
  let n = 0
  for (const name of names) {
    const cv = b.getModule(name)?.code
    if (cv) n += touchView(cv)
  }
  return n
}

if (mode === 'rss') {
  // Warm the loader's own code on another bundle-free path first: import cost is not the bundle's.
  gc()
  gc()
  const before = rss()
  const b = openBundle(bundle)
  const m = b.getModule('os')
  const afterOpen = rss()
  const mapOpen = mappingOf(readFileSync('/proc/self/smaps', 'utf8'), bundle)
  const n = touchAll(b)
  const afterTouch = rss()
  const mapTouch = mappingOf(readFileSync('/proc/self/smaps', 'utf8'), bundle)
  process.stdout.write(JSON.stringify({ before, afterOpen, afterTouch, mapOpen, mapTouch, touched: n, found: m !== undefined, bytesTouched: b.bytesTouched }))
  b.close()
} else {
  const b = openBundle(bundle)
  touchAll(b)
  process.stdout.write('ready\n')
  process.stdin.resume()
  process.stdin.on('end', () => {
    b.close()
    process.exit(0)
  })
}
