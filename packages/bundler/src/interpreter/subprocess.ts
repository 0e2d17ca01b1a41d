/**
 * An interpreter run as a child process: `python3`, `/root/.pyenv/versions/3.8.18/bin/python3`.
 *
 * Each run is detached into a process group of its own (process-groups.ts), so
 * a timeout, an abort, or Ctrl-C / SIGTERM of pybundle kills the interpreter
 * together with every process it started. Its stdout and stderr are read to
 * the end but only a bounded part is kept (capped-output.ts).
 */
import { spawn } from 'node:child_process'
import { availableParallelism } from 'node:os'
import { isAbsolute, resolve } from 'node:path'
import { PyBundleError } from '@pybundle/errors'
import { CappedOutput } from './capped-output.js'
import { armSignals, disarmIfIdle, killGroup, releaseGroup, trackGroup } from './process-groups.js'
import { DEFAULT_TIMEOUT, MAX_STDERR, MAX_STDOUT, MAX_TIMER_MS, droppedMarker, timeoutError } from './limits.js'
import type { Interpreter, InterpreterOptions, RunOptions, Script, ScriptResult } from './interpreter.js'

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
    const timeout = options.timeout ?? DEFAULT_TIMEOUT
    return new Promise((resolvePromise, reject) => {
      if (options.signal?.aborted) {
        reject(options.signal.reason)
        return
      }
      armSignals()
      let child
      try {
        child = spawn(this.command, argv, {
          cwd: options.cwd,
          env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1', PYTHONIOENCODING: 'utf-8', ...options.env },
          stdio: ['pipe', 'pipe', 'pipe'],
          detached: true,
        })
      } catch (e) {
        disarmIfIdle()
        reject(new PyBundleError('INTERPRETER', `cannot run the Python interpreter '${this.id}': ${(e as Error).message}`, { cause: e, details: { interpreter: this.id, command: this.command } }))
        return
      }
      const pid = child.pid
      if (pid !== undefined) trackGroup(pid)
      else disarmIfIdle()
      const out = new CappedOutput(options.onStdout ? 0 : options.maxStdout ?? MAX_STDOUT, options.stdoutKeep !== 'ends')
      const err = new CappedOutput(MAX_STDERR)
      let failure: unknown
      // Past the timeout or on abort: kill the group and stop waiting for its
      // pipes (a process that left the group may still hold them open).
      const stop = (why: unknown) => {
        failure ??= why
        if (pid !== undefined) killGroup(pid)
        child.stdout.destroy()
        child.stderr.destroy()
      }
      const timer = setTimeout(() => stop('timeout'), Math.min(timeout * 1000, MAX_TIMER_MS))
      const onAbort = () => stop(options.signal!.reason)
      options.signal?.addEventListener('abort', onAbort, { once: true })
      const finish = () => {
        clearTimeout(timer)
        options.signal?.removeEventListener('abort', onAbort)
        if (pid !== undefined) releaseGroup(pid)
      }
      child.stdout.on('data', (chunk: Buffer) => {
        out.push(chunk)
        if (failure !== undefined || !options.onStdout) return
        try {
          options.onStdout(chunk)
        } catch (e) {
          stop(e) // the consumer found the output unusable
        }
      })
      child.stderr.on('data', (chunk: Buffer) => err.push(chunk))
      child.on('error', (e: NodeJS.ErrnoException) => {
        finish()
        const why = e.code === 'ENOENT'
          ? (this.command.includes('/') ? `no such file (${this.command})` : 'not found (no such command on PATH)')
          : e.code === 'EACCES' ? 'not executable' : e.message
        reject(new PyBundleError('INTERPRETER', `cannot run the Python interpreter '${this.id}': ${why}; set [bundle] python to a CPython 3.8 to 3.14 command or path`, {
          cause: e, details: { interpreter: this.id, command: this.command },
        }))
      })
      child.on('close', (code, signal) => {
        finish()
        const stderr = err.bytes(droppedMarker).toString('utf8')
        if (failure === 'timeout') {
          reject(timeoutError(this.id, options.step ?? 'running a helper script', timeout, stderr))
          return
        }
        if (failure !== undefined) {
          // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- the abort signal's reason, as the caller gave it
          reject(failure)
          return
        }
        resolvePromise({
          stdout: out.bytes(),
          stdoutDropped: out.dropped,
          stderr,
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
