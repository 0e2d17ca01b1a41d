/** An interpreter run as a child process: `python3`, `/root/.pyenv/versions/3.8.18/bin/python3`. */
import { spawn } from 'node:child_process'
import { availableParallelism } from 'node:os'
import { isAbsolute, resolve } from 'node:path'
import { PyBundleError } from '@pybundle/errors'
import type { Interpreter, InterpreterOptions, RunOptions, Script, ScriptResult } from './index.js'

export class SubprocessInterpreter implements Interpreter {
  readonly id: string
  readonly parallelism: number
  /** What is spawned: the spec itself for a command, an absolute path for a path. */
  readonly command: string

  constructor(spec: string, options: InterpreterOptions = {}) {
    this.id = spec
    // A spec with a slash is a path (relative to the manifest's folder); without, a command on PATH.
    this.command = spec.includes('/') && !isAbsolute(spec) ? resolve(options.baseDir ?? process.cwd(), spec) : spec
    this.parallelism = Math.max(1, Math.min(options.jobs ?? Infinity, availableParallelism()))
  }

  runScript(script: Script, args: readonly string[], options: RunOptions = {}): Promise<ScriptResult> {
    const argv = [...(options.pythonArgs ?? [])]
    if ('path' in script) argv.push(script.path)
    else argv.push('-c', script.source)
    argv.push(...args)
    return new Promise((resolvePromise, reject) => {
      const child = spawn(this.command, argv, {
        cwd: options.cwd,
        env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1', PYTHONIOENCODING: 'utf-8', ...options.env },
        stdio: ['pipe', 'pipe', 'pipe'],
      })
      const out: Buffer[] = []
      const err: Buffer[] = []
      child.stdout.on('data', (chunk: Buffer) => {
        out.push(chunk)
        options.onStdout?.(chunk)
      })
      child.stderr.on('data', (chunk: Buffer) => err.push(chunk))
      child.on('error', (e: NodeJS.ErrnoException) => {
        const why = e.code === 'ENOENT' ? 'not found' : e.code === 'EACCES' ? 'not executable' : e.message
        reject(new PyBundleError('INTERPRETER', `cannot run the Python interpreter '${this.id}': ${why}`, {
          cause: e, details: { interpreter: this.id, command: this.command },
        }))
      })
      child.on('close', (code, signal) => {
        resolvePromise({
          stdout: Buffer.concat(out),
          stderr: Buffer.concat(err).toString('utf8'),
          exitCode: code ?? (signal ? 128 + signalNumber(signal) : 1),
        })
      })
      // A script that exits without reading all of stdin makes the pipe fail: not our error.
      child.stdin.on('error', () => {})
      if (options.stdin !== undefined) child.stdin.end(options.stdin)
      else child.stdin.end()
    })
  }
}

function signalNumber(signal: NodeJS.Signals): number {
  const map: Partial<Record<NodeJS.Signals, number>> = { SIGHUP: 1, SIGINT: 2, SIGKILL: 9, SIGSEGV: 11, SIGTERM: 15 }
  return map[signal] ?? 0
}
