/**
 * `pybundle extract` as data: module a.b -> DIR/a/b.pyc, a package's code ->
 * DIR/pkg/__init__.pyc, a namespace package -> the bare folder DIR/pkg/. With
 * DIR first on sys.path, CPython imports these sourceless (SourcelessFileLoader).
 *
 * Nothing is written before the whole PLAN is made and checked: every target
 * path, what produces its bytes and which bundle entry it comes from. The plan
 * is refused (exit 3, naming both entries) when two entries land on one path,
 * exactly or on a case-insensitive disk, and when a name is not valid by
 * SPEC.md §5.1 (possible with --no-verify). Files are then written by
 * safe-write.ts: never through a symbolic link, never into an existing file.
 */
import { dirname } from 'node:path/posix'
import { lstatSync, statSync } from 'node:fs'
import { join as joinNative } from 'node:path'
import { PyBundleError } from '@pybundle/errors'
import { checkModuleName, checkRelativePath, pathFoldKey } from '@pybundle/format-spec'
import type { Bundle, ModuleView } from '@pybundle/loader'
import { moduleKind, type ModuleKind } from './inspect.js'
import { makeFolders, syncFolder, writeFileReplacing } from './safe-write.js'
import { planFiles, summarizeFiles, type ExtractedFiles } from './extract-files.js'
import type { PlanEntry } from './plan-entry.js'
import { BUNDLE_CODES } from './handle-error.js'

export type { PlanEntry } from './plan-entry.js'

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
  /** Bytes of the .pyc files. */
  bytes: number
  /** Package data, distribution metadata and (--sources) .py files written, each with where it came from. */
  files: { path: string; from: Exclude<PlanEntry['from'], { kind: 'module' }>; bytes: number }[]
  data: ExtractedFiles['data']
  metadata: ExtractedFiles['metadata']
  sources: ExtractedFiles['sources']
}

export interface ExtractOptions {
  /** Run the loader's verify() first and refuse a damaged bundle (default true). */
  verify?: boolean
  /** Also write each module's .py where the bundle holds it (built with sources = true). Default false. */
  sources?: boolean
}


/**
 * Refuse a bundle that verify() rejects, naming its first problem: extracting
 * from it could write silently corrupted bytecode (a flipped bit in BLOB).
 */
