/** The factory: a manifest's `python` value -> the Interpreter that runs it. */
import { PyBundleError } from '@pybundle/errors'
import type { Interpreter, InterpreterOptions } from './interpreter.js'
import { PyodideInterpreter } from './pyodide.js'
import { SubprocessInterpreter } from './subprocess.js'

/**
 * The interpreter for a manifest's `python` value. One branch per kind:
 * a command on PATH or a path runs as a subprocess.
 */
export function createInterpreter(spec: string, options: InterpreterOptions = {}): Interpreter {
  if (typeof spec !== 'string' || spec.trim() === '') {
    throw new PyBundleError('INTERPRETER', `no Python interpreter named: give a command (python3) or a path`)
  }
  if (spec === 'pyodide') return new PyodideInterpreter(spec)
  return new SubprocessInterpreter(spec, options)
}
