// @ts-check
/**
 * Fuzz seeds: real bundles. Real standard-library modules compiled by the
 * pyenv/system interpreters (marshal.dumps(compile(...))), read back with
 * @pybundle/cpython's readMarshal and written with @pybundle/bundler's
 * writeBundle; plus modules with tricky constants (big ints, -0.0, inf,
 * surrogates, astral and UCS-2 strings, deep nesting, frozensets, bytes,
 * many repeated strings so the tables hold redirects) and edge bundles
 * (namespace packages only, no modules at all).
 */
import { execFileSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { homedir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { magicForPython, marshalVersionForPython, pyInt, pyStr, pyTuple, readMarshal } from '@pybundle/cpython'
import { writeBundle } from '@pybundle/bundler'

const here = dirname(fileURLToPath(import.meta.url))
const COMPILE = join(here, 'compile_modules.py')

/** A module with constants that stress every table and record kind. */
export const TRICKY_SOURCE = String.raw`
"""tricky constants"""
BIG = (2**63 - 1, -2**63, 2**64, -2**200, 10**40, 0, -1, 255, 256, -5, -6)
FLOATS = (-0.0, 0.0, 1e400, -1e400, 5e-324, 1.5, 2.0 ** 60)
CPLX = (1j, -0j, 1e400j, 3+4j)
STRS = ('', 'a', '\x00', '\xe9t\xe9', '\u4e2d\u6587', '\U0001F600', '\ud800', '\udfff\ud800', 'mix\xe9\u4e2d\U0001F600', 'x' * 300)
BYTES = (b'', b'\x00', b'\xff' * 40, bytes(range(256)))
NEST = ((((((((((1,),),),),),),),),),)
SHARED = ('alpha', 'beta', 'alpha', ('alpha', 'beta'), ('alpha', 'beta'))
def f(a, /, b, *args, c=..., d=None, **kw):
    x = 1
    def g(y=frozenset({1, 2, 3})):
        nonlocal x
        def h():
            return x, y, 'alpha', 'beta', '\U0001F600'
        return h
    return g if a in {'p', 'q', 'r'} else (x, b, c, d, args, kw, STRS)
class K:
    alpha = 'alpha'
    def m(self, beta='beta'):
        return [i for i in range(3) if i not in frozenset({7, 8})], lambda z: (z, self, beta, True, False, None)
async def co():
    async with K() as k:
        yield k
try:
    import nothing_here
except ImportError as e:
    err = e
finally:
    pass
`

/** Real modules per interpreter: a handful so one case takes milliseconds. */
const REAL_MODULES = ['json', 'json.decoder', 'json.encoder', 'json.scanner', 'textwrap', 'colorsys', 'bisect', 'heapq', 'string']

/** Interpreters: the system python3 and any pyenv versions installed. */
export function interpreters() {
  /** @type {{minor: number, exe: string}[]} */
  const out = []
  const root = join(homedir(), '.pyenv', 'versions')
  for (const minor of [8, 9, 10, 11, 12, 13, 14]) {
    for (const cand of [join(root, `3.${minor}`, 'bin', 'python3'), `/usr/bin/python3.${minor}`]) {
      if (existsSync(cand)) {
        out.push({ minor, exe: cand })
        break
      }
    }
    if (!out.some((i) => i.minor === minor)) {
      // pyenv names folders by full version (3.11.7).
      try {
        const dirs = execFileSync('ls', [root], { encoding: 'utf8' }).split('\n').filter((d) => d.startsWith(`3.${minor}.`))
        if (dirs.length) out.push({ minor, exe: join(root, dirs[dirs.length - 1], 'bin', 'python3') })
      } catch {
        // no pyenv
      }
    }
  }
  return out
}

/**
 * @param {string} exe
 * @param {{name: string, source?: string, package?: boolean, path?: string}[]} specs
 * @returns {{version: number[], modules: {name: string, path: string, package: boolean, marshal: Uint8Array}[]}}
 */
export function compileWith(exe, specs) {
  // A fixed hash seed: frozenset constants are marshalled in hash order, so with
  // random string hashing the seed bytes (and every mutant made from them)
  // differed between runs of the same fuzz seed. -I would ignore PYTHONHASHSEED,
  // so isolation is -s (no user site) plus an environment without other PYTHON*.
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('PYTHON')))
  const out = execFileSync(exe, ['-s', COMPILE], { input: JSON.stringify(specs), encoding: 'utf8', maxBuffer: 1 << 28, env: { ...env, PYTHONHASHSEED: '0' } })
  const parsed = JSON.parse(out)
  return {
    version: parsed.version,
    modules: parsed.modules.map((/** @type {any} */ m) => ({ ...m, marshal: new Uint8Array(Buffer.from(m.marshal, 'base64')) })),
  }
}

