/// <reference lib="dom" />
/**
 * Pyodide in a real web page (issue 16): examples/browser's page, served by its
 * own static server, in Debian's Chromium driven by playwright-core. The page
 * imports @pybundle/pyodide's browser entry, fetches a layered app bundle and
 * the stdlib bundle it was built on, and runs an app on Debian's third-party
 * packages (jinja2, markupsafe, markdown, pygments, yaml), whose output must be
 * exactly CPython's (Debian's python3 running the same app from its sources).
 * No request may leave the test server, none may fail, the console stays
 * clean; a damaged or mismatched bundle ends in a readable error on the page.
 *
 * The bundles are built by the real pipeline (python = "pyodide", ~1 min on a
 * busy machine) and cached under os.tmpdir()/pybundle-test-cache, keyed by what
 * makes them. Skips with the reason printed when /usr/bin/chromium
 * (tools/install-chromium.sh) or the Debian packages (tools/install-debian-pkgs.sh)
 * are absent.
 */
import { execFileSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { chromium, type Browser, type Page } from 'playwright-core'
import { buildBundle } from '@pybundle/bundler'
import { encodeWire } from '@pybundle/loader'
import { makeBundleSnapshot } from '@pybundle/pyodide'
import { CHROMIUM, CHROMIUM_ARGS, haveChromium } from '../report/chromium.js'
import { cachePath } from '../helpers/cache.js'
import { startServer, defaultMounts, unbundledScripts, type Server } from '../../examples/browser/server.mjs'

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')
const EXAMPLE = path.join(ROOT, 'examples/browser')
const DIST_PACKAGES = '/usr/lib/python3/dist-packages'
const DEBIAN_PYTHON = '/usr/bin/python3'
const LIBS = ['jinja2', 'markupsafe', 'markdown', 'pygments', 'yaml']

const missing = [
  ...(haveChromium() ? [] : [`${CHROMIUM} (tools/install-chromium.sh)`]),
  ...(fs.existsSync(DEBIAN_PYTHON) ? [] : [DEBIAN_PYTHON]),
  ...LIBS.filter((l) => !fs.existsSync(path.join(DIST_PACKAGES, l))).map((l) => `${DIST_PACKAGES}/${l} (tools/install-debian-pkgs.sh)`),
]
if (missing.length) console.warn(`SKIP test/pyodide/browser.test.ts: absent: ${missing.join(', ')}`)

declare global {
  interface Window {
    pybundleResult?: { ok: boolean; output: string; error?: string; code?: string | null; marks: Record<string, number>; restored: boolean; warnings: string[] }
  }
}

/** Hash of the files that make the bundles: the bundler, the example's manifests and app, Pyodide's version, the libraries. */
function inputsKey(): string {
  const h = createHash('sha256')
  const walk = (d: string): void => {
    for (const e of fs.readdirSync(d, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const p = path.join(d, e.name)
      if (e.isDirectory()) { if (e.name !== 'dist' && e.name !== '__pycache__') walk(p) } else if (!/\.(map|tsbuildinfo)$/.test(p)) h.update(p).update(fs.readFileSync(p))
    }
  }
  for (const d of ['packages/bundler/dist', 'packages/bundler/src/python', 'packages/format-spec/dist', 'examples/browser/webapp']) walk(path.join(ROOT, d))
  for (const f of ['stdlib.toml', 'app.toml']) h.update(f).update(fs.readFileSync(path.join(EXAMPLE, f)))
  h.update(fs.readFileSync(path.join(ROOT, 'node_modules/pyodide/package.json')))
  for (const l of LIBS) h.update(l).update(String(fs.statSync(path.join(DIST_PACKAGES, l)).mtimeMs))
  return h.digest('hex')
}

/** stdlib.pyb and app.pyb (layered on it), built once per inputs into the shared test cache. */
async function exampleBundles(): Promise<string> {
  const dir = cachePath('browser-example', [inputsKey()], 'd')
  if (fs.existsSync(path.join(dir, 'app.pyb'))) return dir
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'pybundle-browser-'))
  try {
    // The manifests, copied next to the example's sources, write into work/dist.
    for (const f of ['stdlib.toml', 'app.toml']) fs.copyFileSync(path.join(EXAMPLE, f), path.join(work, f))
    fs.cpSync(path.join(EXAMPLE, 'webapp'), path.join(work, 'webapp'), { recursive: true })
    await buildBundle(path.join(work, 'stdlib.toml'))
    await buildBundle(path.join(work, 'app.toml'))
    fs.mkdirSync(path.dirname(dir), { recursive: true })
    fs.renameSync(path.join(work, 'dist'), `${dir}.${process.pid}`)
    fs.renameSync(`${dir}.${process.pid}`, dir)
  } finally {
    fs.rmSync(work, { recursive: true, force: true })
  }
  return dir
}

