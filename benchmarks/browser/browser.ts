/// <reference lib="dom" />
/**
 * The browser benchmark (issue 16): examples/browser's app in headless Chromium
 * (Debian's, driven by playwright-core), served by examples/browser/server.mjs
 * with brotli, ETag and Cache-Control, four ways:
 *
 *   stock     stock Pyodide (its python_stdlib.zip of .py sources), the app's
 *             modules as a zip of .py sources on sys.path;
 *   pyczip    Pyodide given a .pyc zip of the same compiled stdlib as stdLibURL
 *             (as benchmarks/pyodide makes it), the app's modules as a .pyc zip;
 *   layered   pybundle: the app bundle over the stdlib bundle;
 *   wire      the same pair in its wire form (pybundle wire, SPEC.md §18), as
 *             examples/browser serves it;
 *   single    pybundle: one bundle holding the stdlib and the app;
 *   snapshot  pybundle's wire pair plus the app bundle's memory snapshot
 *             (`[pyodide] snapshot = true`, `stdlib_zip = "empty"`: Python's
 *             state after the app's traced imports), restored instead of booting.
 *
 * Per load: navigation start to Pyodide ready, to the app's imports done
 * (`import webapp.main`: jinja2, markupsafe, markdown, pygments, yaml), and the
 * bytes the server sent (as compressed on the wire). Each round loads every
 * contender (order rotating) in a fresh browser context (empty HTTP cache and
 * no compiled WebAssembly: cold), then again in the same context (warm: HTTP
 * cache and Chromium's cache of compiled WebAssembly). Medians are quoted.
 */
