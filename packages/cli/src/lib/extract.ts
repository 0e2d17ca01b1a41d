/**
 * `pybundle extract` as data: module a.b -> DIR/a/b.pyc, a package's code ->
 * DIR/pkg/__init__.pyc, a namespace package -> the bare folder DIR/pkg/. With
 * DIR first on sys.path, CPython imports these sourceless (SourcelessFileLoader).
 */
import { mkdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { PyBundleError } from '@pybundle/errors'
import type { Bundle, ModuleView } from '@pybundle/loader'
import { moduleKind, type ModuleKind } from './inspect.js'

export interface ExtractedModule {
  name: string
  kind: ModuleKind
  /** Path written, relative to DIR, '/'-separated (a folder for a namespace package). */
  path: string
  bytes: number
}

export interface ExtractReport {
  out: string
  /** The Python the .pyc files are for: the bundle's (its magic number is in each file's header). */
  python: { version: string; magic: number }
  modules: ExtractedModule[]
  bytes: number
}

export interface ExtractOptions {
  /** Run the loader's verify() first and refuse a damaged bundle (default true). */
  verify?: boolean
}

/** Codes extract may throw for "the bundle is damaged" (the CLI maps them to exit 3). */
const DAMAGE_CODES = new Set<string>([
  'TRUNCATED', 'MALFORMED', 'BAD_MAGIC', 'UNSUPPORTED_VERSION', 'LIMIT_EXCEEDED', 'BAD_TYPE_CODE', 'BAD_REF',
  'BAD_UTF8', 'UNSUPPORTED_VALUE', 'OUT_OF_BOUNDS', 'MISALIGNED', 'BAD_REDIRECT', 'BAD_INDEX', 'CHECKSUM_MISMATCH',
])

/**
 * Refuse a bundle that verify() rejects, naming its first problem: extracting
 * from it could write silently corrupted bytecode (a flipped bit in BLOB).
 */
export function assertVerified(bundle: Bundle): void {
  const report = bundle.verify({ maxProblems: 1 })
  if (report.ok) return
  const p = report.problems[0]
  const code = p && DAMAGE_CODES.has(p.code) ? p.code : 'MALFORMED'
  const what = p
    ? `[${p.code}] ${p.section ? `${p.section} ` : ''}at byte ${p.offset}${p.path ? ` (${p.path})` : ''}: ${p.message}`
    : 'verify() reports a problem'
  throw new PyBundleError(code as PyBundleError['code'], `the bundle fails verification, nothing extracted: ${what}`, {
    offset: p && p.offset >= 0 ? p.offset : undefined,
    details: { problem: p },
  })
}

/** A module MODS lists that the module index (MIDX) does not find: the bundle is damaged, not the name wrong. */
function lookupListed(bundle: Bundle, name: string): ModuleView {
  const m = bundle.getModule(name)
  if (m === undefined || m.name !== name) {
    throw new PyBundleError('BAD_INDEX', `module ${JSON.stringify(name)} is listed in MODS but the module index (MIDX) does not find it: the bundle is damaged`, { details: { module: name } })
  }
  return m
}

export function pycPath(m: ModuleView): string {
  const parts = m.name.split('.')
  if (m.isNamespace) return parts.join('/')
  if (m.isPackage) return [...parts, '__init__.pyc'].join('/')
  return parts.join('/') + '.pyc'
}

export async function extractBundle(bundle: Bundle, out: string, names?: readonly string[], options: ExtractOptions = {}): Promise<ExtractReport> {
  if (options.verify !== false) assertVerified(bundle)
  let selected: ModuleView[]
  if (names && names.length) {
    const missing = names.filter((n) => bundle.getModule(n) === undefined)
    if (missing.length) {
      const listed = new Set(bundle.moduleNames())
      const damaged = missing.filter((n) => listed.has(n))
      if (damaged.length) lookupListed(bundle, damaged[0])
      throw new PyBundleError('NOT_FOUND', `no module ${missing.map((n) => JSON.stringify(n)).join(', ')} in the bundle; \`pybundle inspect\` lists its modules`, { details: { names: missing } })
    }
    selected = names.map((n) => bundle.getModule(n)!)
  } else {
    selected = [...bundle.modules()]
    // Every listed module must be found by name, or toPyc() would say NOT_FOUND (a usage error).
    for (const m of selected) lookupListed(bundle, m.name)
  }
  await mkdir(out, { recursive: true })
  const modules: ExtractedModule[] = []
  let total = 0
  for (const m of selected) {
    const rel = pycPath(m)
    const parts = rel.split('/')
    if (parts.some((p) => p === '' || p === '.' || p === '..')) {
      throw new PyBundleError('MALFORMED', `module name ${JSON.stringify(m.name)} does not map to a file path`)
    }
    const target = join(out, ...parts)
    if (m.isNamespace) {
      await mkdir(target, { recursive: true })
      modules.push({ name: m.name, kind: 'namespace', path: rel, bytes: 0 })
      continue
    }
    const pyc = bundle.toPyc(m.name)
    await mkdir(join(out, ...parts.slice(0, -1)), { recursive: true })
    await writeFile(target, pyc)
    total += pyc.length
    modules.push({ name: m.name, kind: moduleKind(m), path: rel, bytes: pyc.length })
  }
  return { out, python: { version: bundle.pythonVersion, magic: bundle.magic }, modules, bytes: total }
}