/** @param {number} minor */
function target(minor) {
  return { magic: magicForPython(minor), major: 3, minor, marshalVersion: marshalVersionForPython(minor) }
}

/**
 * @param {number} minor
 * @param {{name: string, path: string, package: boolean, marshal: Uint8Array}[]} compiled
 * @param {{name: string}[]} [namespaces]
 */
export async function bundleOf(minor, compiled, namespaces = []) {
  /** @type {any[]} */
  const modules = compiled.map((m) => ({
    name: m.name,
    isPackage: m.package,
    isNamespace: false,
    path: m.path,
    code: readMarshal(m.marshal, { pythonMinor: minor }),
    source: { size: m.marshal.length, mtimeNs: 1_700_000_000_000_000_000n, hash: 0x0123456789abcdefn },
  }))
  for (const ns of namespaces) modules.push({ name: ns.name, isPackage: true, isNamespace: true, path: '', code: null })
  return writeBundle({ python: target(minor), optimize: 0, modules })
}

/**
 * Constants at the edges: a tuple nested just under LIMITS.MAX_DEPTH, and a
 * DAG of shared tuples (each level names the previous one twice), so mutations
 * land on depth checks and on shared CNST entries.
 * @param {{minor: number, exe: string}} py
 */
async function sharedDeepBundle(py) {
  const c = compileWith(py.exe, [{ name: 'edge', source: 'x = 1\n', path: 'edge.py' }])
  const code = /** @type {any} */ (readMarshal(c.modules[0].marshal, { pythonMinor: py.minor }))
  let deep = pyTuple([pyStr('bottom')])
  for (let i = 0; i < 1990; i++) deep = pyTuple([deep])
  let dag = pyTuple([pyInt(2n ** 70n), pyStr('\u4e2d')])
  for (let i = 0; i < 6; i++) dag = pyTuple([dag, dag, pyInt(i)])
  return writeBundle({
    python: target(py.minor),
    optimize: 0,
    modules: [{ name: 'edge', isPackage: false, isNamespace: false, path: 'edge.py', code: { ...code, consts: [...code.consts, deep, dag] } }],
  })
}

/**
 * A format-1.1 bundle with every resource section (§15): data files of two
 * packages (nested folders, an empty file, a non-ASCII path), two distributions
 * (one single-file egg-info), module sources and build info.
 * @param {number} minor
 * @param {{name: string, path: string, package: boolean, marshal: Uint8Array}[]} compiled
 */