import { createHash } from 'node:crypto'
import { cpSync, existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { zipSync, unzipSync, type Zippable } from 'fflate'
import { chromium } from 'playwright-core'
import { buildBundle } from '@pybundle/bundler'
import { encodeWire, openBundle } from '@pybundle/loader'
import { bundleScripts, defaultMounts, startServer } from '../../examples/browser/server.mjs'
import { median } from '../src/harness.js'

const HERE = dirname(fileURLToPath(import.meta.url))
const ROOT = resolve(HERE, '../..')
const EXAMPLE = join(ROOT, 'examples/browser')
const WORK = join(ROOT, 'benchmarks/.work/browser')
const PYODIDE_DIR = join(ROOT, 'node_modules/pyodide')
const WRITER = join(ROOT, 'packages/bundler/dist/writer')
const CHROMIUM = process.env.PYBUNDLE_CHROMIUM ?? '/usr/bin/chromium'
const DIST_PACKAGES = '/usr/lib/python3/dist-packages'
const LIBS = ['jinja2', 'markupsafe', 'markdown', 'pygments', 'yaml']
const ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--disable-default-apps', '--disable-extensions']

export const MODES = ['stock', 'pyczip', 'layered', 'wire', 'single', 'snapshot'] as const
export type Mode = (typeof MODES)[number]
export const DESCRIPTIONS: Record<Mode, string> = {
  stock: 'stock Pyodide: stdlib zip of .py files; the app as a .py zip (compiled on import)',
  pyczip: 'Pyodide with a .pyc zip (same code objects) as stdLibURL; the app as a .pyc zip',
  layered: 'pybundle: app.pyb over stdlib.pyb (layered)',
  wire: 'pybundle: app.pyb.wire over stdlib.pyb.wire (the wire form, decoded in the page)',
  single: 'pybundle: one bundle (stdlib + app)',
  snapshot: 'pybundle: the wire pair + app.pyb.snapshot (a memory snapshot after the app\'s imports, restored)',
}

export interface Load {
  readyMs: number
  importedMs: number
  /** Body bytes the server sent for this load (compressed), and its requests (304s included). */
  bytes: number
  requests: number
  /** The load's timeline (ms since navigation start; benchmarks/browser/page/bench.js says what each name is). */
  phases?: Record<string, number>
}

export interface BrowserCaseResult {
  skipped: string | null
  runs: number
  contenders: { name: Mode; description: string; cold: Load[]; warm: Load[] }[]
  /** Uncompressed and brotli sizes of what each contender fetches besides Pyodide's own files. */
  files: Record<string, { bytes: number; br: number }>
}

function missing(): string[] {
  return [
    ...(existsSync(CHROMIUM) ? [] : [`${CHROMIUM} (tools/install-chromium.sh)`]),
    ...LIBS.filter((l) => !existsSync(join(DIST_PACKAGES, l))).map((l) => `${DIST_PACKAGES}/${l} (tools/install-debian-pkgs.sh)`),
  ]
}

const SNAPSHOT_TABLE = '\n[pyodide]\nsnapshot = true\nstdlib_zip = "empty"\n'

/** Bundles (built once into benchmarks/.work/browser, from copies of the example's manifests) and the zip contenders. */
async function fixtures(onProgress: (m: string) => void): Promise<string> {
  const dist = join(WORK, 'dist')
  const stamp = join(WORK, 'stamp.json')
  const key = JSON.stringify({
    pyodide: JSON.parse(readFileSync(join(PYODIDE_DIR, 'package.json'), 'utf8')).version,
    example: ['stdlib.toml', 'app.toml', 'single.toml', 'webapp/main.py'].map((f) => readFileSync(join(EXAMPLE, f), 'utf8')),
    snapshot: SNAPSHOT_TABLE,
    // The writer decides the bundles' bytes (BLOB's layout: SPEC.md §14), so what they compress to.
    writer: createHash('sha256').update(readdirSync(WRITER).sort().map((f) => readFileSync(join(WRITER, f), 'utf8')).join('\0')).digest('hex'),
  })
  if (existsSync(stamp) && readFileSync(stamp, 'utf8') === key && existsSync(join(dist, 'app-pyc.zip')) && existsSync(join(dist, 'app.pyb.snapshot'))) return withWire(dist)
  rmSync(WORK, { recursive: true, force: true })
  mkdirSync(WORK, { recursive: true })
  for (const f of ['stdlib.toml', 'app.toml', 'single.toml']) cpSync(join(EXAMPLE, f), join(WORK, f))
  // The app bundle's memory snapshot for the `snapshot` contender, made by the build with the bundle (for a page with stdlibZip: 'empty').
  writeFileSync(join(WORK, 'app.toml'), readFileSync(join(WORK, 'app.toml'), 'utf8') + SNAPSHOT_TABLE)
  cpSync(join(EXAMPLE, 'webapp'), join(WORK, 'webapp'), { recursive: true })
  for (const f of ['stdlib', 'app', 'single']) {
    onProgress(`building ${f}.pyb with python = "pyodide" (once; a minute or two each)...`)
    await buildBundle(join(WORK, `${f}.toml`))
  }
  pycZip(join(dist, 'stdlib.pyb'), join(dist, 'stdlib-pyc.zip'), true)
  pycZip(join(dist, 'app.pyb'), join(dist, 'app-pyc.zip'), false)
  appSourceZip(join(dist, 'app.pyb'), join(dist, 'app-py.zip'))
  writeFileSync(stamp, key)
  return withWire(dist)
}

/** The wire forms of the layered pair (what examples/browser serves), written beside the bundles when absent. */
function withWire(dist: string): string {
  for (const f of ['stdlib.pyb', 'app.pyb']) {
    const out = join(dist, `${f}.wire`)
    if (existsSync(out)) continue
    writeFileSync(`${out}.tmp`, encodeWire(new Uint8Array(readFileSync(join(dist, f)))))
    renameSync(`${out}.tmp`, out)
  }
  return dist
}

/** The bundle's code as .pyc files at their paths (plus, for the stdlib, every other file of Pyodide's stdlib zip), as benchmarks/pyodide does. */
function pycZip(bundlePath: string, out: string, withStdlibFiles: boolean): void {
  const files: Zippable = {}
  const bundle = openBundle(bundlePath)
  const bundled = new Set<string>()
  try {
    for (const m of bundle.modules()) {
      if (m.isNamespace || !m.path.endsWith('.py')) continue
      files[`${m.path}c`] = [bundle.toPyc(m.name), { level: 0 }]
      bundled.add(m.path)
    }
  } finally {
    bundle.close()
  }
  if (withStdlibFiles) {
    for (const [name, data] of Object.entries(unzipSync(new Uint8Array(readFileSync(join(PYODIDE_DIR, 'python_stdlib.zip')))))) {
      if (!name.endsWith('/') && !bundled.has(name)) files[name] = [data, { level: 0 }]
    }
  }
  writeFileSync(`${out}.tmp`, zipSync(files))
  renameSync(`${out}.tmp`, out)
}

/** The app bundle's modules as .py sources at their paths (what stock Pyodide compiles on import). */
function appSourceZip(bundlePath: string, out: string): void {
  const files: Zippable = {}
  const bundle = openBundle(bundlePath)
  try {
    for (const m of bundle.modules()) {
      if (m.isNamespace || !m.path.endsWith('.py')) continue
      const from = [join(WORK, m.path), join(DIST_PACKAGES, m.path)].find((p) => existsSync(p))
      if (from === undefined) throw new Error(`no source for ${m.name} (${m.path})`)
      files[m.path] = [new Uint8Array(readFileSync(from)), { level: 0 }]
    }
  } finally {
    bundle.close()
  }
  writeFileSync(`${out}.tmp`, zipSync(files))
  renameSync(`${out}.tmp`, out)
}

export async function runBrowserCase(options: { runs: number; onProgress?: (m: string) => void; modes?: readonly Mode[] }): Promise<BrowserCaseResult> {
  const modes = options.modes ?? MODES
  const progress = options.onProgress ?? (() => {})
  const absent = missing()
  if (absent.length) return { skipped: `absent: ${absent.join(', ')}`, runs: 0, contenders: [], files: {} }
  const dist = await fixtures(progress)
  // The example's own page (examples/browser/public/index.html) runs bench.js instead of the app when given ?mode=.
  const scripts = await bundleScripts()
  const server = await startServer({ mounts: { '/bench/': join(HERE, 'page'), ...defaultMounts(dist) }, scripts })
  const fetched = ['/dist/stdlib.pyb', '/dist/app.pyb', '/dist/stdlib.pyb.wire', '/dist/app.pyb.wire', '/dist/single.pyb', '/dist/stdlib-pyc.zip', '/dist/app-pyc.zip', '/dist/app-py.zip', '/dist/app.pyb.snapshot',
    '/pyodide/python_stdlib.zip', '/pyodide/pyodide.asm.wasm', '/pyodide/pyodide.asm.mjs', '/pyodide/pyodide-lock.json', '/pyodide/pyodide.mjs']
  progress('compressing what the pages fetch (brotli, gzip), once, before any load is timed...')
  await server.warm([...fetched, ...scripts.keys()])
  const files: BrowserCaseResult['files'] = {}
  for (const p of fetched) {
    const raw = readFileSync(p.startsWith('/dist/') ? join(dist, p.slice(6)) : join(PYODIDE_DIR, p.slice(9)))
    // fetch() decodes the body: the size on the wire is what the server logged.
    const r = await fetch(server.url + p.slice(1), { headers: { 'accept-encoding': 'br' } })
    await r.arrayBuffer()
    files[p] = { bytes: raw.length, br: server.log[server.log.length - 1].bytes }
  }
  progress(`bytes as served (brotli): ${bytesLine(files)}`)
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ARGS })
  const result: BrowserCaseResult = { skipped: null, runs: options.runs, contenders: modes.map((name) => ({ name, description: DESCRIPTIONS[name], cold: [], warm: [] })), files }
  try {
    const load = async (page: import('playwright-core').Page, mode: Mode): Promise<Load> => {
      const from = server.log.length
      await page.goto(`${server.url}?mode=${mode}`)
      await page.waitForFunction(() => (window as unknown as { benchResult?: unknown }).benchResult !== undefined, undefined, { timeout: 300_000 })
      const r = await page.evaluate(() => (window as unknown as { benchResult: { ok: boolean; error?: string; ready: number; imported: number; phases?: Record<string, number> } }).benchResult)
      if (!r.ok) throw new Error(`${mode}: ${r.error}`)
      const served = server.log.slice(from)
      return { readyMs: r.ready, importedMs: r.imported - r.ready, bytes: served.reduce((n, x) => n + x.bytes, 0), requests: served.length, phases: r.phases }
    }
    const outside: string[] = []
    for (let round = 0; round < options.runs; round++) {
      const order = modes.map((_, i) => modes[(i + round) % modes.length])
      for (const mode of order) {
        // No context.route(): Playwright turns the HTTP cache off for routed contexts. Requests elsewhere are counted instead.
        const context = await browser.newContext()
        context.on('request', (r) => { if (!r.url().startsWith(server.url) && !r.url().startsWith('data:')) outside.push(r.url()) })
        try {
          const c = result.contenders.find((x) => x.name === mode)!
          const page = await context.newPage()
          c.cold.push(await load(page, mode))
          await page.close()
          // Chromium stores compiled WebAssembly in its cache after the first load; a second page in the same context is the returning visitor.
          const again = await context.newPage()
          c.warm.push(await load(again, mode))
        } finally {
          await context.close()
        }
      }
      progress(`round ${round + 1}/${options.runs} done`)
    }
    if (outside.length) throw new Error(`requests left the server: ${[...new Set(outside)].slice(0, 5).join(', ')}`)
  } finally {
    await browser.close()
    await server.close()
  }
  return result
}

