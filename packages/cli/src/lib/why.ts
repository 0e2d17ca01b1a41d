/**
 * `pybundle inspect --why NAME`: the import chain that brought a module into a
 * bundle, from the build record (BuildInfo, written by `pybundle build`).
 *
 * A module is in for its own reason (include, stdlib, trace) or because of
 * another bundled module: imported by it (closure), inside a package walked
 * with "pkg.*" (package), or the parent package of one (parent). The chain is
 * the shortest such path back to a module that is in for its own reason.
 */
import type { BuildInfo } from '@pybundle/bundler'
import { PyBundleError } from '@pybundle/errors'

export interface WhyStep {
  name: string
  reason: string
  /** The module before it in the chain (what imported it, its package, its child); absent for the first. */
  via?: string
  /** Imported only under try/except ImportError. */
  optional?: boolean
  /** The first step only: imported by the traced program's own code (a script, -c CODE). */
  main?: boolean
}

const ROOTS = new Set(['include', 'stdlib', 'trace'])
/** The traced program's own code (a script, -c CODE): not a module of the bundle. */
const MAIN = '__main__'

/** In for its own reason, or imported by the traced program's own code. */
function isRoot(info: BuildInfo, name: string): boolean {
  const m = info.modules[name]
  return ROOTS.has(m.reason) || (m.reason === 'closure' && (m.importedBy ?? []).includes(MAIN))
}

/** The modules a module is in because of, by its reason. */
function causes(info: BuildInfo, name: string, children: Map<string, string[]>): string[] {
  const m = info.modules[name]
  if (m === undefined) return []
  if (m.reason === 'package') {
    const parent = name.slice(0, Math.max(0, name.lastIndexOf('.')))
    return parent && info.modules[parent] ? [parent] : []
  }
  if (m.reason === 'parent') return children.get(name) ?? []
  return m.importedBy ?? []
}

/**
 * The chain [first, ..., name]: first is in for its own reason (or is the end of
 * what the record says), each next one is in because of the one before.
 * Throws NOT_FOUND when the record has no such module.
 */
export function whyChain(info: BuildInfo, name: string): WhyStep[] {
  if (!Object.hasOwn(info.modules, name)) {
    throw new PyBundleError('NOT_FOUND', `no module ${JSON.stringify(name)} in the bundle's build record; \`pybundle inspect FILE\` lists the modules`, { details: { module: name } })
  }
  const children = new Map<string, string[]>()
  for (const n of Object.keys(info.modules).sort()) {
    const dot = n.lastIndexOf('.')
    if (dot > 0) {
      const p = n.slice(0, dot)
      const list = children.get(p) ?? []
      list.push(n)
      children.set(p, list)
    }
  }
  // Breadth-first from name back through its causes: the first root reached gives the shortest chain.
  const next = new Map<string, string | null>([[name, null]])
  let frontier = [name]
  let found: string | null = isRoot(info, name) ? name : null
  let last = name
  while (found === null && frontier.length) {
    const after: string[] = []
    for (const n of frontier) {
      for (const c of causes(info, n, children)) {
        if (next.has(c) || !Object.hasOwn(info.modules, c)) continue
        next.set(c, n)
        last = c
        if (isRoot(info, c)) {
          found = c
          break
        }
        after.push(c)
      }
      if (found !== null) break
    }
    frontier = after
  }
  const steps: WhyStep[] = []
  let at: string | null = found ?? last
  let via: string | undefined
  while (at !== null) {
    const m = info.modules[at]
    const main = via === undefined && m.reason === 'closure' && (m.importedBy ?? []).includes(MAIN)
    steps.push({ name: at, reason: m.reason, ...(via !== undefined ? { via } : {}), ...(m.optional ? { optional: true } : {}), ...(main ? { main: true } : {}) })
    via = at
    at = next.get(at) ?? null
  }
  return steps
}

function because(s: WhyStep): string {
  switch (s.reason) {
    case 'include': return 'named in [modules] include'
    case 'stdlib': return 'part of the standard library ([modules] stdlib = true)'
    case 'trace': return 'imported by the traced program ([modules] trace)'
    case 'closure': return s.via ? `imported by ${s.via}${s.optional ? ' (only under try/except ImportError)' : ''}` : s.main ? 'imported by the traced program\'s own code ([modules] closure)' : 'imported by bundled code ([modules] closure)'
    case 'package': return s.via ? `a submodule of ${s.via}, included with its package` : 'included with its package'
    case 'parent': return s.via ? `the parent package of ${s.via}` : 'the parent package of a bundled module'
    default: return s.reason
  }
}

/** The text `inspect --why` prints: the chain, one module a line, then everyone that imports the module. */
export function whyText(info: BuildInfo, name: string): string {
  const chain = whyChain(info, name)
  const width = Math.max(...chain.map((s) => s.name.length))
  const lines = [`why ${name} is in the bundle:`]
  chain.forEach((s, i) => lines.push(`  ${i === 0 ? '  ' : '->'} ${s.name.padEnd(width)}  ${because(s)}`))
  const by = info.modules[name].importedBy ?? []
  if (by.length) lines.push(`  imported by ${by.length} bundled ${by.length === 1 ? 'module' : 'modules'}: ${by.join(', ')}`)
  return lines.join('\n') + '\n'
}

/**
 * The bundle's build record. Bundle.buildInfo() comes with the format section
 * that stores it (issue 14); a bundle written before that has none.
 */
export function buildInfoOf(bundle: object, file: string): BuildInfo {
  const read = (bundle as { buildInfo?: () => BuildInfo | null }).buildInfo
  const info = typeof read === 'function' ? read.call(bundle) : null
  if (info === null || info === undefined) {
    throw new PyBundleError('NOT_FOUND', `${file} holds no build record, so it cannot say why a module is in: rebuild it with \`pybundle build\` (which records it)`, { file })
  }
  return info
}

/** inspect --why --json: the chain and every importer. */
export function whyJson(info: BuildInfo, name: string): { module: string; chain: WhyStep[]; importedBy: string[] } {
  return { module: name, chain: whyChain(info, name), importedBy: info.modules[name].importedBy ?? [] }
}
