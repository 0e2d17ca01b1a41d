// A static server for the browser example, on Node's http only: the page, the
// bundles, pybundle's browser modules and Pyodide's own files, with what a
// deployment needs (README.md, "Deploying"):
//
//   - MIME types, application/wasm included (WebAssembly.instantiateStreaming needs it);
//   - brotli or gzip, as the browser asks (Accept-Encoding), made once per file
//     and kept in memory; `Vary: Accept-Encoding`;
//   - a strong ETag per file (size, mtime and a hash of the bytes) and
//     If-None-Match -> 304; Cache-Control: `no-cache` for the page (always
//     revalidated), a day for everything else (ETag revalidates after that);
//   - GET and HEAD only; nothing outside the mounted folders (no `..`, no symlink escape);
//   - the page's JavaScript as one module and a chunk (/js/, bundled with esbuild
//     when the server starts; see bundleScripts) rather than some fifty files.
//
//   node examples/browser/server.mjs [--port 8080]     then open http://localhost:8080/
//   node examples/browser/server.mjs --sizes           the page's JavaScript: each file's bytes, brotli as served, gzip
//
// Tests and benchmarks import startServer() and count the requests it serves.
import { createHash } from 'node:crypto'
import { readFile, realpath, stat } from 'node:fs/promises'
import { createServer } from 'node:http'
import { extname, join, resolve, sep } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { brotliCompress, constants as zlib, gzip } from 'node:zlib'

const HERE = fileURLToPath(new URL('.', import.meta.url))
const ROOT = resolve(HERE, '../..')

const MIME = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.wasm': 'application/wasm',
  '.zip': 'application/zip',
  '.pyb': 'application/octet-stream',
  '.wire': 'application/octet-stream',
  '.txt': 'text/plain; charset=utf-8',
  '.py': 'text/x-python; charset=utf-8',
}

/** URL prefix -> folder. The page's import map (index.html) names these. */
export function defaultMounts(dist = join(HERE, 'dist')) {
  return {
    '/pyodide/': join(ROOT, 'node_modules/pyodide'),
    '/pkg/loader/': join(ROOT, 'packages/loader/dist'),
    '/pkg/pyodide/': join(ROOT, 'packages/pyodide/dist'),
    '/pkg/errors/': join(ROOT, 'packages/errors/dist'),
    '/pkg/cpython/': join(ROOT, 'packages/cpython/dist'),
    '/pkg/format-spec/': join(ROOT, 'packages/format-spec/dist'),
    '/pkg/xxhash-wasm/': join(ROOT, 'node_modules/xxhash-wasm/esm'),
    '/dist/': dist,
    '/': join(HERE, 'public'),
  }
}

/**
 * @pybundle/pyodide's browser entry and everything it imports but Pyodide, as
 * /js/pybundle.js plus chunks, and its worker as /js/wire-worker.js: the loader
 * (imported by the entry when first needed) becomes a chunk of its own, so the page loads a few small files before
 * it can start Pyodide and the rest arrives in one request while Pyodide
 * downloads. Unbundled, the same code is some fifty modules six import levels
 * deep, fetched level by level over HTTP/1.1's six connections next to Pyodide's
 * downloads. A site does this at build time with its own bundler. Without esbuild
 * (it comes with this repository's dev dependencies), /js/pybundle.js re-exports
 * the unbundled entry, which the import map in index.html resolves.
 * Returns URL path -> bytes.
 */