/** The layered pair as .pyb, as .wire and as .pyc zips, in MB as the server sent them. */
export function bytesLine(files: BrowserCaseResult['files']): string {
  const mb = (...ps: string[]): string => (ps.reduce((n, p) => n + (files[p]?.br ?? NaN), 0) / 1e6).toFixed(3)
  return `stdlib.pyb ${mb('/dist/stdlib.pyb')}, stdlib.pyb.wire ${mb('/dist/stdlib.pyb.wire')}, stdlib-pyc.zip ${mb('/dist/stdlib-pyc.zip')}; `
    + `app.pyb ${mb('/dist/app.pyb')}, app.pyb.wire ${mb('/dist/app.pyb.wire')}, app-pyc.zip ${mb('/dist/app-pyc.zip')}; `
    + `both: .pyb ${mb('/dist/stdlib.pyb', '/dist/app.pyb')}, .wire ${mb('/dist/stdlib.pyb.wire', '/dist/app.pyb.wire')}, .pyc zips ${mb('/dist/stdlib-pyc.zip', '/dist/app-pyc.zip')} MB`
}

/** Each phase's median over the loads (ms since navigation start), in time order, one line per contender and cache state. */
export function phaseLines(r: BrowserCaseResult): string[] {
  const out: string[] = []
  for (const c of r.contenders) {
    for (const k of ['cold', 'warm'] as const) {
      const names = [...new Set(c[k].flatMap((l) => Object.keys(l.phases ?? {})))]
      const at = names.map((n) => [n, median(c[k].flatMap((l) => l.phases?.[n] ?? []))] as const).sort((a, b) => a[1] - b[1])
      out.push(`${c.name} ${k}:`, ...at.map(([n, ms]) => `  ${ms.toFixed(0).padStart(6)} ms  ${n}`))
    }
  }
  return out
}

