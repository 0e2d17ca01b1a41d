/**
 * `[modules] trace`: run `python <trace...>` under the manifest's interpreter
 * (through python/trace_driver.py, which runs the program as python itself
 * would) and collect every module it left in sys.modules.
 */
import { PyBundleError } from '@pybundle/errors'
import { delimiter } from 'node:path'
import { explainFailure, identify } from '../interpreter/diagnose.js'
import type { Interpreter } from '../interpreter/interpreter.js'
import { stderrExcerpt } from '../interpreter/limits.js'
import { helperScript } from '../interpreter/scripts.js'
import type { Manifest } from '../manifest/read-manifest.js'

/** One sys.modules entry of the traced process, as trace_driver.py reports it. */
export interface TracedModule {
  name: string
  spec: string | null
  origin: string | null
  hasLocation: boolean
  locations: string[] | null
  loader: string | null
  frozenFile: string | null
}

const MARKER = '\x00PYBUNDLE-TRACE\x00'
/** Interpreter options that take a separate argument. */
const OPTION_WITH_ARG = new Set(['-X', '-W', '--check-hash-based-pycs'])

/** Split `python <trace...>` into interpreter options and the program's arguments (-c/-m/script and after). */
export function splitTraceArgs(trace: readonly string[]): { pythonArgs: string[]; programArgs: string[] } {
  const pythonArgs: string[] = []
  let i = 0
  while (i < trace.length) {
    const a = trace[i]
    if (a === '-c' || a === '-m' || a === '-' || a === '--' || !a.startsWith('-')) break
    if (a.startsWith('-c') || a.startsWith('-m')) break // -cCODE, -mMODULE
    pythonArgs.push(a)
    if (OPTION_WITH_ARG.has(a) && i + 1 < trace.length) pythonArgs.push(trace[++i])
    i++
  }
  let programArgs = trace.slice(i)
  if (programArgs[0] === '--') programArgs = programArgs.slice(1)
  const head = programArgs[0]
  if (head !== undefined && head.length > 2 && (head.startsWith('-c') || head.startsWith('-m'))) {
    programArgs = [head.slice(0, 2), head.slice(2), ...programArgs.slice(1)]
  }
  return { pythonArgs, programArgs }
}

export async function runTrace(manifest: Manifest, interpreter: Interpreter): Promise<TracedModule[]> {
  const trace = manifest.trace ?? []
  const { pythonArgs, programArgs } = splitTraceArgs(trace)
  const shown = `python ${trace.join(' ')}`.trim()
  if (programArgs[0] === '-') {
    throw new PyBundleError('MANIFEST', `[modules] trace cannot read the program from stdin ('-'): give -c CODE, -m MODULE or a script`, { file: manifest.file, details: { key: 'modules.trace' } })
  }
  const env: Record<string, string> = {}
  if (manifest.paths.length) {
    env.PYTHONPATH = [...manifest.paths, ...(process.env.PYTHONPATH ? [process.env.PYTHONPATH] : [])].join(delimiter)
  }
  // PYTHONPATH for a subprocess (and its own subprocesses); --path for an
  // interpreter already running (Pyodide), which never reads it.
  const pathArgs = manifest.paths.flatMap((p) => ['--path', p])
  const run = await interpreter.runScript({ path: helperScript('trace_driver.py') }, [...pathArgs, ...programArgs], {
    cwd: manifest.dir,
    env,
    pythonArgs,
    timeout: manifest.timeout,
    stdoutKeep: 'ends', // the report comes after whatever the program printed
    step: `tracing \`${shown}\``,
  })
  const text = run.stdout.toString('utf8')
  const at = text.lastIndexOf(MARKER)
  const stderrLast = stderrExcerpt(run.stderr)
  if (at < 0) {
    // Not even the driver ran: say so if the interpreter is no CPython 3.8-3.14.
    const who = await identify(interpreter, manifest.timeout).catch(() => undefined)
    if (who === undefined || who.kind === 'unknown' || !who.supported) {
      throw await explainFailure(interpreter, `tracing \`${shown}\``, run, manifest.timeout)
    }
    throw new PyBundleError(
      'INTERPRETER',
      `the traced command \`${shown}\` ended without reporting its modules (exit status ${run.exitCode}${stderrLast ? `: ${stderrLast}` : ''}); check [modules] trace`,
      { file: manifest.file, details: { key: 'modules.trace', exitCode: run.exitCode, stderr: run.stderr.slice(-4000) } },
    )
  }
  let report: { status: number; modules: TracedModule[] }
  try {
    report = JSON.parse(text.slice(at + MARKER.length)) as typeof report
    if (typeof report?.status !== 'number' || !Array.isArray(report.modules)) throw new Error('not a report')
  } catch {
    throw new PyBundleError('INTERPRETER', `the traced command \`${shown}\` printed a damaged module report (the program may write to stdout after its end); check [modules] trace`, { file: manifest.file, details: { key: 'modules.trace', exitCode: run.exitCode } })
  }
  if (report.status !== 0) {
    throw new PyBundleError(
      'INTERPRETER',
      `the traced command \`${shown}\` failed with exit status ${report.status}${stderrLast ? `: ${stderrLast}` : ''}; fix the program or [modules] trace`,
      { file: manifest.file, details: { key: 'modules.trace', exitCode: report.status, stderr: run.stderr.slice(-4000) } },
    )
  }
  return report.modules
}
