/**
 * What the cases read, built once and cached under benchmarks/.work/ (git-ignored):
 * - bundles, built by the project's own CLI (`packages/cli/bin/pybundle.js build`)
 *   from examples/startup.toml, examples/stdlib.toml and generated scale manifests;
 *   a bundle is rebuilt when its key changes (manifest text, python3, and the
 *   compiled code of the packages that build it);
 * - the .pyc files of every bundled module, compiled by the same python3
 *   (python/pyc_tree.py), as a folder (contender "(a)") and as zips ("(b)").
 */
import { createHash } from 'node:crypto'
import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync, rmSync, renameSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { zipSync, type Zippable } from 'fflate'
import { openBundle } from '@pybundle/loader'

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..')
export const BENCH = join(ROOT, 'benchmarks')
export const WORK = join(BENCH, '.work')
export const CLI = join(ROOT, 'packages/cli/bin/pybundle.js')
export const PY_DIR = join(BENCH, 'src/python')
export const PYTHON = process.env.PYBUNDLE_BENCH_PYTHON ?? 'python3'

export interface ModInfo {
  name: string
  /** Source path relative to its sys.path root ('' for namespace packages). */
  path: string
  isPackage: boolean
  isNamespace: boolean
  /** Relative path of its .pyc inside the pyc tree and the zips ("json/__init__.pyc"), or '' (namespace). */
  pycRel: string
}

export interface Fixture {
  /** "startup", "stdlib", "scale-10", ... */
  name: string
  bundle: string
  manifest: string
  key: string
  size: number
  modules: ModInfo[]
  /** Absolute .pyc paths, one per module with code, in `modules` order. */
  pycFiles: string[]
  pycBytes: number
  zip: string
  zipSize: number
  /** `pybundle build --json` output of the build that made the bundle (cached with it). */
  summary: unknown
  /** The build that made the bundle, when it ran in this process (ms), else undefined. */
  buildMs?: number
  builtBy: 'cli' | 'fallback'
}

function sha(...parts: (string | Uint8Array)[]): string {
  const h = createHash('sha256')
  for (const p of parts) h.update(p)
  return h.digest('hex').slice(0, 16)
}

function hashTree(dir: string, h = createHash('sha256')): ReturnType<typeof createHash> {
  if (!existsSync(dir)) return h
  for (const e of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const p = join(dir, e.name)
    if (e.isDirectory()) hashTree(p, h)
    else if (e.name.endsWith('.js') || e.name.endsWith('.py')) h.update(e.name).update(readFileSync(p))
  }
  return h
}

let pythonKeyMemo: string | undefined
/** The interpreter's identity: executable and version. */
export function pythonKey(): string {
  if (pythonKeyMemo === undefined) {
    const r = spawnSync(PYTHON, ['-c', 'import sys; print(sys.executable, sys.version)'], { encoding: 'utf8' })
    if (r.status !== 0) throw new Error(`cannot run ${PYTHON}: ${r.stderr}`)
    pythonKeyMemo = r.stdout.trim()
  }
  return pythonKeyMemo
}

let toolKeyMemo: string | undefined
/** The compiled code that builds bundles: a change there rebuilds every bundle. */
function toolKey(): string {
  if (toolKeyMemo === undefined) {
    const h = createHash('sha256')
    for (const p of ['cli', 'bundler', 'format-spec', 'cpython', 'errors']) {
      hashTree(join(ROOT, 'packages', p, 'dist'), h)
      hashTree(join(ROOT, 'packages', p, 'src/python'), h)
    }
    toolKeyMemo = h.digest('hex').slice(0, 16)
  }
  return toolKeyMemo
}

export function cliAvailable(): boolean {
  return existsSync(CLI) && existsSync(join(ROOT, 'packages/cli/dist/main.js'))
}

export interface CliBuild {
  ms: number
  summary: unknown
}

/** Run `pybundle build manifest -o out --json` and time it (wall clock of the subprocess). */
export function cliBuild(manifest: string, out: string, extraEnv: Record<string, string> = {}): CliBuild {
  mkdirSync(dirname(out), { recursive: true })
  const t0 = process.hrtime.bigint()
  const r = spawnSync(process.execPath, [CLI, 'build', manifest, '-o', out, '--json', '--quiet'], {
    encoding: 'utf8',
    cwd: ROOT,
    env: { ...process.env, ...extraEnv },
    maxBuffer: 256 << 20,
  })
  const ms = Number(process.hrtime.bigint() - t0) / 1e6
  if (r.status !== 0) {
    throw new Error(`pybundle build ${relative(ROOT, manifest)} failed (exit ${r.status}):\n${r.stderr}\n${r.stdout.slice(0, 2000)}`)
  }
  let summary: unknown = null
  try {
    summary = JSON.parse(r.stdout)
  } catch {
    summary = { raw: r.stdout.slice(0, 4000) }
  }
  return { ms, summary }
}