export function assertVerified(bundle: Bundle): void {
  const report = bundle.verify({ maxProblems: 1 })
  if (report.ok) return
  const p = report.problems[0]
  const code = p && BUNDLE_CODES.has(p.code) ? p.code : 'MALFORMED'
  const what = p
    ? `[${p.code}] ${p.section ? `${p.section} ` : ''}at byte ${p.offset}${p.path ? ` (${p.path})` : ''}: ${p.message}`
    : 'verify() reports a problem'
  throw new PyBundleError(code, `the bundle fails verification, nothing extracted: ${what}`, {
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

export interface ExtractPlan {
  entries: PlanEntry[]
}

/** Human name of an entry's source, for collision messages. */
export function describeSource(e: PlanEntry): string {
  const f = e.from
  switch (f.kind) {
    case 'module': return `module ${JSON.stringify(f.name)}`
    case 'data': return `data file ${JSON.stringify(f.path)} of package ${JSON.stringify(f.package)}`
    case 'metadata': return `file ${JSON.stringify(f.path)} of distribution ${JSON.stringify(f.distribution)}`
    case 'source': return `the source of module ${JSON.stringify(f.name)}`
  }
}

export function pycPath(m: ModuleView): string {
  const parts = m.name.split('.')
  if (m.isNamespace) return parts.join('/')
  if (m.isPackage) return [...parts, '__init__.pyc'].join('/')
  return parts.join('/') + '.pyc'
}

/** Plan entries for modules; a name that is not valid by SPEC.md §5.1 is refused (the bundle is damaged). */
export function planModules(bundle: Bundle, modules: readonly ModuleView[]): PlanEntry[] {
  // Where each name would land if taken as a path as it is ('a/b' lands where 'a.b' does): to name both.
  const naive = new Map<string, string[]>()
  const naiveKey = (m: ModuleView): string => pathFoldKey(pycPath(m).replaceAll('\\', '/'))
  for (const m of modules) {
    const k = naiveKey(m)
    naive.set(k, [...(naive.get(k) ?? []), m.name])
  }
  return modules.map((m) => {
    const name = m.name
    const bad = checkModuleName(name)
    if (bad !== undefined) {
      const other = naive.get(naiveKey(m))?.find((n) => n !== name)
      const clash = other !== undefined ? ` and would extract onto the file of module ${JSON.stringify(other)}` : ''
      throw new PyBundleError('MALFORMED', `module name ${JSON.stringify(name)} is not valid (${bad}; SPEC.md §5.1)${clash}: it does not map to one file path, nothing extracted`, { details: { module: name, reason: bad, ...(clash ? { collidesWith: other } : {}) } })
    }
    const kind = moduleKind(m)
    const from = { kind: 'module' as const, name, moduleKind: kind }
    if (m.isNamespace) return { path: pycPath(m), type: 'folder' as const, from }
    return { path: pycPath(m), type: 'file' as const, from, bytes: () => bundle.toPyc(name) }
  })
}

/**
 * Check a whole plan before anything is written: every path is relative and safe
 * (checkRelativePath), and no two entries are one file or folder on Linux, macOS
 * or Windows: the same path, paths equal once case and Unicode normalization are
 * folded, or a file where another entry needs a folder. Throws MALFORMED naming both.
 */
export function checkPlan(plan: ExtractPlan): void {
  // key -> [entry, is it a file]; folders every entry implies count as folders of that entry.
  const seen = new Map<string, { entry: PlanEntry; path: string; file: boolean }>()
  const clash = (a: { entry: PlanEntry; path: string }, b: PlanEntry, path: string): never => {
    const same = a.path === path
    throw new PyBundleError('MALFORMED', `${describeSource(a.entry)} and ${describeSource(b)} extract to the same ${same ? 'path' : 'path on a case-insensitive disk'}: ${JSON.stringify(a.path)}${same ? '' : ` and ${JSON.stringify(path)}`}; nothing extracted (extract them one at a time with --module)`, {
      details: { entries: [a.entry.from, b.from], paths: [a.path, path] },
    })
  }
  for (const e of plan.entries) {
    const bad = checkRelativePath(e.path)
    if (bad !== undefined) throw new PyBundleError('MALFORMED', `${describeSource(e)} maps to the path ${JSON.stringify(e.path)}, which ${bad}; nothing extracted`, { details: { entry: e.from, path: e.path } })
    const parts = e.path.split('/')
    for (let i = 1; i <= parts.length; i++) {
      const path = parts.slice(0, i).join('/')
      const file = i === parts.length && e.type === 'file'
      const key = pathFoldKey(path)
      const prev = seen.get(key)
      if (prev === undefined) {
        seen.set(key, { entry: e, path, file })
        continue
      }
      // Two folders of one path (a.b and a.c both need a/) are one folder, not a clash, when spelled the same.
      if (!file && !prev.file && prev.path === path) continue
      if (prev.entry === e) continue
      clash(prev, e, path)
    }
  }
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
    selected = [...new Set(names)].map((n) => bundle.getModule(n)!)
  } else {
    selected = [...bundle.modules()]
    // Every listed module must be found by name, or toPyc() would say NOT_FOUND (a usage error).
    for (const m of selected) lookupListed(bundle, m.name)
  }
  const sources = options.sources === true
  const plan: ExtractPlan = { entries: [...planModules(bundle, selected), ...planFiles(bundle, selected, { all: !(names && names.length), sources })] }
  checkPlan(plan)
  return writePlan(bundle, plan, out, sources)
}

/** Write a checked plan under `out`: folders first (checked component by component), then each file by temp + rename. */
export async function writePlan(bundle: Bundle, plan: ExtractPlan, out: string, sources = false): Promise<ExtractReport> {
  refuseInputs(bundle, plan, out)
  const made = new Set<string>()
  await makeFolders(out, '', made)
  const modules: ExtractedModule[] = []
  const files: ExtractReport['files'] = []
  const folders = new Set<string>()
  let total = 0
  for (const e of plan.entries) {
    const folder = e.type === 'folder' ? e.path : dirname(e.path) === '.' ? '' : dirname(e.path)
    const abs = await makeFolders(out, folder, made)
    folders.add(abs)
    const f = e.from
    if (e.type === 'file') {
      const bytes = e.bytes!()
      await writeFileReplacing(joinNative(out, ...e.path.split('/')), bytes)
      if (f.kind === 'module') {
        total += bytes.length
        modules.push({ name: f.name, kind: f.moduleKind, path: e.path, bytes: bytes.length })
      } else {
        files.push({ path: e.path, from: f, bytes: bytes.length })
      }
    } else if (f.kind === 'module') {
      modules.push({ name: f.name, kind: f.moduleKind, path: e.path, bytes: 0 })
    }
  }
  for (const f of folders) await syncFolder(f)
  return { out, python: { version: bundle.pythonVersion, magic: bundle.magic }, modules, bytes: total, files, ...summarizeFiles(files, sources) }
}

/** No target may be the bundle being read (or a hard link to it): replacing it is never what extract means. */
function refuseInputs(bundle: Bundle, plan: ExtractPlan, out: string): void {
  if (bundle.file === undefined) return
  const input = statSync(bundle.file, { throwIfNoEntry: false })
  if (input === undefined) return
  for (const e of plan.entries) {
    const target = joinNative(out, ...e.path.split('/'))
    let st
    try {
      st = lstatSync(target, { throwIfNoEntry: false })
    } catch {
      continue // unreachable now: writing it will say why
    }
    if (st !== undefined && st.dev === input.dev && st.ino === input.ino) {
      throw new PyBundleError('IO', `${target} (for ${describeSource(e)}) is the bundle ${bundle.file} this command reads: extracting would replace it; give --out another folder`, { file: target })
    }
  }
}
