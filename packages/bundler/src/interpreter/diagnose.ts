/**
 * Why a helper step failed, said plainly. A failed step is followed by one
 * probe run of the interpreter (`-c` code that any Python 2 or 3 runs), which
 * tells a Python 2, a PyPy or a CPython outside 3.8-3.14 from a program that
 * is not Python at all (prints no version: /bin/true, a shell script, a pyenv
 * shim whose version is not installed) and from a good interpreter whose
 * helper failed (then its stderr is what matters).
 */
import { PyBundleError } from '@pybundle/errors'
import type { Interpreter, ScriptResult } from './interpreter.js'
import { MAX_MINOR, MIN_MINOR, stderrExcerpt } from './limits.js'

const MARK = 'PYBUNDLE-PROBE'
/** Valid Python 2 and 3; platform.python_implementation exists since 2.6. */
const PROBE = `import sys, platform; sys.stdout.write('${MARK} %s %d.%d.%d\\n' % ((platform.python_implementation(),) + tuple(sys.version_info[:3])))`
const PROBE_TIMEOUT = 60

export type Identity =
  | { kind: 'python'; implementation: string; version: [number, number, number]; supported: boolean }
  | { kind: 'unknown'; exitCode: number; stderr: string; stdout: string }

/** What the interpreter says it is. Rejects only when it cannot run at all (not found, timeout). */
export async function identify(interpreter: Interpreter, timeout?: number): Promise<Identity> {
  const run = await interpreter.runScript({ source: PROBE, name: '<pybundle probe>' }, [], {
    timeout: Math.min(timeout ?? PROBE_TIMEOUT, PROBE_TIMEOUT), step: 'reporting its version', maxStdout: 64 * 1024,
  })
  const m = new RegExp(`${MARK} (\\S+) (\\d+)\\.(\\d+)\\.(\\d+)`).exec(run.stdout.toString('utf8'))
  if (m === null) return { kind: 'unknown', exitCode: run.exitCode, stderr: run.stderr, stdout: run.stdout.toString('utf8') }
  const version = [Number(m[2]), Number(m[3]), Number(m[4])] as [number, number, number]
  return { kind: 'python', implementation: m[1], version, supported: m[1] === 'CPython' && version[0] === 3 && version[1] >= MIN_MINOR && version[1] <= MAX_MINOR }
}

/** The INTERPRETER error for a step that failed or answered nonsense: a wrong interpreter says so, a right one shows its stderr. */
export async function explainFailure(interpreter: Interpreter, step: string, run: ScriptResult, timeout?: number): Promise<PyBundleError> {
  const said = stderrExcerpt(run.stderr)
  const details = { interpreter: interpreter.id, step, exitCode: run.exitCode, stderr: run.stderr.slice(-4000) }
  let who: Identity | undefined
  try {
    who = await identify(interpreter, timeout)
  } catch {
    who = undefined
  }
  const fix = `set [bundle] python to a CPython 3.${MIN_MINOR} to 3.${MAX_MINOR} command or path`
  if (who?.kind === 'python' && !who.supported) {
    const is = who.version[0] === 2 ? `Python ${who.version.join('.')} (Python 2 cannot run pybundle's helpers)` : `${who.implementation} ${who.version.join('.')}`
    return new PyBundleError('INTERPRETER', `${interpreter.id} is ${is}, not a CPython 3.${MIN_MINOR} to 3.${MAX_MINOR}: pybundle cannot build with it; ${fix}`, {
      details: { ...details, implementation: who.implementation, version: who.version },
    })
  }
  if (who?.kind === 'unknown') {
    const probeSaid = stderrExcerpt(who.stderr) || stderrExcerpt(who.stdout)
    const what = run.exitCode === 0 && run.stderr.trim() === '' ? `exited with status 0 without an answer while ${step}` : `failed while ${step} (exit status ${run.exitCode})`
    return new PyBundleError('INTERPRETER', `${interpreter.id} does not run as a Python interpreter (or cannot start one): it ${what}, and asked for its version it printed none (exit status ${who.exitCode}${probeSaid ? `: ${probeSaid}` : ', no output'})${said && said !== stderrExcerpt(who.stderr) ? `; its stderr: ${said}` : ''}; ${fix}`, { details })
  }
  const what = run.exitCode === 0 ? `gave no usable answer while ${step} (exit status 0)` : `failed while ${step} (exit status ${run.exitCode})`
  return new PyBundleError('INTERPRETER', `${interpreter.id} ${what}: ${said || 'no error output'}; check that [bundle] python is a working CPython 3.${MIN_MINOR} to 3.${MAX_MINOR}`, { details })
}
