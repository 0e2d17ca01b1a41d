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
  modules: ExtractedModule[]
  bytes: number
}

export function pycPath(m: ModuleView): string {
  const parts = m.name.split('.')
  if (m.isNamespace) return parts.join('/')
  if (m.isPackage) return [...parts, '__init__.pyc'].join('/')
  return parts.join('/') + '.pyc'
}

export async function extractBundle(bundle: Bundle, out: string, names?: readonly string[]): Promise<ExtractReport> {
  let selected: ModuleView[]
  if (names && names.length) {
    const missing = names.filter((n) => bundle.getModule(n) === undefined)
    if (missing.length) {
      throw new PyBundleError('NOT_FOUND', `no module ${missing.map((n) => JSON.stringify(n)).join(', ')} in the bundle; \`pybundle inspect\` lists its modules`, { details: { names: missing } })
    }
    selected = names.map((n) => bundle.getModule(n)!)
  } else {
    selected = [...bundle.modules()]
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
  return { out, modules, bytes: total }
}
