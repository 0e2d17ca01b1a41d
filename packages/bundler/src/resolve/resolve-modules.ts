/**
 * Which modules go into a bundle: asked of the interpreter itself
 * (python/resolve.py uses its import machinery without importing anything),
 * so resolution agrees with what that Python would import.
 */
import { PyBundleError } from '@pybundle/errors'
import { explainFailure } from '../interpreter/diagnose.js'
import type { Interpreter } from '../interpreter/interpreter.js'
import { MAX_MINOR, MIN_MINOR, stderrExcerpt } from '../interpreter/limits.js'
import { helperScript } from '../interpreter/scripts.js'
import type { Manifest } from '../manifest/read-manifest.js'
import { resolve as resolvePath } from 'node:path'
import { runTrace, splitTraceArgs, type TracedModule } from './trace.js'

export interface PythonInfo {
  /** [3, 11, 7] */
  version: [number, number, number]
  /** pyc magic number (3495 for 3.11). */
  magic: number
  marshalVersion: number
  implementation: string
  cacheTag: string | null
  executable: string
  /** The stdlib folder (sysconfig 'stdlib'). */
  stdlib: string
}

export interface ResolvedModule {
  name: string
  /** source: a .py file; sourceless: a .pyc without source; namespace: no code. */
  kind: 'source' | 'sourceless' | 'namespace'
  isPackage: boolean
  /** Absolute file to compile or read; null for namespace packages. */
  file: string | null
  /** '/'-separated path relative to its search-path root ('' for namespace packages). */
  relpath: string
  /** The interpreter has it frozen (3.11+: os, codecs, io, ...); bundled from its source file. */
  frozen: boolean
  /** Lives in the interpreter's standard library folder. */
  stdlib: boolean
  /** Why it is in: 'include' | 'stdlib' | 'trace' | 'closure' | 'package' | 'parent' (BuildInfo). */
  reason: ModuleReason
  /** With [modules] closure: the bundled modules whose bytecode imports it, sorted; "__main__" is the traced program's own code (a script, -c CODE). */
  importedBy?: string[]
  /** Added by the closure and imported only under try/except ImportError. */
  optional?: boolean
}

export type ModuleReason = 'include' | 'stdlib' | 'trace' | 'closure' | 'package' | 'parent'

/** A name sys.modules (or the import system) holds for a module bundled under its spec name. */
export interface ModuleAlias {
  /** "htmlparser", "six.moves.http_client", "os.path" */
  name: string
  /** The spec name it is bundled under: "html.parser", "http.client", "posixpath". */
  of: string
}

/** A name the bundled code imports that resolves to nothing with the interpreter (listed, not an error). */
export interface UnresolvedImport {
  name: string
  importedBy: string[]
  /** Every import of it sits under try/except ImportError. */
  optional: boolean
}

export interface SkippedModule {
  name: string
  reason: string
}

export interface Resolution {
  python: PythonInfo
  /** Sorted by name. */
  modules: ResolvedModule[]
  skipped: SkippedModule[]
  /** Modules dropped by [modules] exclude. */
  excluded: number
  /** Modules the trace reported (before classification), or null when there was no trace. */
  traced: number | null
  /** The names the trace reported, in the order it reported them; null without a trace. */
  tracedNames: string[] | null
  /** Sorted by name. */
  aliases: ModuleAlias[]
  /** With [modules] closure: imported names that resolve to nothing; null without closure. */
  unresolvedImports: UnresolvedImport[] | null
}

export { MAX_MINOR, MIN_MINOR }

