/**
 * What `pybundle extract` writes besides the .pyc files (issue 14): package data
 * files next to the package's .pyc files, each distribution's *.dist-info /
 * *.egg-info at the top of --out (as a site-packages install lays them out) and,
 * with --sources, each module's .py. They are entries of the same plan as the
 * modules (extract.ts), so checkPlan holds them to the same rules: every path
 * relative and valid (SPEC.md §5.1), no two entries on one path, exactly or on
 * a case-insensitive disk, before anything is written.
 */
import { PyBundleError } from '@pybundle/errors'
import type { Bundle, ModuleView } from '@pybundle/loader'
import type { PlanEntry } from './plan-entry.js'

export interface ExtractedFiles {
  data: { files: number; bytes: number }
  metadata: { distributions: number; files: number; bytes: number }
  /** null without --sources. */
  sources: { files: number; bytes: number } | null
}

const dec = new TextDecoder()

/** The top-level names a distribution provides: its top_level.txt, else the first parts of its RECORD. */
function topLevelNames(bundle: Bundle, name: string): Set<string> {
  const tops = new Set<string>()
  const top = bundle.getDistributionFile(name, 'top_level.txt')
  if (top !== null) {
    for (const line of dec.decode(top).split('\n')) if (line.trim()) tops.add(line.trim().split('/')[0])
    return tops
  }
  const record = bundle.getDistributionFile(name, 'RECORD')
  if (record !== null) {
    for (const line of dec.decode(record).split('\n')) {
      const first = line.split(',')[0]?.split('/')[0]?.replace(/\.py$/, '')
      if (first) tops.add(first)
    }
  }
  return tops
}

/** A file entry whose bytes are a view into the bundle, read when written. */
function fileEntry(path: string, from: PlanEntry['from'], read: () => Uint8Array | null): PlanEntry {
  return {
    path,
    type: 'file',
    from,
    bytes: () => {
      const b = read()
      if (b === null) throw new PyBundleError('BAD_INDEX', `${path} was listed but cannot be read from the bundle: the bundle is damaged`, { details: { path } })
      return b
    },
  }
}

/**
 * Plan entries for the data files of the selected packages, their sources
 * (`sources`), and distribution metadata: every distribution when `all`, else
 * those whose top-level names include a selected module's.
 */
export function planFiles(bundle: Bundle, selected: readonly ModuleView[], options: { all: boolean; sources: boolean }): PlanEntry[] {
  if (!bundle.hasData()) return []
  const entries: PlanEntry[] = []
  for (const m of selected) {
    if (m.isNamespace) continue
    const name = m.name
    const base = name.split('.').join('/')
    if (m.isPackage) {
      for (const rel of bundle.dataFiles(name)) {
        entries.push(fileEntry(`${base}/${rel}`, { kind: 'data', package: name, path: rel }, () => bundle.getData(name, rel)))
      }
    }
    if (options.sources && bundle.getSource(name) !== null) {
      entries.push(fileEntry(m.isPackage ? `${base}/__init__.py` : `${base}.py`, { kind: 'source', name }, () => bundle.getSource(name)))
    }
  }
  const tops = new Set(selected.map((m) => m.name.split('.')[0]))
  for (const d of bundle.distributions()) {
    const dist = d.name
    if (dist === '' || dist.includes('/')) {
      throw new PyBundleError('MALFORMED', `distribution name ${JSON.stringify(dist)} is not one folder name (SPEC.md §5.1): nothing extracted`, { details: { distribution: dist } })
    }
    if (!options.all && (d.isFile || ![...topLevelNames(bundle, dist)].some((t) => tops.has(t)))) continue
    if (d.isFile) {
      entries.push(fileEntry(dist, { kind: 'metadata', distribution: dist, path: 'PKG-INFO' }, () => bundle.getDistributionFile(dist, 'PKG-INFO')))
      continue
    }
    for (const rel of bundle.distributionFiles(dist)) {
      entries.push(fileEntry(`${dist}/${rel}`, { kind: 'metadata', distribution: dist, path: rel }, () => bundle.getDistributionFile(dist, rel)))
    }
  }
  return entries
}

/** Counts and bytes of what was written, by kind. */
export function summarizeFiles(written: readonly { from: PlanEntry['from']; bytes: number }[], sources: boolean): ExtractedFiles {
  const out: ExtractedFiles = { data: { files: 0, bytes: 0 }, metadata: { distributions: 0, files: 0, bytes: 0 }, sources: sources ? { files: 0, bytes: 0 } : null }
  const dists = new Set<string>()
  for (const w of written) {
    const f = w.from
    if (f.kind === 'data') { out.data.files++; out.data.bytes += w.bytes }
    else if (f.kind === 'metadata') { out.metadata.files++; out.metadata.bytes += w.bytes; dists.add(f.distribution) }
    else if (f.kind === 'source' && out.sources) { out.sources.files++; out.sources.bytes += w.bytes }
  }
  out.metadata.distributions = dists.size
  return out
}
