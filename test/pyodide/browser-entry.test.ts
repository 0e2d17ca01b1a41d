/**
 * The browser entries of @pybundle/loader and @pybundle/pyodide reach no Node
 * built-in: the import graph of the built dist/ files is walked from each entry,
 * resolving @pybundle/* and other bare names through package.json `exports`
 * with the `browser` condition, as a bundler or an import map would. Pyodide's
 * own pyodide.mjs is not walked: it picks its host at run time and is made for
 * browsers. The Node entries are walked too, to show the walker finds `node:`
 * imports where they are.
 */
import { existsSync, readFileSync, realpathSync } from 'node:fs'
import { builtinModules } from 'node:module'
import { dirname, join, relative, resolve } from 'node:path'
import { describe, expect, it } from 'vitest'

const ROOT = resolve(import.meta.dirname, '../..')
const NODE_BUILTINS = new Set(builtinModules)
/** Walked no further (see above). */
const EXTERNAL = new Set(['pyodide'])

const IMPORT_RE = /(?:^|[;\n}])\s*(?:import|export)\s*(?:[\w*{}\s,$]+?\s*from\s*)?['"]([^'"]+)['"]|\bimport\(\s*['"]([^'"]+)['"]\s*\)/g

/** What a dist file imports (static and literal dynamic), comments dropped. */
function specifiers(code: string): string[] {
  const text = code.replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '')
  return [...text.matchAll(IMPORT_RE)].map((m) => m[1] ?? m[2])
}

/** `exports` target for a subpath under the given conditions (string, condition object, or nested). */
function exportTarget(entry: unknown, conditions: readonly string[]): string | undefined {
  if (typeof entry === 'string') return entry
  if (entry === null || typeof entry !== 'object') return undefined
  for (const [k, v] of Object.entries(entry)) {
    if (k === 'types') continue
    if (k === 'default' || conditions.includes(k)) {
      const t = exportTarget(v, conditions)
      if (t !== undefined) return t
    }
  }
  return undefined
}

function resolveBare(spec: string, from: string, conditions: readonly string[]): string {
  const parts = spec.split('/')
  const name = spec.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]
  const sub = '.' + spec.slice(name.length)
  let dir = dirname(from)
  for (;;) {
    const candidate = join(dir, 'node_modules', name)
    if (existsSync(join(candidate, 'package.json'))) {
      const pkgDir = realpathSync(candidate)
      const pkg = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8'))
      const exp = pkg.exports
      const entry = exp === undefined ? undefined : typeof exp === 'string' || !Object.keys(exp).some((k) => k.startsWith('.')) ? (sub === '.' ? exp : undefined) : exp[sub]
      const target = entry === undefined ? (sub === '.' ? pkg.module ?? pkg.main : undefined) : exportTarget(entry, conditions)
      if (target === undefined) throw new Error(`${spec} (imported by ${relative(ROOT, from)}) has no export for ${sub} under ${conditions.join(', ')}`)
      return join(pkgDir, target)
    }
    const up = dirname(dir)
    if (up === dir) throw new Error(`cannot resolve ${spec} from ${relative(ROOT, from)}`)
    dir = up
  }
}

/** Every Node built-in reached from `entry`, as "file -> specifier". */
function nodeImportsReached(entry: string, conditions: readonly string[]): { reached: string[]; files: Set<string> } {
  const seen = new Set<string>()
  const reached: string[] = []
  const todo = [entry]
  while (todo.length > 0) {
    const file = todo.pop()!
    if (seen.has(file)) continue
    seen.add(file)
    for (const spec of specifiers(readFileSync(file, 'utf8'))) {
      if (spec.startsWith('node:') || NODE_BUILTINS.has(spec.split('/')[0])) {
        reached.push(`${relative(ROOT, file)} -> ${spec}`)
      } else if (spec.startsWith('.') || spec.startsWith('/')) {
        todo.push(resolve(dirname(file), spec))
      } else if (!EXTERNAL.has(spec)) {
        todo.push(resolveBare(spec, file, conditions))
      }
    }
  }
  return { reached, files: seen }
}

const BROWSER = ['browser', 'import']
const NODE = ['node', 'import']

describe('browser entries reach no Node built-in', () => {
  for (const pkg of ['loader', 'pyodide']) {
    const entry = join(ROOT, 'packages', pkg, 'dist/browser.js')

    it(`@pybundle/${pkg}: dist/browser.js, and what "@pybundle/${pkg}" resolves to under the browser condition`, () => {
      expect(existsSync(entry), `${entry} (run npx tsc -b)`).toBe(true)
      const { reached, files } = nodeImportsReached(entry, BROWSER)
      expect(reached).toEqual([])
      // The walk went through the other packages, not just this one's files.
      expect([...files].some((f) => f.includes(join('packages', 'format-spec', 'dist')))).toBe(true)
      expect(resolveBare(`@pybundle/${pkg}`, join(ROOT, 'test', 'x.js'), BROWSER)).toBe(realpathSync(entry))
    })

    it(`@pybundle/${pkg}: the Node entry does import Node built-ins (the walker sees them)`, () => {
      const nodeEntry = resolveBare(`@pybundle/${pkg}`, join(ROOT, 'test', 'x.js'), NODE)
      expect(nodeEntry).toBe(realpathSync(join(ROOT, 'packages', pkg, 'dist/index.js')))
      expect(nodeImportsReached(nodeEntry, NODE).reached.some((r) => r.endsWith('-> node:fs'))).toBe(true)
    })
  }

  it('@pybundle/pyodide: dist/wire-worker.js (the worker the browser entry starts beside itself) reaches no Node built-in', () => {
    const worker = join(ROOT, 'packages/pyodide/dist/wire-worker.js')
    expect(readFileSync(join(ROOT, 'packages/pyodide/dist/browser.js'), 'utf8')).toContain("new URL('./wire-worker.js', import.meta.url)")
    const { reached, files } = nodeImportsReached(worker, BROWSER)
    expect(reached).toEqual([])
    expect([...files].some((f) => f.includes(join('packages', 'loader', 'dist')))).toBe(true)
  })

  it('the browser entries export what a page needs', async () => {
    const loader = await import(join(ROOT, 'packages/loader/dist/browser.js'))
    expect(typeof loader.openBundleFromBuffer).toBe('function')
    expect(loader.openBundle).toBeUndefined()
    const pyodide = await import(join(ROOT, 'packages/pyodide/dist/browser.js'))
    expect(typeof pyodide.loadPyodideWithBundle).toBe('function')
  })
})
