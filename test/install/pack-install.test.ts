/**
 * Installable (issue 12): every workspace packed with `npm pack` (what a publish
 * ships) and installed into a fresh project outside the repository with
 * `npm install ./*.tgz` (third-party packages from the registry), then, in that
 * project: `npx pybundle build`, a script importing @pybundle/loader that reads a
 * module (also in worker threads), Pyodide started from a bundle with
 * @pybundle/pyodide; and `npm install -g` of the CLI tarball into a temporary
 * prefix, then `<prefix>/bin/pybundle build`; `npm install @pybundle/loader` with
 * no C++ compiler (succeeds, openBundle says NO_MMAP); and the addon removed or
 * unbuilt in the first project.
 *
 * Nothing may come from this repository: the project lives under os.tmpdir(), the
 * commands run with HOME in the temp folder, no npm_* variables, NODE_PATH unset
 * and the repository's folders taken off PATH; every package the installed code
 * resolves is checked to lie inside the project. npm's cache is kept under
 * os.tmpdir()/pybundle-test-cache/npm (so later runs install offline-fast), and
 * node-gyp's header cache beside it (unless the user's npm config names a nodedir,
 * which is passed on).
 */
import { execFile } from 'node:child_process'
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { delimiter, dirname, join, relative, resolve, sep } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { CACHE_DIR } from '../helpers/cache.js'
import { findInterpreters } from '../helpers/pythons.js'
import { serveTarballs, type ScopeRegistry } from './registry.js'

const HERE = dirname(fileURLToPath(import.meta.url))
const ROOT = realpathSync(resolve(HERE, '..', '..'))
const VERSION = (JSON.parse(readFileSync(join(ROOT, 'packages/cli/package.json'), 'utf8')) as { version: string }).version
const WORKSPACES = readdirSync(join(ROOT, 'packages')).filter((d) => existsSync(join(ROOT, 'packages', d, 'package.json')))

interface Run { status: number | null; stdout: string; stderr: string }

/** Runs asynchronously (the scope registry answers from this process meanwhile). */
function run(cmd: string, args: string[], cwd: string, env: NodeJS.ProcessEnv): Promise<Run> {
  return new Promise((done) => {
    execFile(cmd, args, { cwd, env, maxBuffer: 64 << 20, timeout: 480_000 }, (err, stdout, stderr) => {
      const status = err === null ? 0 : typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : null
      done({ status, stdout, stderr })
    })
  })
}

function ok(r: Run, what: string): string {
  if (r.status !== 0) throw new Error(`${what} failed (exit ${r.status}):\n${r.stderr}\n${r.stdout}`)
  return r.stdout
}

/** This process's environment without anything that points npm or node at the repository. */
function isolatedEnv(home: string, extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {}
  for (const [k, v] of Object.entries(process.env)) {
    if (v === undefined || /^npm_/i.test(k) || ['INIT_CWD', 'NODE_PATH', 'NODE_OPTIONS', 'PYENV_VERSION'].includes(k) || k.startsWith('VITEST')) continue
    env[k] = v
  }
  env.PATH = (process.env.PATH ?? '').split(delimiter).filter((p) => {
    if (p === '' || p.includes(`${sep}node_modules${sep}`) || p.endsWith(`${sep}node_modules`)) return false
    let real = p
    try { real = realpathSync(p) } catch { /* a missing folder cannot lead into the repo */ }
    return real !== ROOT && !real.startsWith(ROOT + sep)
  }).join(delimiter)
  return { ...env, HOME: home, USERPROFILE: home, npm_config_update_notifier: 'false', npm_config_fund: 'false', npm_config_audit: 'false', ...extra }
}

function inside(dir: string, file: string): boolean {
  const r = relative(dir, file)
  return r !== '' && !r.startsWith('..') && !r.startsWith(sep)
}

/** Every file under `dir`, relative to it. */
function walk(dir: string, base = dir): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? walk(join(dir, e.name), base) : [relative(base, join(dir, e.name))])
}

const npmOk = await run('npm', ['--version'], tmpdir(), process.env)
const python = existsSync('/usr/bin/python3') ? '/usr/bin/python3' : findInterpreters().python3?.executable
const skip = npmOk.status !== 0 ? 'npm is not on PATH' : python === undefined ? 'no python3 (/usr/bin/python3 or python3 on PATH)' : undefined
if (skip !== undefined) console.warn(`pack-install: skipped: ${skip}`)