describe.skipIf(missing.length > 0)('Pyodide in Chromium, imports from bundles fetched over HTTP', () => {
  let dist: string
  let server: Server
  let browser: Browser
  let expected: string

  beforeAll(async () => {
    const built = await exampleBundles()
    // A folder of our own: the cached bundles plus the damaged ones the tests make.
    dist = fs.mkdtempSync(path.join(os.tmpdir(), 'pybundle-browser-dist-'))
    for (const f of ['stdlib.pyb', 'app.pyb']) {
      fs.copyFileSync(path.join(built, f), path.join(dist, f))
      // What the example serves (README, Deploying): the wire form, SPEC.md §18.
      fs.writeFileSync(path.join(dist, `${f}.wire`), encodeWire(new Uint8Array(fs.readFileSync(path.join(built, f)))))
    }
    const app = fs.readFileSync(path.join(dist, 'app.pyb'))
    fs.writeFileSync(path.join(dist, 'app-cut.pyb'), app.subarray(0, app.length - 1000))
    // The app bundle's memory snapshot, as `[pyodide] snapshot` with `stdlib_zip = "empty"` makes it (the layered pair: the base is found beside the app).
    await makeBundleSnapshot(path.join(dist, 'app.pyb'), { imports: ['webapp.main'], stdlibZip: 'empty' })
    expected = execFileSync(DEBIAN_PYTHON, ['-m', 'webapp'], { cwd: EXAMPLE, encoding: 'utf8', env: { ...process.env, PYTHONPATH: '', PYTHONDONTWRITEBYTECODE: '1' } }).trimEnd()
    server = await startServer({ mounts: defaultMounts(dist) })
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS })
  })
  afterAll(async () => {
    await browser?.close()
    await server?.close()
    if (dist) fs.rmSync(dist, { recursive: true, force: true })
  })

  /** `dist/<from>` with one bit flipped `back` bytes before its end, as `dist/<to>`. */
  function damagedCopy(from: string, to: string, back: number, mask: number): void {
    const bytes = fs.readFileSync(path.join(dist, from))
    bytes[bytes.length - back] ^= mask
    fs.writeFileSync(path.join(dist, to), bytes)
  }

  /** Open the page (served by `on`, default the test server); every request not for that server is aborted and recorded. */
  async function visit(query: string, on: Server = server): Promise<{ page: Page; result: NonNullable<Window['pybundleResult']>; outside: string[]; failed: string[]; consoleErrors: string[]; status: string }> {
    const context = await browser.newContext()
    const outside: string[] = []
    const failed: string[] = []
    const consoleErrors: string[] = []
    await context.route('**/*', (route) => {
      const url = route.request().url()
      if (url.startsWith(on.url) || url.startsWith('data:')) return route.continue()
      outside.push(url)
      return route.abort()
    })
    const page = await context.newPage()
    page.on('console', (m) => { if (m.type() === 'error') consoleErrors.push(m.text()) })
    page.on('pageerror', (e) => consoleErrors.push(String(e)))
    page.on('requestfailed', (r) => failed.push(`${r.url()}: ${r.failure()?.errorText}`))
    page.on('response', (r) => { if (r.status() >= 400) failed.push(`${r.url()}: HTTP ${r.status()}`) })
    await page.goto(`${on.url}?${query}`)
    // The page always ends with a result, an error included: a hang fails here.
    await page.waitForFunction(() => window.pybundleResult !== undefined, undefined, { timeout: 300_000 })
    const result = (await page.evaluate(() => window.pybundleResult))!
    const status = await page.locator('#status').innerText()
    return { page, result, outside, failed, consoleErrors, status }
  }

  it('runs the app from a layered app bundle over the stdlib bundle, both in their wire form: CPython\'s output, no request elsewhere, no failure, a clean console', async () => {
    const v = await visit('app=app.pyb.wire&base=stdlib.pyb.wire')
    try {
      expect(v.result.error).toBeUndefined()
      expect(v.result.ok).toBe(true)
      expect(v.result.output).toBe(expected)
      expect(v.outside).toEqual([])
      expect(v.failed).toEqual([])
      expect(v.consoleErrors).toEqual([])
      expect(v.status).toMatch(/^done: ready in \d+ ms/)
      // Both bundles came over HTTP, compressed.
      const served = server.log.filter((r) => r.path?.startsWith('/dist/'))
      expect(served.map((r) => [r.path, r.status, r.encoding])).toEqual(expect.arrayContaining([['/dist/app.pyb.wire', 200, 'br'], ['/dist/stdlib.pyb.wire', 200, 'br']]))
      expect(served.filter((r) => r.path?.endsWith('.pyb'))).toEqual([])
      expect(server.log.find((r) => r.path === '/pyodide/pyodide.asm.wasm')?.status).toBe(200)
      // The bundles hold the whole stdlib: the page gives Pyodide an empty zip instead of fetching its own.
      expect(server.log.filter((r) => r.path?.includes('python_stdlib.zip'))).toEqual([])
      // pybundle's JavaScript came bundled (server.mjs bundleScripts), not as its dist/ modules, and a worker fetched and decoded the bundles.
      expect(server.log.filter((r) => r.path?.startsWith('/pkg/'))).toEqual([])
      expect(server.log.find((r) => r.path === '/js/wire-worker.js')?.status).toBe(200)
    } finally {
      await v.page.context().close()
    }
  })

  it('with verify: true the page loads verify() on demand (a chunk of its own), checks both bundles and prints the same', async () => {
    const from = server.log.length
    const v = await visit('app=app.pyb.wire&base=stdlib.pyb.wire&verify=1')
    try {
      expect(v.result.error).toBeUndefined()
      expect(v.result.output).toBe(expected)
      expect(v.failed).toEqual([])
      expect(v.consoleErrors).toEqual([])
      expect(server.log.slice(from).filter((r) => /^\/js\/verify-[\w-]+\.js$/.test(r.path ?? '')).map((r) => r.status)).toEqual([200])
    } finally {
      await v.page.context().close()
    }
    // Without it, the verify chunk is not fetched.
    const again = server.log.length
    const w = await visit('app=app.pyb.wire&base=stdlib.pyb.wire')
    await w.page.context().close()
    expect(server.log.slice(again).filter((r) => r.path?.startsWith('/js/verify-'))).toEqual([])
  })

  it('served unbundled (no esbuild: the import map resolves dist/ files; the worker cannot start), the page decodes on its main thread and prints the same', async () => {
    const plain = await startServer({ mounts: defaultMounts(dist), scripts: unbundledScripts() })
    const context = await browser.newContext()
    try {
      const page = await context.newPage()
      await page.goto(`${plain.url}?app=app.pyb.wire&base=stdlib.pyb.wire`)
      await page.waitForFunction(() => window.pybundleResult !== undefined, undefined, { timeout: 300_000 })
      const result = (await page.evaluate(() => window.pybundleResult))!
      expect(result.error).toBeUndefined()
      expect(result.output).toBe(expected)
      expect(plain.log.some((r) => r.path === '/pkg/loader/wire.js')).toBe(true)
      // The worker script is the unbundled one beside dist/browser.js: its bare imports do not resolve in a worker, so it fails to start and the page does the work.
      expect(plain.log.some((r) => r.path === '/pkg/pyodide/wire-worker.js')).toBe(true)
      expect(plain.log.some((r) => r.path?.startsWith('/js/') && r.path !== '/js/pybundle.js')).toBe(false)
    } finally {
      await context.close()
      await plain.close()
    }
  })

  it('finds the base by the name the app records when the page gives only the app (the .pyb beside a .pyb, the .wire beside a .wire)', async () => {
    for (const app of ['app.pyb', 'app.pyb.wire']) {
      const from = server.log.length
      const v = await visit(`app=${app}&base=`)
      try {
        expect(v.result.output).toBe(expected)
        expect(v.failed).toEqual([])
        const base = app.endsWith('.wire') ? '/dist/stdlib.pyb.wire' : '/dist/stdlib.pyb'
        expect(server.log.slice(from).filter((r) => r.path?.startsWith('/dist/')).map((r) => r.path).sort()).toEqual([`/dist/${app}`, base].sort())
      } finally {
        await v.page.context().close()
      }
    }
  })

  it('restores the app bundle\'s memory snapshot instead of booting Python: CPython\'s output, the app\'s modules already imported, no warning, no failure, a clean console', async () => {
    const from = server.log.length
    const v = await visit('app=app.pyb.wire&base=stdlib.pyb.wire&snapshot=app.pyb.snapshot')
    try {
      expect(v.result.error).toBeUndefined()
      expect(v.result.warnings).toEqual([])
      expect(v.result.restored).toBe(true)
      expect(v.result.output).toBe(expected)
      expect(v.outside).toEqual([])
      expect(v.failed).toEqual([])
      expect(v.consoleErrors).toEqual([])
      const served = server.log.slice(from).filter((r) => r.path?.startsWith('/dist/')).map((r) => [r.path, r.status])
      expect(served).toEqual(expect.arrayContaining([['/dist/app.pyb.snapshot', 200], ['/dist/app.pyb.wire', 200], ['/dist/stdlib.pyb.wire', 200]]))
      // What the snapshot imported is in sys.modules without a read from the bundle; what it did not is served by the bundle after the restore.
      // A string, not a function: vitest would rewrite the function's import() for Node.
      const after = await v.page.evaluate<{ had: boolean; reads: string[] }>(`(async () => {
        const { loadPyodideWithBundle } = await import('@pybundle/pyodide')
        const reads = []
        const py = await loadPyodideWithBundle({
          bundle: new URL('/dist/app.pyb.wire', location.href), base: new URL('/dist/stdlib.pyb.wire', location.href),
          indexURL: new URL('/pyodide/', location.href).href, stdlibZip: 'empty', snapshot: new URL('/dist/app.pyb.snapshot', location.href),
          onRead: (name) => reads.push(name), onWarning: (m) => { throw new Error(m) }, stdout: () => {}, stderr: () => {},
        })
        const had = py.runPython('import sys; "jinja2" in sys.modules and "xml.dom.minidom" not in sys.modules')
        py.runPython('import xml.dom.minidom')
        return { had, reads }
      })()`)
      expect(after.had).toBe(true)
      expect(after.reads).toContain('xml.dom.minidom')
      expect(after.reads).not.toContain('jinja2')
    } finally {
      await v.page.context().close()
    }
  })

  it('a damaged memory snapshot: one warning naming it and CHECKSUM_MISMATCH, then a normal start with the same output', async () => {
    damagedCopy('app.pyb.snapshot', 'app-bad.pyb.snapshot', 4096, 0x01)
    const v = await visit('app=app.pyb.wire&base=stdlib.pyb.wire&snapshot=app-bad.pyb.snapshot')
    try {
      expect(v.result.error).toBeUndefined()
      expect(v.result.restored).toBe(false)
      expect(v.result.warnings).toHaveLength(1)
      expect(v.result.warnings[0]).toMatch(/^pybundle: memory snapshot http:\/\/[^ ]+\/dist\/app-bad\.pyb\.snapshot not restored: .*CHECKSUM_MISMATCH.*; starting normally$/)
      expect(v.result.output).toBe(expected)
      expect(v.consoleErrors).toEqual([])
    } finally {
      await v.page.context().close()
    }
  })

  it('served unbundled (no worker), the page fetches the memory snapshot itself and restores it', async () => {
    const plain = await startServer({ mounts: defaultMounts(dist), scripts: unbundledScripts() })
    try {
      const v = await visit('app=app.pyb.wire&base=stdlib.pyb.wire&snapshot=app.pyb.snapshot', plain)
      await v.page.context().close()
      expect(v.result.error).toBeUndefined()
      expect(v.result.warnings).toEqual([])
      expect(v.result.restored).toBe(true)
      expect(v.result.output).toBe(expected)
      expect(v.consoleErrors).toEqual([])
      expect(plain.log.some((r) => r.path === '/pkg/pyodide/browser-snapshot.js')).toBe(true)
      expect(plain.log.filter((r) => r.path === '/dist/app.pyb.snapshot').map((r) => r.status)).toEqual([200])
    } finally {
      await plain.close()
    }
  })

  it('a snapshot that is not there: one warning with the HTTP status, then a normal start', async () => {
    const v = await visit('app=app.pyb.wire&base=stdlib.pyb.wire&snapshot=nope.pyb.snapshot')
    try {
      expect(v.result.error).toBeUndefined()
      expect(v.result.restored).toBe(false)
      expect(v.result.warnings).toEqual([expect.stringMatching(/nope\.pyb\.snapshot not restored: could not fetch the memory snapshot .*nope\.pyb\.snapshot: HTTP 404 Not Found; starting normally$/)])
      expect(v.result.output).toBe(expected)
    } finally {
      await v.page.context().close()
    }
  })

  it('a snapshot made for an empty stdlib zip on a page that gives Pyodide its own zip: a warning saying so, then a normal start', async () => {
    const v = await visit('app=app.pyb.wire&base=stdlib.pyb.wire&snapshot=app.pyb.snapshot&zip=pyodide')
    try {
      expect(v.result.restored).toBe(false)
      expect(v.result.warnings).toEqual([expect.stringMatching(/not restored: it was made with an empty stdlib zip .*starting normally$/)])
      expect(v.result.output).toBe(expected)
    } finally {
      await v.page.context().close()
    }
  })

  it('a damaged wire file: CHECKSUM_MISMATCH on the page, naming the URL', async () => {
    damagedCopy('app.pyb.wire', 'app-bad.pyb.wire', 500, 0x40)
    const v = await visit('app=app-bad.pyb.wire&base=stdlib.pyb.wire')
    try {
      expect(v.result.ok).toBe(false)
      expect(v.result.code).toBe('CHECKSUM_MISMATCH')
      expect(v.status).toMatch(/wire file: the decoded bundle does not match its checksum .*app-bad\.pyb\.wire/)
    } finally {
      await v.page.context().close()
    }
  })

  it('a truncated bundle: a readable error on the page (TRUNCATED, naming the URL), not a hang', async () => {
    const v = await visit('app=app-cut.pyb&base=stdlib.pyb')
    try {
      expect(v.result.ok).toBe(false)
      expect(v.result.code).toBe('TRUNCATED')
      expect(v.status).toMatch(/^error: \[TRUNCATED\] header says \d+ bytes, file has \d+ \(at byte 16 of http:\/\/127\.0\.0\.1:\d+\/dist\/app-cut\.pyb\)$/)
      expect(v.outside).toEqual([])
    } finally {
      await v.page.context().close()
    }
  })

  it('a base the app was not built on: BASE_MISMATCH on the page, naming both bundles', async () => {
    // app.pyb is a valid bundle, but not app.pyb's base.
    const v = await visit('app=app.pyb&base=app.pyb')
    try {
      expect(v.result.ok).toBe(false)
      expect(v.result.code).toBe('BASE_MISMATCH')
      expect(v.status).toMatch(/app\.pyb was built on the base bundle "stdlib\.pyb" \(header checksum 0x[0-9a-f]{16}, \d+ bytes\), but .*\/dist\/app\.pyb is another bundle/)
    } finally {
      await v.page.context().close()
    }
  })

  it('a bundle that is not there: IO with the HTTP status on the page', async () => {
    const v = await visit('app=nope.pyb&base=stdlib.pyb')
    try {
      expect(v.result.code).toBe('IO')
      expect(v.status).toMatch(/could not fetch the bundle http:\/\/127\.0\.0\.1:\d+\/dist\/nope\.pyb: HTTP 404/)
    } finally {
      await v.page.context().close()
    }
  })
})

