/**
 * Every field offset the loader and the CLI read comes from layout.ts (`CONST_INT.at.value`,
 * `CODE.at.n_consts`), never a literal (`off + 8`): a literal is a second copy of the
 * layout that the spec test cannot see. This walks their sources with the TypeScript
 * parser and fails on any `x + N` (N a decimal literal of 2 or more), the form field
 * offsets take, outside the few places below where N counts bytes that are no field.
 */
import { readFileSync, readdirSync } from 'node:fs'
import { join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import ts from 'typescript'
import { describe, expect, it } from 'vitest'

const root = fileURLToPath(new URL('../../', import.meta.url))
const DIRS = ['packages/loader/src', 'packages/cli/src']

/** file -> expressions allowed there, with why. */
const ALLOWED: Record<string, { text: string[]; why: string }> = {
  'packages/loader/src/marshal-out.ts': { text: ['p + 2', 'p + 3', 'p + 4'], why: 'the output buffer writing the bytes of one i32' },
  'packages/loader/src/strings.ts': { text: ['start + 2', 'start + 3'], why: 'the characters of a short ASCII string, unrolled' },
}

function files(dir: string): string[] {
  return readdirSync(join(root, dir), { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.ts'))
    .map((f) => join(dir, f))
}

/** `x + N` expressions with N a decimal integer literal >= 2, as `file:line: text`. */
function bareOffsets(file: string, source: string): string[] {
  const sf = ts.createSourceFile(file, source, ts.ScriptTarget.ES2022, true)
  const found: string[] = []
  const allowed = ALLOWED[file]?.text ?? []
  const visit = (n: ts.Node): void => {
    if (ts.isBinaryExpression(n) && n.operatorToken.kind === ts.SyntaxKind.PlusToken) {
      const lit = [n.left, n.right].find((s) => ts.isNumericLiteral(s) && /^\d+$/.test(s.getText()) && Number(s.text) >= 2)
      const other = lit === n.left ? n.right : n.left
      if (lit !== undefined && !ts.isNumericLiteral(other) && !allowed.includes(n.getText())) {
        found.push(`${file}:${sf.getLineAndCharacterOfPosition(n.getStart()).line + 1}: ${n.getText()}`)
      }
    }
    ts.forEachChild(n, visit)
  }
  visit(sf)
  return found
}

describe('field offsets in the loader and the CLI', () => {
  const all = DIRS.flatMap(files)

  it('finds the sources it checks', () => {
    expect(all).toContain('packages/loader/src/core.ts')
    expect(all).toContain('packages/cli/src/lib/inspect.ts')
  })

  it('catches a bare offset (the check itself works)', () => {
    expect(bareOffsets('x.ts', 'const v = cdat.u32(off + 8)\nconst w = off + CONST_INT.at.value + 1')).toEqual(['x.ts:1: off + 8'])
  })

  it('the CLI reads no bytes of a bundle itself: it formats what the loader returns', () => {
    const reads = /\bDataView\b|\.getU?[Ii]nt(8|16|32)\b|\.getBig(Ui|I)nt64\b|\bbundle\.bytes\b/
    const found = files('packages/cli/src').filter((f) => reads.test(readFileSync(join(root, f), 'utf8')))
    expect(found).toEqual([])
  })

  it('has none: every field offset is named in layout.ts', () => {
    const found = all.flatMap((f) => bareOffsets(relative(root, join(root, f)), readFileSync(join(root, f), 'utf8')))
    expect(found).toEqual([])
  })
})