/**
 * `node --import tsx benchmarks/browser/browser.ts [runs] [--phases] [--modes wire,pyczip]`: this case alone, as JSON;
 * --phases prints each contender's median timeline first, --modes loads only those contenders.
 */
if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2)
  const runs = Number(args.find((a) => /^\d+$/.test(a)) ?? 3)
  const modesArg = args.includes('--modes') ? args[args.indexOf('--modes') + 1] : undefined
  const modes = modesArg?.split(',').map((m) => {
    if (!(MODES as readonly string[]).includes(m)) throw new Error(`unknown mode ${m} (${MODES.join(', ')})`)
    return m as Mode
  })
  const r = await runBrowserCase({ runs, modes, onProgress: (m) => process.stderr.write(`[browser] ${m}\n`) })
  const med = median
  if (args.includes('--phases')) process.stdout.write(phaseLines(r).join('\n') + '\n')
  for (const c of r.contenders) {
    for (const k of ['cold', 'warm'] as const) {
      const xs = c[k]
      process.stdout.write(`${c.name.padEnd(8)} ${k}: ready ${med(xs.map((x) => x.readyMs)).toFixed(0)} ms, imports ${med(xs.map((x) => x.importedMs)).toFixed(0)} ms, ${(med(xs.map((x) => x.bytes)) / 1e6).toFixed(2)} MB in ${med(xs.map((x) => x.requests))} requests\n`)
    }
  }
  if (r.skipped === null) process.stdout.write(`bytes as served (brotli): ${bytesLine(r.files)}\n`)
  process.stdout.write(JSON.stringify(r, null, 1) + '\n')
}