describe.skipIf(skip !== undefined)('packed workspaces installed in a fresh project', () => {
  let tmp: string
  let tarballs: string
  let project: string
  let env: NodeJS.ProcessEnv

  beforeAll(async () => {
    tmp = realpathSync(mkdtempSync(join(tmpdir(), 'pybundle-install-')))
    expect(inside(ROOT, tmp), `${tmp} must lie outside the repository`).toBe(false)
    tarballs = join(tmp, 'tarballs')
    project = join(tmp, 'project')
    const home = join(tmp, 'home')
    for (const d of [tarballs, home]) mkdirSync(d, { recursive: true })
    // What node-gyp needs from the user's npm config (the headers' folder), read before HOME moves.
    const nodedir = ok(await run('npm', ['config', 'get', 'nodedir'], ROOT, process.env), 'npm config get nodedir').trim()
    env = isolatedEnv(home, {
      npm_config_cache: join(CACHE_DIR, 'npm'),
      // node-gyp keeps downloaded headers in $XDG_CACHE_HOME/node-gyp (when no nodedir is configured).
      XDG_CACHE_HOME: join(CACHE_DIR, 'xdg-cache'),
      npm_config_prefer_offline: 'true',
      ...(nodedir !== '' && nodedir !== 'undefined' && nodedir !== 'null' ? { npm_config_nodedir: nodedir } : {}),
    })

    ok(await run('npm', ['pack', '--workspaces', '--ignore-scripts', '--pack-destination', tarballs], ROOT, env), 'npm pack --workspaces')
    cpSync(join(HERE, 'project'), project, { recursive: true })
    writeFileSync(join(project, 'app.toml'), readFileSync(join(project, 'app.toml'), 'utf8').replace('@PYTHON@', python!))
    writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'pybundle-user', private: true, type: 'module' }, null, 2))
    const tgz = readdirSync(tarballs).filter((f) => f.endsWith('.tgz')).map((f) => join('..', 'tarballs', f))
    ok(await run('npm', ['install', ...tgz], project, env), 'npm install ./*.tgz')
  })

  afterAll(() => {
    if (tmp !== undefined) rmSync(tmp, { recursive: true, force: true })
  })

  it('packs every workspace: dist, README, LICENSE and runtime assets; sources only as the maps need them; no .tsbuildinfo', () => {
    const packed = readdirSync(tarballs).sort()
    expect(packed).toEqual(WORKSPACES.map((w) => `pybundle-${w}-${VERSION}.tgz`).sort())
    for (const w of WORKSPACES) {
      const dir = join(project, 'node_modules', '@pybundle', w)
      const files = walk(dir).filter((f) => !f.startsWith(`build${sep}`))
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as Record<string, unknown>
      expect(pkg.private, w).toBeUndefined()
      expect(pkg.license, w).toBe('MIT')
      expect(pkg.version, w).toBe(VERSION)
      expect(files, w).toContain('README.md')
      expect(files, w).toContain('LICENSE')
      expect(files.filter((f) => f.endsWith('.tsbuildinfo')), w).toEqual([])
      // TypeScript sources ship only for the source maps: every map's sources are in the package,
      // and every sourceMappingURL names a shipped map (bundlers warn about dangling ones).
      expect(files.filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts') && !f.startsWith(`src${sep}`)), w).toEqual([])
      for (const f of files.filter((f) => f.endsWith('.map'))) {
        const map = JSON.parse(readFileSync(join(dir, f), 'utf8')) as { sources: string[] }
        for (const src of map.sources) expect(existsSync(resolve(dir, dirname(f), src)), `${w}/${f} -> ${src}`).toBe(true)
      }
      for (const f of files.filter((f) => f.endsWith('.js') || f.endsWith('.d.ts'))) {
        const url = /\/\/# sourceMappingURL=(\S+)\s*$/.exec(readFileSync(join(dir, f), 'utf8'))?.[1]
        if (url !== undefined) expect(existsSync(resolve(dir, dirname(f), url)), `${w}/${f} -> ${url}`).toBe(true)
      }
    }
    expect(existsSync(join(project, 'node_modules/@pybundle/format-spec/SPEC.md'))).toBe(true)
    for (const f of ['resolve.py', 'compile.py', 'trace_driver.py']) expect(existsSync(join(project, 'node_modules/@pybundle/bundler/src/python', f)), f).toBe(true)
    for (const f of ['_pybundle_boot.py', 'sitecustomize.py']) expect(existsSync(join(project, 'node_modules/@pybundle/pyodide/src/python', f)), f).toBe(true)
  })

  it('resolves every package from the project, none from the repository', async () => {
    const paths = JSON.parse(ok(await run('node', ['resolve.mjs'], project, env), 'node resolve.mjs')) as Record<string, string>
    expect(Object.keys(paths).length).toBeGreaterThan(10)
    for (const [what, p] of Object.entries(paths)) {
      expect(inside(project, p), `${what} -> ${p}`).toBe(true)
      expect(inside(ROOT, p), `${what} -> ${p}`).toBe(false)
    }
    expect(statSync(paths.addon).isFile()).toBe(true)
    // The lockfile names the local tarballs for our packages, the registry for the rest.
    const lock = JSON.parse(readFileSync(join(project, 'package-lock.json'), 'utf8')) as { packages: Record<string, { resolved?: string; link?: boolean }> }
    for (const [key, entry] of Object.entries(lock.packages)) {
      if (key.startsWith('node_modules/@pybundle/')) expect(entry.resolved, key).toMatch(/^file:\.\.\/tarballs\/pybundle-.*\.tgz$/)
      expect(entry.link, key).toBeUndefined()
    }
  })

  it('npx pybundle builds a manifest, inspects and verifies it', async () => {
    expect(ok(await run('npx', ['pybundle', '--version'], project, env), 'npx pybundle --version').trim()).toBe(VERSION)
    const summary = JSON.parse(ok(await run('npx', ['pybundle', 'build', 'app.toml', '--json'], project, env), 'npx pybundle build')) as { modules: number; output: string }
    expect(summary.modules).toBe(2)
    expect(summary.output).toBe(join(project, 'app.pyb'))
    const inspect = JSON.parse(ok(await run('npx', ['pybundle', 'inspect', 'app.pyb', '--json'], project, env), 'npx pybundle inspect')) as Record<string, unknown>
    expect(JSON.stringify(inspect)).toContain('greet.__main__')
    ok(await run('npx', ['pybundle', 'verify', 'app.pyb'], project, env), 'npx pybundle verify')
    ok(await run('npx', ['pybundle', 'inspect', 'app.pyb', '--html', 'app.html'], project, env), 'npx pybundle inspect --html')
    const html = readFileSync(join(project, 'app.html'), 'utf8')
    expect(html).toMatch(/^<!doctype html>/i)
    expect(html).toContain('greet.__main__')
  })

  it('a script importing @pybundle/loader reads a module (main thread and workers); CPython runs its toPyc', async () => {
    const r = JSON.parse(ok(await run('node', ['read.mjs', 'app.pyb'], project, env), 'node read.mjs')) as {
      mapped: { names: string[]; bytecode: number; pyc: string }; workers: unknown[]
    }
    expect(r.mapped.names).toEqual(['greet', 'greet.__main__'])
    expect(r.mapped.bytecode).toBeGreaterThan(0)
    expect(r.workers).toEqual([r.mapped, r.mapped])
    const out = ok(await run(python!, ['greet_main.pyc'], project, { ...env, PYTHONPATH: join(project, 'src') }), 'python greet_main.pyc')
    expect(out.trim()).toBe('hello, bundle')
  })

  it('starts Pyodide with @pybundle/pyodide from a bundle built for it', async () => {
    ok(await run('npx', ['pybundle', 'build', 'web.toml'], project, env), 'npx pybundle build web.toml')
    const r = JSON.parse(ok(await run('node', ['start-pyodide.mjs', 'web.pyb'], project, env), 'node start-pyodide.mjs')) as { stdout: string[]; reads: string[]; version: string }
    expect(r.stdout).toEqual(['hello, bundle'])
    expect(r.reads).toEqual(['greet', 'greet.__main__'])
    expect(r.version).toMatch(/^3\.14\./)
  })

  describe('from a registry for the @pybundle scope', () => {
    // The @pybundle dependencies come from a registry for the scope that serves the tarballs (as
    // npmjs.org will once they are published); everything else from the usual registry.
    let registry: ScopeRegistry
    let renv: NodeJS.ProcessEnv
    beforeAll(async () => {
      registry = await serveTarballs(tarballs)
      renv = { ...env, 'npm_config_@pybundle:registry': registry.url }
    })
    afterAll(async () => {
      await registry?.close()
    })

    it('npm install -g of the CLI tarball, then <prefix>/bin/pybundle build', async () => {
      const prefix = join(tmp, 'global')
      ok(await run('npm', ['install', '-g', '--prefix', prefix, join(tarballs, `pybundle-cli-${VERSION}.tgz`)], tmp, renv), 'npm install -g')
      expect(registry.requests).toContain('/@pybundle/loader')
      const bin = join(prefix, 'bin', 'pybundle')
      const work = join(tmp, 'global-work')
      cpSync(join(project, 'src'), join(work, 'src'), { recursive: true })
      cpSync(join(project, 'app.toml'), join(work, 'app.toml'))
      expect(ok(await run(bin, ['--version'], work, env), 'pybundle --version').trim()).toBe(VERSION)
      ok(await run(bin, ['build', 'app.toml'], work, env), 'pybundle build (global)')
      const inspect = ok(await run(bin, ['inspect', 'app.pyb', '--json'], work, env), 'pybundle inspect (global)')
      expect(inspect).toContain('greet.__main__')
      const addon = join(prefix, 'lib', 'node_modules', '@pybundle', 'cli', 'node_modules', '@pybundle', 'mmap-io', 'build', 'Release', 'mmap-io.node')
      expect(existsSync(addon), addon).toBe(true)
    })

    it('no C++ compiler: npm install @pybundle/loader still succeeds, and openBundle says NO_MMAP', async () => {
      const app = join(tmp, 'no-compiler')
      mkdirSync(app)
      writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'no-compiler', private: true, type: 'module' }))
      cpSync(join(project, 'read.mjs'), join(app, 'read.mjs'))
      cpSync(join(project, 'src'), join(app, 'src'), { recursive: true })
      cpSync(join(project, 'app.toml'), join(app, 'app.toml'))
      ok(await run(join(project, 'node_modules', '.bin', 'pybundle'), ['build', 'app.toml'], app, env), 'pybundle build')
      const noCompiler = { ...renv, CC: '/bin/false', CXX: '/bin/false' }
      const install = await run('npm', ['install', '--loglevel=verbose', '@pybundle/loader'], app, noCompiler)
      ok(install, 'npm install @pybundle/loader (no compiler)')
      // npm fetched the addon and tried to build it; it failed, and being optional, was left out.
      expect(install.stderr).toMatch(/failed optional dependency .*@pybundle\/mmap-io/)
      expect(existsSync(join(app, 'node_modules', '@pybundle', 'loader', 'package.json'))).toBe(true)
      expect(existsSync(join(app, 'node_modules', '@pybundle', 'mmap-io'))).toBe(false)
      const r = JSON.parse(ok(await run('node', ['read.mjs', 'app.pyb'], app, env), 'node read.mjs')) as {
        error: { name: string; code: string; message: string }; fromBuffer: { names: string[] }
      }
      expect(r.error).toMatchObject({ name: 'PyBundleError', code: 'NO_MMAP' })
      expect(r.error.message).toMatch(/not installed.*openBundleFromBuffer/)
      expect(r.fromBuffer.names).toEqual(['greet', 'greet.__main__'])
    })
  })

  it('without the addon (not installed, or never built): NO_MMAP naming openBundleFromBuffer, which works', async () => {
    const addon = join(project, 'node_modules', '@pybundle', 'mmap-io')
    const cases = [
      { hide: addon, says: /not installed.*npm install @pybundle\/mmap-io/ },
      { hide: join(addon, 'build'), says: /never built.*npm rebuild @pybundle\/mmap-io/ },
    ]
    for (const c of cases) {
      renameSync(c.hide, `${c.hide}.hidden`)
      try {
        const r = JSON.parse(ok(await run('node', ['read.mjs', 'app.pyb'], project, env), 'node read.mjs')) as {
          error: { name: string; code: string; message: string }; fromBuffer: { names: string[] }
        }
        expect(r.error.name).toBe('PyBundleError')
        expect(r.error.code).toBe('NO_MMAP')
        expect(r.error.message).toMatch(c.says)
        expect(r.error.message).toContain('openBundleFromBuffer')
        expect(r.fromBuffer.names).toEqual(['greet', 'greet.__main__'])
        const cli = await run(join(project, 'node_modules', '.bin', 'pybundle'), ['inspect', 'app.pyb'], project, env)
        expect(cli.status).toBe(2)
        expect(cli.stderr).toMatch(/^pybundle: error: \[NO_MMAP\] .*openBundleFromBuffer/)
        expect(cli.stderr.trim().split('\n')).toHaveLength(1)
        // Building needs no mapping: it still works.
        ok(await run(join(project, 'node_modules', '.bin', 'pybundle'), ['build', 'app.toml', '-o', 'again.pyb'], project, env), 'pybundle build without the addon')
      } finally {
        renameSync(`${c.hide}.hidden`, c.hide)
      }
    }
  })
})