function log(msg: string): void {
  process.stderr.write(`[bench] ${msg}\n`)
}

function pycRelOf(path: string): string {
  if (path === '') return ''
  return path.endsWith('.py') ? path.slice(0, -3) + '.pyc' : path
}

function listModules(bundlePath: string): ModInfo[] {
  const b = openBundle(bundlePath)
  try {
    const out: ModInfo[] = []
    for (const m of b.modules()) {
      out.push({ name: m.name, path: m.path, isPackage: m.isPackage, isNamespace: m.isNamespace, pycRel: m.isNamespace ? '' : pycRelOf(m.path) })
    }
    return out
  } finally {
    b.close()
  }
}

export function pycTreeDir(): string {
  return join(WORK, 'pyc', sha(pythonKey()))
}

/** Compile the modules' sources with python3 into the shared pyc tree (only those not there yet). */
function ensurePycs(mods: readonly ModInfo[]): void {
  const out = pycTreeDir()
  const todo = mods.filter((m) => m.pycRel !== '' && !existsSync(join(out, m.pycRel)))
  if (todo.length === 0) return
  log(`compiling ${todo.length} .pyc files with ${PYTHON}`)
  const r = spawnSync(PYTHON, [join(PY_DIR, 'pyc_tree.py')], {
    input: JSON.stringify({ out, modules: todo.map((m) => ({ name: m.name, path: m.path })) }),
    encoding: 'utf8',
    maxBuffer: 64 << 20,
  })
  if (r.status !== 0) throw new Error(`pyc_tree.py failed: ${r.stderr}`)
  const res = JSON.parse(r.stdout) as { missing: string[] }
  if (res.missing.length) throw new Error(`no source found for ${res.missing.slice(0, 10).join(', ')}`)
}

/** A stored (uncompressed, as zipimport and PyZipFile make them) zip of the modules' .pyc files. */
function ensureZip(name: string, key: string, mods: readonly ModInfo[]): string {
  const zip = join(WORK, 'zip', `${name}.zip`)
  const keyFile = zip + '.key'
  if (existsSync(zip) && existsSync(keyFile) && readFileSync(keyFile, 'utf8') === key) return zip
  const tree = pycTreeDir()
  const files: Zippable = {}
  for (const m of mods) if (m.pycRel) files[m.pycRel] = [readFileSync(join(tree, m.pycRel)), { level: 0 }]
  mkdirSync(dirname(zip), { recursive: true })
  writeFileSync(zip + '.tmp', zipSync(files, { mtime: new Date('2020-01-01T00:00:00Z') }))
  renameSync(zip + '.tmp', zip)
  writeFileSync(keyFile, key)
  return zip
}

// --- development fallback: only when the CLI cannot build yet ------------------------

interface ListedModule {
  name: string
  path: string
  isPackage: boolean
}
let listedMemo: { startup: ListedModule[]; stdlib: ListedModule[] } | undefined
function listed(): { startup: ListedModule[]; stdlib: ListedModule[] } {
  if (!listedMemo) {
    const r = spawnSync(PYTHON, [join(PY_DIR, 'list_modules.py')], { encoding: 'utf8', maxBuffer: 64 << 20 })
    if (r.status !== 0) throw new Error(`list_modules.py failed: ${r.stderr}`)
    listedMemo = JSON.parse(r.stdout)
  }
  return listedMemo!
}

async function fallbackBuild(mods: readonly ListedModule[], out: string): Promise<CliBuild> {
  const t0 = process.hrtime.bigint()
  const { readPyc } = await import('@pybundle/cpython')
  const { writeBundleFile } = await import('@pybundle/bundler')
  const tree = pycTreeDir()
  const all: ModInfo[] = mods.map((m) => ({ ...m, isNamespace: false, pycRel: pycRelOf(m.path) }))
  // Sources that do not compile (deliberate syntax errors in the test suite) are left out.
  const r = spawnSync(PYTHON, [join(PY_DIR, 'pyc_tree.py')], {
    input: JSON.stringify({ out: tree, modules: all.filter((m) => !existsSync(join(tree, m.pycRel))).map((m) => ({ name: m.name, path: m.path })), skipErrors: true }),
    encoding: 'utf8',
    maxBuffer: 64 << 20,
  })
  void r
  const modules = []
  let python = { magic: 0, major: 3, minor: 11, marshalVersion: 4 }
  for (const m of all) {
    const f = join(tree, m.pycRel)
    if (!existsSync(f)) continue
    const p = readPyc(readFileSync(f))
    python = { magic: p.header.magic, major: 3, minor: p.python.minor, marshalVersion: p.python.minor >= 14 ? 5 : 4 }
    modules.push({ name: m.name, isPackage: m.isPackage, isNamespace: false, path: m.path, code: p.code })
  }
  const w = (writeBundleFile as unknown as (path: string, input: unknown) => Promise<unknown>)
  const stats = await w(out, { python, optimize: 0, modules })
  return { ms: Number(process.hrtime.bigint() - t0) / 1e6, summary: { fallback: true, stats } }
}