const missingForNode = missing.filter((m) => !m.startsWith(CHROMIUM))
describe.skipIf(missingForNode.length > 0)('the same layered bundles under Node (both mapped)', () => {
  it('loadPyodideWithBundle finds the base next to the app and runs the app as CPython does', async () => {
    const built = await exampleBundles()
    const expected = execFileSync(DEBIAN_PYTHON, ['-m', 'webapp'], { cwd: EXAMPLE, encoding: 'utf8', env: { ...process.env, PYTHONPATH: '', PYTHONDONTWRITEBYTECODE: '1' } }).trimEnd()
    const { loadPyodideWithBundle } = await import('@pybundle/pyodide')
    const { openLayered } = await import('@pybundle/loader')
    const layers = openLayered(path.join(built, 'app.pyb'))
    expect(layers.layers.map((b) => path.basename(b.file!))).toEqual(['app.pyb', 'stdlib.pyb'])
    expect(layers.layerOf('jinja2')).toBe(layers.app)
    expect(layers.layerOf('json')?.file).toBe(path.join(built, 'stdlib.pyb'))
    layers.close()
    const lines: string[] = []
    const read = new Set<string>()
    const pyodide = await loadPyodideWithBundle({ bundle: path.join(built, 'app.pyb'), stdout: (l) => lines.push(l), onRead: (n) => read.add(n) })
    pyodide.runPython('import webapp.main; webapp.main.run()')
    expect(lines.join('\n')).toBe(expected)
    // Imports came from both layers.
    expect(read.has('jinja2')).toBe(true)
    expect(read.has('json')).toBe(true)
  })
})