export async function bundleScripts() {
  const dist = join(ROOT, 'packages/pyodide/dist')
  const esbuild = await import('esbuild').catch(() => null)
  if (esbuild === null) return unbundledScripts()
  const out = await esbuild.build({
    // wire-worker.js: the worker browser.js starts beside itself (new URL('./wire-worker.js', import.meta.url)).
    entryPoints: { pybundle: join(dist, 'browser.js'), 'wire-worker': join(dist, 'wire-worker.js') }, bundle: true, splitting: true, format: 'esm', platform: 'browser',
    // Minified as a site would serve it. No keepNames (it costs 1.9 KB brotli): nothing reads a function's or
    // class's name; PyBundleError names itself (its `name` field), so messages and describe() are the same.
    target: 'es2022', external: ['pyodide'], write: false, outdir: '/js', logLevel: 'silent', minify: true,
  })
  return new Map(out.outputFiles.map((f) => [f.path.replaceAll(sep, '/').replace(/^.*\/js\//, '/js/'), Buffer.from(f.contents)]))
}

/** What bundleScripts serves without esbuild: /js/pybundle.js re-exports the unbundled entry (the import map resolves the rest); no worker script, so the page decodes on its main thread. */
export function unbundledScripts() {
  return new Map([['/js/pybundle.js', Buffer.from("export * from '/pkg/pyodide/browser.js'\n")]])
}

const brotli = promisify(brotliCompress)
const gz = promisify(gzip)

/** Brotli 11 is slow on tens of MB; 9 keeps most of the gain (a CDN or a build step can precompress at 11). */
function brotliParams(raw) {
  return { params: { [zlib.BROTLI_PARAM_QUALITY]: raw.length > 1 << 20 ? 9 : 11, [zlib.BROTLI_PARAM_SIZE_HINT]: raw.length } }
}

/**
 * Start the server. `mounts`: URL prefix -> folder (longest prefix wins).
 * `compress`: 'br' | 'gzip' | 'none' | 'auto' (default: what the browser accepts, brotli first).
 * Resolves to { url, port, close(), log } where log lists { method, path, status, bytes, encoding }.
 */
export async function startServer({ port = 0, host = '127.0.0.1', mounts = defaultMounts(), compress = 'auto', scripts } = {}) {
  /** URL path -> bytes served from memory (bundleScripts, made once per server). */
  const virtual = scripts ?? await bundleScripts()
  const started = Date.now()
  const prefixes = Object.keys(mounts).sort((a, b) => b.length - a.length)
  const roots = Object.fromEntries(await Promise.all(prefixes.map(async (p) => [p, await realpath(mounts[p]).catch(() => resolve(mounts[p]))])))
  /** path -> { key, etag, raw, br?, gzip? } */
  const cache = new Map()
  const log = []

  async function entry(file, st, made) {
    const key = `${st.size}:${st.mtimeMs}`
    let e = cache.get(file)
    if (e?.key === key) return e
    const raw = made ?? await readFile(file)
    const etag = `"${createHash('sha256').update(raw).digest('base64url').slice(0, 27)}"`
    e = { key, etag, raw, encoded: new Map() }
    cache.set(file, e)
    return e
  }

  async function encoded(e, enc) {
    let p = e.encoded.get(enc)
    if (p === undefined) {
      p = enc === 'br' ? brotli(e.raw, brotliParams(e.raw)) : gz(e.raw, { level: 9 })
      e.encoded.set(enc, p)
    }
    return p
  }

  async function locate(urlPath) {
    const made = virtual.get(urlPath)
    if (made !== undefined) return { file: urlPath, st: { size: made.length, mtimeMs: started }, made }
    const prefix = prefixes.find((p) => urlPath.startsWith(p))
    if (prefix === undefined) return null
    let rel = decodeURIComponent(urlPath.slice(prefix.length))
    if (rel === '' || rel.endsWith('/')) rel += 'index.html'
    if (rel.split('/').some((c) => c === '..' || c === '.') || rel.includes('\0') || rel.includes('\\')) return null
    const root = roots[prefix]
    const file = await realpath(join(root, rel)).catch(() => null)
    if (file === null || !(file === root || file.startsWith(root + sep))) return null
    const st = await stat(file).catch(() => null)
    return st?.isFile() ? { file, st } : null
  }

  function chooseEncoding(accept) {
    if (compress === 'none') return null
    const has = (name) => new RegExp(`(^|[,\\s])${name}(;q=(?!0(\\.0+)?\\b)[0-9.]+)?\\s*(,|$)`).test(accept)
    if ((compress === 'auto' || compress === 'br') && has('br')) return 'br'
    if ((compress === 'auto' || compress === 'gzip') && has('gzip')) return 'gzip'
    return null
  }

  const server = createServer(async (req, res) => {
    const record = { method: req.method, path: req.url, status: 0, bytes: 0, encoding: null }
    log.push(record)
    const send = (status, headers, body) => {
      record.status = status
      record.bytes = body?.length ?? 0
      res.writeHead(status, headers)
      res.end(req.method === 'HEAD' ? undefined : body)
    }
    try {
      if (req.method !== 'GET' && req.method !== 'HEAD') return send(405, { Allow: 'GET, HEAD' }, Buffer.from('method not allowed\n'))
      const urlPath = new URL(req.url, 'http://x').pathname
      const found = await locate(urlPath)
      if (found === null) return send(404, { 'Content-Type': 'text/plain; charset=utf-8' }, Buffer.from(`not found: ${urlPath}\n`))
      const e = await entry(found.file, found.st, found.made)
      const type = MIME[extname(found.file)] ?? 'application/octet-stream'
      const headers = {
        'Content-Type': type,
        ETag: e.etag,
        'Cache-Control': type.startsWith('text/html') ? 'no-cache' : 'public, max-age=86400',
        Vary: 'Accept-Encoding',
        'X-Content-Type-Options': 'nosniff',
      }
      const inm = req.headers['if-none-match']
      if (inm !== undefined && inm.split(',').map((s) => s.trim().replace(/^W\//, '').replace(/-(br|gzip)"$/, '"')).includes(e.etag)) return send(304, headers, null)
      const enc = chooseEncoding(String(req.headers['accept-encoding'] ?? ''))
      if (enc === null) return send(200, { ...headers, 'Content-Length': e.raw.length }, e.raw)
      const body = await encoded(e, enc)
      record.encoding = enc
      // The ETag names the representation: one per encoding.
      send(200, { ...headers, ETag: e.etag.slice(0, -1) + `-${enc}"`, 'Content-Encoding': enc, 'Content-Length': body.length }, body)
    } catch (err) {
      send(500, { 'Content-Type': 'text/plain; charset=utf-8' }, Buffer.from(`server error: ${err?.message ?? err}\n`))
    }
  })
  await new Promise((ok, fail) => {
    server.once('error', fail)
    server.listen(port, host, ok)
  })
  const actual = server.address().port
  return {
    url: `http://${host}:${actual}/`,
    port: actual,
    log,
    /** Compress every file ahead (the first visit then measures the network, not the server). */
    async warm(paths, encodings = ['br', 'gzip']) {
      for (const p of paths) {
        const f = await locate(p)
        if (f === null) throw new Error(`warm: ${p} not found`)
        const e = await entry(f.file, f.st, f.made)
        for (const enc of encodings) await encoded(e, enc)
      }
    },
    close: () => new Promise((ok) => { server.closeAllConnections?.(); server.close(() => ok()) }),
  }
}

/** Each file bundleScripts serves, its bytes and what the server sends for it (brotli 11 and gzip 9: all are under 1 MB), as table lines. */
export async function scriptSizes(scripts) {
  const rows = []
  for (const [path, raw] of [...scripts].sort(([a], [b]) => a.localeCompare(b))) {
    const [br, gzipped] = await Promise.all([brotli(raw, brotliParams(raw)), gz(raw, { level: 9 })])
    rows.push({ path, bytes: raw.length, br: br.length, gzip: gzipped.length })
  }
  const total = (k) => rows.reduce((n, r) => n + r[k], 0)
  return [...rows, { path: 'total', bytes: total('bytes'), br: total('br'), gzip: total('gzip') }]
    .map((r) => `${r.path.padEnd(28)} ${String(r.bytes).padStart(8)} bytes, brotli ${String(r.br).padStart(6)}, gzip ${String(r.gzip).padStart(6)}`)
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url) && process.argv.includes('--sizes')) {
  for (const line of await scriptSizes(await bundleScripts())) console.log(line)
} else if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const i = process.argv.indexOf('--port')
  const port = i > 0 ? Number(process.argv[i + 1]) : 8080
  const s = await startServer({ port, host: process.argv.includes('--public') ? '0.0.0.0' : '127.0.0.1' })
  console.log(`serving examples/browser on ${s.url} (Ctrl-C stops)`)
}
