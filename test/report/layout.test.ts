import { describe, expect, it } from 'vitest'
import { buildTree, squarify, type ReportModule, type TreeNode } from '@pybundle/report'

describe('squarify', () => {
  const check = (values: number[], w: number, h: number): void => {
    const rs = squarify(values, 10, 20, w, h)
    const total = values.reduce((a, b) => a + b, 0)
    expect(rs.length).toBe(values.length)
    rs.forEach((r, i) => {
      // area proportional to value, inside the box
      expect(r.w * r.h).toBeCloseTo((values[i] / total) * w * h, 6)
      expect(r.x).toBeGreaterThanOrEqual(10 - 1e-9)
      expect(r.y).toBeGreaterThanOrEqual(20 - 1e-9)
      expect(r.x + r.w).toBeLessThanOrEqual(10 + w + 1e-9)
      expect(r.y + r.h).toBeLessThanOrEqual(20 + h + 1e-9)
    })
    // no two overlap
    let overlaps = 0
    for (let i = 0; i < rs.length; i++)
      for (let j = i + 1; j < rs.length; j++) {
        const a = rs[i]
        const b = rs[j]
        const ox = Math.min(a.x + a.w, b.x + b.w) - Math.max(a.x, b.x)
        const oy = Math.min(a.y + a.h, b.y + b.h) - Math.max(a.y, b.y)
        if (ox > 1e-9 && oy > 1e-9) overlaps++
      }
    expect(overlaps).toBe(0)
  }

  it('tiles the box with areas in proportion', () => {
    check([6, 6, 4, 3, 2, 2, 1], 600, 400) // the paper's example
    check([100], 50, 70)
    check([5, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1], 300, 1000)
    const many = Array.from({ length: 500 }, (_, i) => 1 + ((i * 7919) % 1000)).sort((a, b) => b - a)
    check(many, 1200, 800)
  })

  it('keeps aspect ratios near square for sorted input', () => {
    const values = Array.from({ length: 200 }, (_, i) => 200 - i)
    const rs = squarify(values, 0, 0, 1000, 600)
    const ratios = rs.map((r) => Math.max(r.w / r.h, r.h / r.w)).sort((a, b) => a - b)
    expect(ratios[Math.floor(ratios.length / 2)]).toBeLessThan(3)
  })

  it('gives nothing to zero values and copes with an empty box', () => {
    expect(squarify([], 0, 0, 10, 10)).toEqual([])
    const rs = squarify([3, 0, 1], 0, 0, 40, 10)
    expect(rs[1].w * rs[1].h).toBe(0)
    expect(squarify([1, 2], 0, 0, 0, 10).every((r) => r.w * r.h === 0)).toBe(true)
  })
})

describe('buildTree', () => {
  const mod = (name: string, kind: ReportModule['kind'], bytes: number): ReportModule => ({
    name,
    kind,
    codeObjects: 1,
    bytecodeBytes: 10,
    bytesAttributed: bytes,
    stringsOwned: 2,
    stringsShared: 1,
    constsOwned: 1,
    constsShared: 1,
  })
  const root = buildTree([
    mod('os', 'module', 100),
    mod('email', 'package', 10),
    mod('email.parser', 'module', 30),
    mod('email.mime', 'package', 5),
    mod('email.mime.text', 'module', 7),
    mod('ns', 'namespace', 0),
    mod('ns.a', 'module', 3),
    mod('orphan.deep.x', 'module', 4),
  ])
  const find = (n: TreeNode, name: string, kind?: string): TreeNode | undefined =>
    n.name === name && (!kind || n.kind === kind) ? n : n.children.map((c) => find(c, name, kind)).find(Boolean)

  it('groups by dotted name, a package holding its own __init__ leaf', () => {
    expect(root.children.map((c) => c.name)).toEqual(['os', 'email', 'orphan', 'ns'])
    const email = find(root, 'email', 'package')!
    expect(email.children.map((c) => `${c.label}:${c.kind}`)).toEqual(['parser:module', 'mime:package', '__init__:init'])
    expect(email.size).toBe(10 + 30 + 5 + 7)
    expect(email.figures.modules).toBe(4)
    expect(email.figures.stringsShared).toBe(4)
    expect(find(root, 'ns')!.kind).toBe('namespace')
    // a prefix with no record of its own is a plain group
    expect(find(root, 'orphan')!.kind).toBe('group')
    expect(find(root, 'orphan.deep')!.kind).toBe('group')
    expect(find(root, 'orphan.deep.x')!.depth).toBe(3)
    expect(root.size).toBe(159)
    expect(root.figures.modules).toBe(8)
  })

  it('with regions, draws every byte of the file: data per package, metadata per distribution, the rest beside the modules', () => {
    const modules = [mod('app', 'package', 50), mod('app.views', 'module', 30), mod('jinja2', 'package', 70)]
    const regions = [
      { name: 'header and section table', kind: 'header' as const, bytes: 544 },
      { name: 'app', kind: 'data' as const, bytes: 120 },
      { name: 'jinja2', kind: 'data' as const, bytes: 8 },
      { name: 'Jinja2-3.1.2.dist-info', kind: 'metadata' as const, bytes: 64 },
      { name: 'shared strings, constants and blobs', kind: 'shared' as const, bytes: 200 },
      { name: 'padding between sections', kind: 'padding' as const, bytes: 0 },
    ]
    const t = buildTree(modules, regions)
    expect(t.size).toBe(50 + 30 + 70 + 544 + 120 + 8 + 64 + 200)
    expect(t.figures.modules).toBe(3)
    const data = find(t, '[data]', 'resources')!
    expect(data.label).toBe('data files')
    expect(data.children.map((c) => [c.label, c.kind, c.size])).toEqual([['app', 'data', 120], ['jinja2', 'data', 8]])
    expect(find(t, '[metadata]', 'resources')!.children.map((c) => c.label)).toEqual(['Jinja2-3.1.2.dist-info'])
    expect(find(t, '[header] header and section table', 'region')!.size).toBe(544)
    // an empty region draws nothing; a data leaf never takes a module's name
    expect(find(t, '[padding] padding between sections')).toBeUndefined()
    expect(find(t, 'app', 'package')!.size).toBe(80)
    // without regions the tree is the modules alone, as before
    expect(buildTree(modules).size).toBe(150)
  })

  it('turns a "module" that has submodules into a package', () => {
    const t = buildTree([mod('a', 'module', 1), mod('a.b', 'module', 2)])
    expect(t.children[0].kind).toBe('package')
    expect(t.children[0].children.map((c) => c.kind)).toEqual(['module', 'init'])
  })
})
