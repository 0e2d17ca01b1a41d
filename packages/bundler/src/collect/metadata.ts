/**
 * Distribution metadata (issue 14): the `*.dist-info` / `*.egg-info` of every
 * distribution that provides a bundled top-level module or package, found by
 * the target interpreter's importlib.metadata (python/distributions.py), and
 * stored whole: every file of the folder, or the single PKG-INFO-style file
 * of an old-style `foo.egg-info` file.
 *
 * The same helper run reports the interpreter's EXTENSION_SUFFIXES, which the
 * data collector needs, so one interpreter run serves both.
 */
import { resourcePathProblem } from '@pybundle/format-spec'
import type { DistributionInput } from '../bundle-input.js'
import type { Interpreter } from '../interpreter/interpreter.js'
import { helperScript } from '../interpreter/scripts.js'
import { interpreterFailure } from '../resolve/resolve-modules.js'
import { MAX_DATA_FILE_SIZE } from './data.js'
import { byUtf8 } from './paths.js'
import { readRegularFile, statFollowing } from './read-file.js'
import { folderKey, walkFolder } from './walk-folder.js'

export interface BundledModuleRef {
  name: string
  kind: 'source' | 'sourceless' | 'namespace'
  /** Absolute file ('' or null for namespace packages). */
  file: string | null
  /** '/'-separated path relative to its sys.path folder. */
  relpath: string
}

export interface SkippedMetadata {
  /** The entry's name ("Foo-1.0.dist-info"). */
  distribution: string
  /** Relative to the entry ('' for the entry itself). */
  path: string
  reason: string
}

export interface InstalledDistribution {
  name: string
  /** Absolute path of the entry. */
  path: string
  isFile: boolean
  /** The Name field of its metadata, when it has one. */
  project: string | null
  /** The bundled top-level names it provides. */
  provides: string[]
}

export interface DistributionScan {
  extensionSuffixes: string[]
  distributions: InstalledDistribution[]
  skipped: SkippedMetadata[]
}

/** The sys.path folder each bundled top-level name was found in (several for a namespace package). */
export function topLevelRoots(modules: readonly BundledModuleRef[]): Record<string, string[]> {
  const roots = new Map<string, Set<string>>()
  for (const m of modules) {
    if (m.kind === 'namespace' || !m.file || !m.relpath) continue
    // file = root + '/' + relpath, by how resolve.py builds relpath from the module name.
    const tail = '/' + m.relpath
    if (!m.file.replace(/\\/g, '/').endsWith(tail)) continue
    const root = m.file.slice(0, m.file.length - tail.length) || '/'
    const top = m.name.split('.')[0]
    let set = roots.get(top)
    if (!set) roots.set(top, (set = new Set()))
    set.add(root)
  }
  return Object.fromEntries([...roots].sort(([a], [b]) => byUtf8(a, b)).map(([k, v]) => [k, [...v].sort()]))
}

/** Ask the interpreter which distributions provide the bundled modules (and its extension suffixes). */
export async function scanDistributions(
  interpreter: Interpreter,
  request: { paths: readonly string[]; metadata: boolean; modules: readonly BundledModuleRef[]; cwd?: string; timeout?: number },
): Promise<DistributionScan> {
  const run = await interpreter.runScript({ path: helperScript('distributions.py') }, [], {
    stdin: JSON.stringify({ paths: request.paths, metadata: request.metadata, tops: request.metadata ? topLevelRoots(request.modules) : {} }),
    cwd: request.cwd,
    timeout: request.timeout,
    step: 'finding distribution metadata',
  })
  let answer: { extensionSuffixes: string[]; distributions: InstalledDistribution[]; skipped: { name: string; path: string; reason: string }[] }
  try {
    if (run.exitCode !== 0) throw new Error('exit')
    answer = JSON.parse(run.stdout.toString('utf8')) as typeof answer
  } catch {
    throw interpreterFailure(interpreter, 'finding distribution metadata', run.exitCode, run.stderr)
  }
  return {
    extensionSuffixes: answer.extensionSuffixes,
    distributions: answer.distributions,
    skipped: answer.skipped.map((s) => ({ distribution: s.name, path: '', reason: s.reason })),
  }
}

export interface CollectedMetadata {
  distributions: DistributionInput[]
  skipped: SkippedMetadata[]
  files: number
  bytes: number
}

/** Read every file of each distribution entry (folders walked, symlinks followed, loops and unreadable files skipped). */
export async function readDistributions(found: readonly InstalledDistribution[], maxFileSize = MAX_DATA_FILE_SIZE): Promise<CollectedMetadata> {
  const out: DistributionInput[] = []
  const skipped: SkippedMetadata[] = []
  const names = new Set<string>()
  for (const d of found) {
    const skip = (path: string, reason: string): void => { skipped.push({ distribution: d.name, path, reason }) }
    const problem = resourcePathProblem(d.name)
    if (problem !== undefined || d.name.includes('/')) {
      skip('', `not a valid entry name (${problem ?? 'a / in the name'})`)
      continue
    }
    if (names.has(d.name)) {
      skip('', `a second entry of this name (${d.path}): the first on sys.path is kept`)
      continue
    }
    if (d.isFile) {
      const r = await readRegularFile(d.path, maxFileSize)
      if (!r.ok) skip('', r.reason)
      else {
        out.push({ name: d.name, isFile: true, files: [{ path: 'PKG-INFO', bytes: r.bytes }] })
        names.add(d.name)
      }
      continue
    }
    const files: DistributionInput['files'] = []
    const top = await statFollowing(d.path)
    if (!top.ok || !top.st.isDirectory()) {
      skip('', top.ok ? 'not a folder' : top.reason)
      continue
    }
    await walkFolder(d.path, folderKey(top.st), {
      skip,
      file: async (path, full, st) => {
        const bad = resourcePathProblem(path)
        if (bad !== undefined) {
          skip(path, `not a valid metadata path (${bad})`)
          return
        }
        const r = await readRegularFile(full, maxFileSize, st)
        if (!r.ok) skip(path, r.reason)
        else files.push({ path, bytes: r.bytes })
      },
    })
    out.push({ name: d.name, files })
    names.add(d.name)
  }
  out.sort((a, b) => byUtf8(a.name, b.name))
  let files = 0
  let bytes = 0
  for (const d of out) for (const f of d.files) { files++; bytes += f.bytes.length }
  return { distributions: out, skipped, files, bytes }
}