async function resourceBundle(minor, compiled) {
  const enc = new TextEncoder()
  /** @type {any[]} */
  const modules = compiled.map((m) => ({
    name: m.name,
    isPackage: m.package,
    isNamespace: false,
    path: m.path,
    code: readMarshal(m.marshal, { pythonMinor: minor }),
    sourceBytes: m.name === 'pkg.sub2' ? undefined : enc.encode(`# source of ${m.name}\n`),
  }))
  modules.push({ name: 'pkg.data', isPackage: true, isNamespace: false, path: 'pkg/data/__init__.py', code: modules[0].code })
  const data = [
    { package: 'pkg', path: 'templates/base.html', bytes: enc.encode('<html>{{ body }}</html>\n') },
    { package: 'pkg', path: 'templates/mail/welcome.txt', bytes: enc.encode('Welcome!\n') },
    { package: 'pkg', path: 'empty', bytes: new Uint8Array(0) },
    { package: 'pkg', path: '\u00e9t\u00e9/caf\u00e9.txt', bytes: enc.encode('caf\u00e9') },
    { package: 'pkg.data', path: 'table.bin', bytes: Uint8Array.from({ length: 300 }, (_, i) => (i * 7) & 0xff) },
  ]
  const distributions = [
    { name: 'pkg-1.0.dist-info', files: [
      { path: 'METADATA', bytes: enc.encode('Metadata-Version: 2.1\nName: pkg\nVersion: 1.0\n') },
      { path: 'entry_points.txt', bytes: enc.encode('[console_scripts]\npkg = pkg:main\n') },
      { path: 'top_level.txt', bytes: enc.encode('pkg\n') },
    ] },
    { name: 'old-0.1.egg-info', isFile: true, files: [{ path: 'PKG-INFO', bytes: enc.encode('Metadata-Version: 1.0\nName: old\n') }] },
  ]
  const buildInfo = { modules: { pkg: { reason: 'include' }, 'pkg.sub': { reason: 'closure', importedBy: ['pkg'], optional: false } }, skippedData: [{ package: 'pkg', path: 'loop', reason: 'symlink loop' }] }
  return writeBundle({ python: target(minor), optimize: 0, modules, data, distributions, buildInfo })
}

/**
 * Build every seed. `full` adds one bundle per extra interpreter found.
 * @param {{full?: boolean}} [opts]
 * @returns {Promise<{name: string, minor: number, bytes: Uint8Array}[]>}
 */
export async function buildSeeds(opts = {}) {
  const pys = interpreters()
  const main = pys.find((p) => p.minor === 11) ?? pys[pys.length - 1]
  if (!main) throw new Error('fuzz seeds need a python3 interpreter')
  /** @type {{name: string, minor: number, bytes: Uint8Array}[]} */
  const seeds = []
  const real = compileWith(main.exe, REAL_MODULES.map((name) => ({ name })))
  seeds.push({ name: `stdlib-3.${main.minor}`, minor: main.minor, bytes: await bundleOf(main.minor, real.modules) })
  const trickySpecs = [
    { name: 'tricky', source: TRICKY_SOURCE, path: 'tricky.py' },
    { name: 'pkg', source: 'from . import sub\n', package: true, path: 'pkg/__init__.py' },
    { name: 'pkg.sub', source: 'VALUE = "alpha"\n', path: 'pkg/sub.py' },
    { name: 'pkg.sub2', source: '', path: 'pkg/sub2.py' },
    { name: '\u00e9t\u00e9', source: 'x = "\u00e9t\u00e9"\n', path: '\u00e9t\u00e9.py' },
  ]
  const tricky = compileWith(main.exe, trickySpecs)
  seeds.push({ name: `tricky-3.${main.minor}`, minor: main.minor, bytes: await bundleOf(main.minor, tricky.modules, [{ name: 'nsonly' }, { name: 'pkg.ns' }]) })
  seeds.push({ name: `shared-deep-3.${main.minor}`, minor: main.minor, bytes: await sharedDeepBundle(main) })
  seeds.push({ name: `resources-3.${main.minor}`, minor: main.minor, bytes: await resourceBundle(main.minor, tricky.modules) })
  seeds.push({ name: 'namespaces-only', minor: main.minor, bytes: await bundleOf(main.minor, [], [{ name: 'a' }, { name: 'a.b' }]) })
  seeds.push({ name: 'empty', minor: main.minor, bytes: await bundleOf(main.minor, []) })
  for (const py of pys) {
    if (py.minor === main.minor || !(opts.full ?? true)) continue
    const c = compileWith(py.exe, [...trickySpecs.slice(0, 3), { name: 'textwrap' }])
    seeds.push({ name: `tricky-3.${py.minor}`, minor: py.minor, bytes: await bundleOf(py.minor, c.modules) })
  }
  return seeds
}
