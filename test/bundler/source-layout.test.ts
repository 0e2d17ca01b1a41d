/**
 * How the sources of every package (packages/*\/src) are laid out: a folder's
 * index.ts only re-exports (its files are named for their job), no folder is named
 * `build` (a name tools take for build output), and no import cycle. A cycle: a
 * module that imports, even only a type, from a module that imports it back
 * (the bundler's interpreter/index.ts constructed the implementations that took
 * their interface from it) has no place in a reading order, and an ESM cycle of
 * values runs one side before the other is initialized. Type-only imports count:
 * they are the same dependency for a reader. Relative imports and re-exports are
 * followed; imports of other packages go through their public surface, which the
 * package references of tsconfig already keep acyclic.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import ts from 'typescript'
import { describe, expect, it } from 'vitest'

const root = fileURLToPath(new URL('../../', import.meta.url))

function sourceFiles(): string[] {
  const out: string[] = []
  for (const pkg of readdirSync(join(root, 'packages'))) {
    const src = join('packages', pkg, 'src')
    if (!existsSync(join(root, src))) continue
    for (const f of readdirSync(join(root, src), { recursive: true, encoding: 'utf8' })) {
      if (f.endsWith('.ts') && !f.endsWith('.d.ts')) out.push(join(src, f))
    }
  }
  return out
}

/** The files `file` imports or re-exports by a relative specifier ('./x.js' -> 'dir/x.ts'). */
function relativeImports(file: string, source: string): string[] {
  const sf = ts.createSourceFile(file, source, ts.ScriptTarget.ES2022, false)
  const out: string[] = []
  for (const s of sf.statements) {
    if (!ts.isImportDeclaration(s) && !ts.isExportDeclaration(s)) continue
    const spec = s.moduleSpecifier
    if (spec === undefined || !ts.isStringLiteral(spec) || !spec.text.startsWith('.')) continue
    out.push(join(dirname(file), spec.text.replace(/\.js$/, '.ts')))
  }
  return out
}

/** Every strongly connected set of more than one file (or a file importing itself), by Tarjan's algorithm. */
function cycles(graph: ReadonlyMap<string, readonly string[]>): string[][] {
  let next = 0
  const index = new Map<string, number>()
  const low = new Map<string, number>()
  const stack: string[] = []
  const onStack = new Set<string>()
  const found: string[][] = []
  const visit = (v: string): void => {
    index.set(v, next)
    low.set(v, next)
    next++
    stack.push(v)
    onStack.add(v)
    for (const w of graph.get(v) ?? []) {
      if (!graph.has(w)) continue
      if (!index.has(w)) {
        visit(w)
        low.set(v, Math.min(low.get(v)!, low.get(w)!))
      } else if (onStack.has(w)) {
        low.set(v, Math.min(low.get(v)!, index.get(w)!))
      }
    }
    if (low.get(v) !== index.get(v)) return
    const part: string[] = []
    let w: string
    do {
      w = stack.pop()!
      onStack.delete(w)
      part.push(w)
    } while (w !== v)
    if (part.length > 1 || graph.get(v)!.includes(v)) found.push(part.sort())
  }
  for (const v of graph.keys()) if (!index.has(v)) visit(v)
  return found
}

/** The statements of `source` that are not `export ... from '...'` (nor `export type ... from`), as text. */
function notReexports(file: string, source: string): string[] {
  const sf = ts.createSourceFile(file, source, ts.ScriptTarget.ES2022, false)
  return sf.statements.filter((s) => !(ts.isExportDeclaration(s) && s.moduleSpecifier !== undefined)).map((s) => s.getText(sf))
}

describe('folders of packages/*/src', () => {
  const files = sourceFiles()
  const folders = new Set(files.map((f) => dirname(f)))

  it("a folder's index.ts only re-exports (the package's own src/index.ts aside)", () => {
    expect(notReexports('x.ts', `export * from './a.js'\nexport { b, type C } from './b.js'\nexport function f() {}`)).toEqual(['export function f() {}'])
    const inFolders = files.filter((f) => f.endsWith('/index.ts') && !/^packages\/[^/]+\/src\/index\.ts$/.test(f))
    expect(inFolders).toContain('packages/bundler/src/writer/index.ts')
    expect(inFolders.filter((f) => notReexports(f, readFileSync(join(root, f), 'utf8')).length > 0)).toEqual([])
  })

  it('none is named build', () => {
    expect(folders).toContain('packages/bundler/src/pipeline')
    expect([...folders].filter((d) => d.split('/').slice(3).includes('build'))).toEqual([])
  })
})

describe('import graph of packages/*/src', () => {
  const files = sourceFiles()
  const graph = new Map(files.map((f) => [f, relativeImports(f, readFileSync(join(root, f), 'utf8'))]))

  it('finds the sources it checks', () => {
    expect(files).toContain('packages/bundler/src/interpreter/interpreter.ts')
    expect(files).toContain('packages/loader/src/index.ts')
    // a relative import resolves to a file of the graph
    expect(graph.get('packages/bundler/src/interpreter/subprocess.ts')).toContain('packages/bundler/src/interpreter/interpreter.ts')
  })

  it('catches a cycle, also one through a type-only import (the check itself works)', () => {
    const a = relativeImports('p/a.ts', `import type { B } from './b.js'\nexport const a = 1`)
    const b = relativeImports('p/b.ts', `export { a } from './a.js'\nexport interface B { x: number }`)
    const c = relativeImports('p/c.ts', `import { a } from './a.js'`)
    expect(cycles(new Map([['p/a.ts', a], ['p/b.ts', b], ['p/c.ts', c]]))).toEqual([['p/a.ts', 'p/b.ts']])
    expect(cycles(new Map([['p/a.ts', a], ['p/c.ts', c]]))).toEqual([])
  })

  it('has none', () => {
    expect(cycles(graph).map((c) => c.join(' <-> '))).toEqual([])
  })
})
