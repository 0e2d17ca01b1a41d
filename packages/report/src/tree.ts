import type { ModuleKind, ReportModule, ReportRegion } from './report-data.js'

/**
 * The package hierarchy of a bundle, built from dotted names.
 *
 * A package or namespace package is a group node; a package's own code (its
 * `__init__`) is a leaf inside its group, labelled `__init__`, so a group's
 * area is exactly the sum of its leaves. A name that has children but no
 * module record of its own (e.g. only `a.b` is bundled) becomes a plain group.
 */
export type NodeKind =
  /** the whole bundle */
  | 'root'
  /** a package (group with an `__init__` leaf) */
  | 'package'
  /** a namespace package (group, no code of its own) */
  | 'namespace'
  /** a prefix of bundled names with no module record of its own */
  | 'group'
  /** a plain module (leaf) */
  | 'module'
  /** the code of a package or namespace itself (leaf) */
  | 'init'
  /** a group of regions that are not code: "data files" (one leaf per package), "metadata" (one per distribution) */
  | 'resources'
  /** a package's data files (leaf) */
  | 'data'
  /** a distribution's metadata files (leaf) */
  | 'metadata'
  /** bytes of the file's structure: header, indexes, shared tables, sources, build info, padding (leaf) */
  | 'region'

/** A node's figures: a module's (ReportModule's counts), summed over the modules below a group. */
export interface Figures extends Omit<ReportModule, 'name' | 'kind'> {
  /** Modules below the node (1 for a leaf). */
  modules: number
}

export interface TreeNode {
  /** Dotted name; '' for the root. An `init` leaf has its package's name. */
  name: string
  /** Last name component, or `__init__`. */
  label: string
  kind: NodeKind
  /** Index in the modules array, -1 when the node has no record. */
  module: number
  /** bytesAttributed of the leaf, or the sum over the group's leaves. */
  size: number
  /** Figures of the leaf, or summed over the group's leaves. */
  figures: Figures
  /** Largest first (ties by label). */
  children: TreeNode[]
  parent: TreeNode | null
  depth: number
}

/**
 * Builds the hierarchy: the modules by package, and, when `regions` are given,
 * the rest of the file beside them (a "data files" group with one leaf per
 * package, a "metadata" group with one per distribution, and a leaf per other
 * region), so that the root's size is the whole file. Region nodes are named
 * "[kind] name", which no module name can be. Also injected into the report
 * page by Function#toString: keep it self-contained (no imports at run time,
 * no references outside its body).
 */
export function buildTree(modules: readonly ReportModule[], regions: readonly ReportRegion[] = []): TreeNode {
  const zero = (): Figures => ({
    modules: 0,
    codeObjects: 0,
    bytecodeBytes: 0,
    bytesAttributed: 0,
    stringsOwned: 0,
    stringsShared: 0,
    constsOwned: 0,
    constsShared: 0,
  })
  const root: TreeNode = { name: '', label: '', kind: 'root', module: -1, size: 0, figures: zero(), children: [], parent: null, depth: 0 }
  // Which names are groups: packages, namespaces, and every proper prefix of a name.
  const groupKind = new Map<string, ModuleKind | 'group'>()
  for (const m of modules) {
    const parts = m.name.split('.')
    for (let k = 1; k < parts.length; k++) {
      const prefix = parts.slice(0, k).join('.')
      if (!groupKind.has(prefix)) groupKind.set(prefix, 'group')
    }
  }
  for (const m of modules) {
    if (m.kind !== 'module' || groupKind.has(m.name)) groupKind.set(m.name, m.kind === 'module' ? 'package' : m.kind)
  }
  const groups = new Map<string, TreeNode>([['', root]])
  const groupOf = (name: string): TreeNode => {
    const found = groups.get(name)
    if (found) return found
    const dot = name.lastIndexOf('.')
    const parent = groupOf(dot < 0 ? '' : name.slice(0, dot))
    const kind = groupKind.get(name)
    const node: TreeNode = {
      name,
      label: name.slice(dot + 1),
      kind: kind === 'module' || kind === undefined ? 'group' : kind,
      module: -1,
      size: 0,
      figures: zero(),
      children: [],
      parent,
      depth: parent.depth + 1,
    }
    parent.children.push(node)
    groups.set(name, node)
    return node
  }
  for (let i = 0; i < modules.length; i++) {
    const m = modules[i]
    let parent: TreeNode
    let label: string
    let kind: NodeKind
    if (groupKind.has(m.name)) {
      parent = groupOf(m.name)
      parent.module = i
      label = '__init__'
      kind = 'init'
    } else {
      const dot = m.name.lastIndexOf('.')
      parent = groupOf(dot < 0 ? '' : m.name.slice(0, dot))
      label = m.name.slice(dot + 1)
      kind = 'module'
    }
    const figures: Figures = {
      modules: 1,
      codeObjects: m.codeObjects,
      bytecodeBytes: m.bytecodeBytes,
      bytesAttributed: m.bytesAttributed,
      stringsOwned: m.stringsOwned,
      stringsShared: m.stringsShared,
      constsOwned: m.constsOwned,
      constsShared: m.constsShared,
    }
    parent.children.push({ name: m.name, label, kind, module: i, size: m.bytesAttributed, figures, children: [], parent, depth: parent.depth + 1 })
  }
  // The bytes that are not a module's, beside the modules (every byte of the file is drawn).
  const regionGroups = new Map<string, TreeNode>()
  for (const r of regions) {
    if (r.bytes <= 0) continue
    let parent = root
    let kind: NodeKind = 'region'
    if (r.kind === 'data' || r.kind === 'metadata') {
      kind = r.kind
      const label = r.kind === 'data' ? 'data files' : 'metadata'
      let g = regionGroups.get(label)
      if (g === undefined) {
        g = { name: `[${r.kind}]`, label, kind: 'resources', module: -1, size: 0, figures: zero(), children: [], parent: root, depth: 1 }
        regionGroups.set(label, g)
        root.children.push(g)
      }
      parent = g
    }
    const figures = zero()
    figures.bytesAttributed = r.bytes
    parent.children.push({ name: `[${r.kind}] ${r.name}`, label: r.name, kind, module: -1, size: r.bytes, figures, children: [], parent, depth: parent.depth + 1 })
  }
  // Sum sizes and figures bottom-up; sort children largest first.
  const finish = (node: TreeNode): void => {
    if (node.children.length === 0) return
    for (const c of node.children) {
      finish(c)
      node.size += c.size
      const f = node.figures
      const g = c.figures
      f.modules += g.modules
      f.codeObjects += g.codeObjects
      f.bytecodeBytes += g.bytecodeBytes
      f.bytesAttributed += g.bytesAttributed
      f.stringsOwned += g.stringsOwned
      f.stringsShared += g.stringsShared
      f.constsOwned += g.constsOwned
      f.constsShared += g.constsShared
    }
    node.children.sort((a, b) => b.size - a.size || (a.label < b.label ? -1 : a.label > b.label ? 1 : 0))
  }
  finish(root)
  return root
}