// --- fixtures -------------------------------------------------------------------------

const memo = new Map<string, Fixture>()

/**
 * The bundle built from `manifest` (cached), its module list, .pyc tree and zip.
 * `fallback` names the module set to build without the CLI when it is not there yet.
 */
export async function fixture(name: string, manifest: string, fallback: 'startup' | 'stdlib' | ListedModule[]): Promise<Fixture> {
  const have = memo.get(name)
  if (have) return have
  const bundle = join(WORK, 'bundles', `${name}.pyb`)
  const useCli = cliAvailable() && existsSync(manifest)
  const manifestText = existsSync(manifest) ? readFileSync(manifest, 'utf8') : JSON.stringify(fallback)
  const key = sha(useCli ? 'cli' : 'fallback', manifestText, pythonKey(), toolKey())
  const keyFile = bundle + '.key'
  const summaryFile = bundle + '.summary.json'
  let buildMs: number | undefined
  if (!(existsSync(bundle) && existsSync(keyFile) && readFileSync(keyFile, 'utf8') === key)) {
    rmSync(keyFile, { force: true })
    mkdirSync(dirname(bundle), { recursive: true })
    let b: CliBuild
    if (useCli) {
      log(`building ${name} with pybundle build ${relative(ROOT, manifest)}`)
      b = cliBuild(manifest, bundle)
    } else {
      log(`CLI not available: building ${name} with the development fallback (writer API)`)
      const mods = fallback === 'startup' ? listed().startup : fallback === 'stdlib' ? listed().stdlib : fallback
      b = await fallbackBuild(mods, bundle)
    }
    buildMs = b.ms
    writeFileSync(summaryFile, JSON.stringify(b.summary, (_k, v) => (typeof v === 'bigint' ? v.toString() : v), 2))
    writeFileSync(keyFile, key)
  }
  const modules = listModules(bundle)
  ensurePycs(modules)
  const tree = pycTreeDir()
  const pycFiles = modules.filter((m) => m.pycRel).map((m) => join(tree, m.pycRel))
  const pycBytes = pycFiles.reduce((s, f) => s + statSync(f).size, 0)
  const zip = ensureZip(name, key, modules)
  const f: Fixture = {
    name,
    bundle,
    manifest,
    key,
    size: statSync(bundle).size,
    modules,
    pycFiles,
    pycBytes,
    zip,
    zipSize: statSync(zip).size,
    summary: JSON.parse(readFileSync(summaryFile, 'utf8')),
    builtBy: useCli ? 'cli' : 'fallback',
    ...(buildMs !== undefined ? { buildMs } : {}),
  }
  memo.set(name, f)
  return f
}

export const MANIFESTS = {
  startup: join(ROOT, 'examples/startup.toml'),
  stdlib: join(ROOT, 'examples/stdlib.toml'),
}

export function startupFixture(): Promise<Fixture> {
  return fixture('startup', MANIFESTS.startup, 'startup')
}
export function stdlibFixture(): Promise<Fixture> {
  return fixture('stdlib', MANIFESTS.stdlib, 'stdlib')
}

/**
 * The startup working set: the modules `python3 -c pass` has imported by the
 * time it runs user code (sys.modules), that the startup bundle holds with code.
 * In import order is not needed: sorted as the bundle sorts them.
 */
export function startupImports(startup: Fixture): string[] {
  const r = spawnSync(PYTHON, ['-c', 'import sys; print("\\n".join(sys.modules))'], { encoding: 'utf8' })
  if (r.status !== 0) throw new Error(`${PYTHON} -c failed: ${r.stderr}`)
  const imported = new Set(r.stdout.split('\n').filter(Boolean))
  return startup.modules.filter((m) => m.pycRel !== '' && imported.has(m.name)).map((m) => m.name)
}
