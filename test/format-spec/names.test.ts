/**
 * The module-name rule of SPEC.md §5.1 (packages/format-spec/src/names.ts): it
 * refuses every name that does not map to one file path on Linux, macOS and
 * Windows, and it refuses no module name of any standard library on this machine.
 */
import { describe, expect, it } from 'vitest'
import { checkModuleName, checkNamePart, checkRelativePath, LIMITS, MAX_NAME_PART_BYTES, pathFoldKey } from '@pybundle/format-spec'
import { findInterpreters, findPyodide, runPython, type Interpreter } from '../helpers/index.js'

describe('checkModuleName', () => {
  it.each([
    'os', 'json.decoder', '_sysconfigdata__linux_x86_64-linux-gnu', '__hello__', '__phello__.spam', 'café', 'π.τ',
    '数据.模块', 'test.audit-tests', 'a'.repeat(MAX_NAME_PART_BYTES), 'pkg.__init__', 'x1.y_2',
  ])('accepts %j', (name) => {
    expect(checkModuleName(name)).toBeUndefined()
  })

  it.each([
    ['', /empty/], ['.', /starts with/], ['.a', /starts with/], ['a.', /ends with/], ['a..b', /empty part/],
    [' ', /space/], ['a b', /space/], ['a\u00a0b', /space/], ['a\u2028b', /control or format/], ['a\u2029b', /control or format/],
    ['a/b', /separator/], ['/', /separator/], ['a\\b', /separator/], ['a\0b', /NUL/], ['a\nb', /control/], ['a\rb', /control/],
    ['\u001b[2J', /control/], ['a\u007fb', /control/], ['a\u0085b', /control/], ['a\u202eb', /format/], ['a\u200bb', /format/],
    ['a\u200db', /format/], ['a\ufeffb', /format/], ['a:b', /Windows/], ['a<b', /Windows/], ['a|b', /Windows/], ['a?b', /Windows/],
    ['a*b', /Windows/], ['a"b', /Windows/], ['con', /device/], ['pkg.NUL', /device/], ['x.Com1', /device/], ['lpt9', /device/],
    ['a\ud800b', /surrogate/], ['a'.repeat(MAX_NAME_PART_BYTES + 1), /UTF-8 bytes/],
    [Array.from({ length: 2000 }, () => 'ab').join('.'), /MAX_NAME_BYTES/],
  ])('refuses %j', (name, reason) => {
    const r = checkModuleName(name)
    expect(r).toMatch(reason)
    // the reason names the character by code point, never raw
    expect(r).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202e\u200b\ufeff]|\u200d/u)
  })

  it('checks the byte length in UTF-8, not UTF-16 units', () => {
    const part = 'é'.repeat(MAX_NAME_PART_BYTES / 2 + 1)
    expect(part.length).toBeLessThanOrEqual(MAX_NAME_PART_BYTES)
    expect(checkNamePart(part)).toMatch(/UTF-8 bytes/)
    expect(LIMITS.MAX_NAME_BYTES).toBe(4096)
  })
})

describe('checkRelativePath', () => {
  it.each(['a', 'pkg/data/file.txt', 'pkg/my file.json', 'a.b/c', 'dir/.hidden', 'über/π.txt'])('accepts %j', (p) => {
    expect(checkRelativePath(p)).toBeUndefined()
  })
  it.each([
    ['', /empty/], ['/etc/passwd', /absolute/], ['C:/x', /drive/], ['a//b', /empty/], ['a/./b', /'\.'/], ['../x', /'\.\.'/],
    ['a/..', /'\.\.'/], ['a\\b', /separator/], ['a/b.', /ends with/], ['a/b ', /ends with/], ['a/con.txt', /device/],
    ['a/b\u0000', /NUL/], ['a/\u001b]0;x\u0007', /control/], ['a/b:c', /Windows/], ['a/b\u3000c', /space other/],
  ])('refuses %j', (p, reason) => {
    expect(checkRelativePath(p)).toMatch(reason)
  })
})

describe('pathFoldKey', () => {
  it('folds case and Unicode normalization the way case-insensitive disks do', () => {
    expect(pathFoldKey('Pkg/Mod.pyc')).toBe(pathFoldKey('pkg/mod.pyc'))
    expect(pathFoldKey('caf\u00e9')).toBe(pathFoldKey('cafe\u0301'))
    expect(pathFoldKey('a/b.pyc')).not.toBe(pathFoldKey('a/c.pyc'))
  })
})

describe('every module name of every standard library here is valid', () => {
  const { found, skipped } = findInterpreters()
  for (const s of skipped) console.log(`names: skipping CPython ${s.version}: ${s.reason}`)
  const py = findPyodide()
  const all: Interpreter[] = [...found]
  if ('interp' in py) all.push(py.interp)
  else console.log(`names: skipping Pyodide: ${py.skipped.reason}`)

  it.each(all.map((i) => [i.full, i] as const))('CPython %s', async (_v, interp) => {
    const names = JSON.parse(await runPython(interp.executable, 'module_names.py', [])) as string[]
    expect(names.length).toBeGreaterThan(500)
    expect(names).toContain('os')
    const refused = names.map((n) => [n, checkModuleName(n)]).filter(([, r]) => r !== undefined)
    expect(refused).toEqual([])
  })
})