/** Resolve a manifest's modules with its interpreter. Every name that resolves to nothing is reported in one UNRESOLVED error. */
export async function resolveModules(manifest: Manifest, interpreter: Interpreter): Promise<Resolution> {
  const traced: TracedModule[] | null = manifest.trace === null ? null : await runTrace(manifest, interpreter)
  const request = {
    paths: manifest.paths,
    include: manifest.include,
    exclude: manifest.exclude,
    stdlib: manifest.stdlib,
    traced: traced ?? [],
    closure: manifest.closure,
    main: manifest.closure ? mainProgram(manifest) : null,
  }
  const run = await interpreter.runScript({ path: helperScript('resolve.py') }, [], {
    stdin: JSON.stringify(request),
    cwd: manifest.dir,
    timeout: manifest.timeout,
    step: 'resolving modules',
  })
  let answer: {
    python: PythonInfo
    modules: ResolvedModule[]
    skipped: SkippedModule[]
    unresolved: string[]
    excluded: number
    aliases: ModuleAlias[]
    unresolvedImports: UnresolvedImport[] | null
  }
  try {
    if (run.exitCode !== 0 || run.stdoutDropped) throw new Error('exit')
    answer = JSON.parse(run.stdout.toString('utf8')) as typeof answer
    if (typeof answer?.python?.version?.[0] !== 'number') throw new Error('not an answer')
  } catch {
    throw await explainFailure(interpreter, 'resolving modules', run, manifest.timeout)
  }
  checkVersion(answer.python, interpreter, manifest)
  if (answer.unresolved.length) {
    const names = answer.unresolved
    throw new PyBundleError(
      'UNRESOLVED',
      `${names.length === 1 ? 'a module name resolves' : `${names.length} module names resolve`} to nothing with ${interpreter.id} (Python ${answer.python.version.join('.')}): ${names.join(', ')}; fix [modules] include or add the folder that holds ${names.length === 1 ? 'it' : 'them'} to [modules] paths`,
      { file: manifest.file, details: { names } },
    )
  }
  return {
    python: answer.python,
    modules: answer.modules,
    skipped: answer.skipped,
    excluded: answer.excluded,
    traced: traced === null ? null : traced.length,
    tracedNames: traced === null ? null : traced.map((t) => t.name),
    aliases: answer.aliases,
    unresolvedImports: answer.unresolvedImports,
  }
}

/** The traced program's own code for the closure to read: -c CODE or a script (-m runs a module, bundled anyway). */
function mainProgram(manifest: Manifest): { source: string } | { file: string } | null {
  if (manifest.trace === null) return null
  const [head, next] = splitTraceArgs(manifest.trace).programArgs
  if (head === undefined || head === '-m') return null
  if (head === '-c') return next === undefined ? null : { source: next }
  return { file: resolvePath(manifest.dir, head) }
}

function checkVersion(py: PythonInfo, interpreter: Interpreter, manifest: Manifest): void {
  const [major, minor] = py.version
  if (py.implementation !== 'cpython' || major !== 3 || minor < MIN_MINOR || minor > MAX_MINOR) {
    throw new PyBundleError(
      'INTERPRETER',
      `${interpreter.id} is ${py.implementation} ${py.version.join('.')}; pybundle needs CPython 3.${MIN_MINOR} to 3.${MAX_MINOR}: set [bundle] python to one`,
      { file: manifest.file, details: { version: py.version, implementation: py.implementation } },
    )
  }
}

/**
 * An INTERPRETER error for a helper that failed, with the first and last lines of
 * its stderr (stderrExcerpt). Synchronous; explainFailure (interpreter/diagnose.ts)
 * also says when the interpreter is no CPython 3.8-3.14.
 */
export function interpreterFailure(interpreter: Interpreter, what: string, exitCode: number, stderr: string): PyBundleError {
  return new PyBundleError(
    'INTERPRETER',
    `${interpreter.id} failed while ${what} (exit status ${exitCode}): ${stderrExcerpt(stderr) || 'no error output'}; check that [bundle] python is a working CPython 3.${MIN_MINOR} to 3.${MAX_MINOR}`,
    { details: { interpreter: interpreter.id, exitCode, stderr: stderr.slice(-4000) } },
  )
}
