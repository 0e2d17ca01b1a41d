/**
 * One byte reader (packages/loader/src/mem.ts): no other file of the loader or the CLI
 * calls a DataView getter, and none counts touched bytes itself. A hot path checks and
 * counts a span once with Section.at and reads its fields with Mem.u32 & co; a counter
 * written in two places would drift from what the reads cover. This walks the sources
 * with the TypeScript parser (so comments and strings do not count).
 */
import { readFileSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import ts from 'typescript'
import { describe, expect, it } from 'vitest'

const root = fileURLToPath(new URL('../../', import.meta.url))
const DIRS = ['packages/loader/src', 'packages/cli/src']
const READER = 'packages/loader/src/mem.ts'

const GETTER = /^get(Ui|I)nt(8|16|32)$|^getFloat(32|64)$|^getBig(Ui|I)nt64$/
const ASSIGN = new Set([
  ts.SyntaxKind.EqualsToken,
  ts.SyntaxKind.PlusEqualsToken,
  ts.SyntaxKind.MinusEqualsToken,
  ts.SyntaxKind.AsteriskEqualsToken,
  ts.SyntaxKind.BarEqualsToken,
  ts.SyntaxKind.AmpersandEqualsToken,
])

function files(dir: string): string[] {
  return readdirSync(join(root, dir), { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.ts'))
    .map((f) => join(dir, f))
}

/** The member a property or element access names (`a.b`, `a['b']`), else undefined. */
function member(n: ts.Node): string | undefined {
  if (ts.isPropertyAccessExpression(n)) return n.name.text
  if (ts.isElementAccessExpression(n) && ts.isStringLiteralLike(n.argumentExpression)) return n.argumentExpression.text
  return undefined
}

/** DataView getter calls and writes to `.touched`, as `file:line: text`. */
function bypasses(file: string, source: string): string[] {
  const sf = ts.createSourceFile(file, source, ts.ScriptTarget.ES2022, true)
  const found: string[] = []
  const at = (n: ts.Node): void => {
    found.push(`${file}:${sf.getLineAndCharacterOfPosition(n.getStart()).line + 1}: ${n.getText()}`)
  }
  const visit = (n: ts.Node): void => {
    if (ts.isCallExpression(n)) {
      const name = member(n.expression)
      if (name !== undefined && GETTER.test(name)) at(n)
    } else if (ts.isBinaryExpression(n) && ASSIGN.has(n.operatorToken.kind) && member(n.left) === 'touched') {
      at(n)
    } else if ((ts.isPrefixUnaryExpression(n) || ts.isPostfixUnaryExpression(n)) && member(n.operand) === 'touched') {
      at(n)
    }
    ts.forEachChild(n, visit)
  }
  visit(sf)
  return found
}

describe('one byte reader in the loader and the CLI', () => {
  const all = DIRS.flatMap(files)

  it('finds the sources it checks', () => {
    expect(all).toContain(READER)
    expect(all).toContain('packages/loader/src/emit.ts')
    expect(all).toContain('packages/cli/src/lib/inspect.ts')
  })

  it('catches a bypass (the check itself works)', () => {
    const src = [
      'const v = m.dv.getUint32(rec + A.n_consts, true)',
      "const w = dv['getBigInt64'](at, true)",
      'mem.touched += 8',
      'core.mem.touched = 0',
      'm.touched++',
      'const ok = m.u32(a) + m.touched + sec.at(rel, 4) // getUint32 in a comment',
      "const s = 'dv.getUint32(0, true)'",
      'dv.setUint32(0, 1, true)',
    ].join('\n')
    expect(bypasses('x.ts', src)).toEqual([
      'x.ts:1: m.dv.getUint32(rec + A.n_consts, true)',
      "x.ts:2: dv['getBigInt64'](at, true)",
      'x.ts:3: mem.touched += 8',
      'x.ts:4: core.mem.touched = 0',
      'x.ts:5: m.touched++',
    ])
  })

  it('the reader itself is where the reads and the count are', () => {
    expect(bypasses(READER, readFileSync(join(root, READER), 'utf8')).length).toBeGreaterThan(0)
  })

  it('has none outside mem.ts: every read goes through Section/Mem, and only Section.at counts', () => {
    const found = all.filter((f) => f !== READER).flatMap((f) => bypasses(f, readFileSync(join(root, f), 'utf8')))
    expect(found).toEqual([])
  })
})
