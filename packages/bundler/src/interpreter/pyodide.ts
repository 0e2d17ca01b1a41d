/**
 * `python = "pyodide"`: the helper scripts run inside Pyodide (CPython 3.14 in
 * WebAssembly, npm package `pyodide`) in this Node process, so bundles hold
 * CPython 3.14 code objects (pyc magic 3627, marshal version 5) without a
 * native Python 3.14 installed.
 *
 * One Pyodide is started on first use and reused; each script runs as
 * `python script.py args...` would, and the interpreter state a script can
 * change (sys.path, sys.modules, cwd, environment, std streams, import hooks)
 * is restored after it. Scripts run one at a time (parallelism 1).
 *
 * What the scripts see:
 * - the stdlib as real files: Pyodide ships it as /lib/python314.zip of .py
 *   files; it is extracted into /lib/python3.14 (sysconfig's stdlib folder), which
 *   replaces the zip on sys.path, so resolution finds files with paths and records
 *   them relative to the stdlib root, as for CPython. Compiled code names
 *   /lib/python3.14/... as its file; @pybundle/pyodide's loader gives each module
 *   the path it has at run time;
 * - the host's folders at their own paths: every top-level folder of the host's
 *   `/` is mounted (NODEFS) at the same path, except Pyodide's own /lib, /dev and
 *   /proc; host /tmp and /home replace Pyodide's empty ones.
 *
 * The timeout: a script runs synchronously on this thread, so no timer of
 * this thread can fire while it runs. A small worker thread waits out the
 * timeout instead and then sets Pyodide's interrupt buffer, which raises
 * KeyboardInterrupt in the script at its next bytecode boundary; the run then
 * rejects with INTERPRETER as a subprocess's does. Code stuck inside one call
 * into C (or JavaScript) is interrupted only when that call returns. There is
 * no process to kill; the interpreter state is restored as after any script.
 * What a script prints is kept up to MAX_STDOUT / MAX_STDERR (the rest is
 * dropped as it is written, so memory stays bounded).
 */
import { readdirSync, statSync } from 'node:fs'
import { Worker } from 'node:worker_threads'
import { PyBundleError } from '@pybundle/errors'
import type { Interpreter, RunOptions, Script, ScriptResult } from './interpreter.js'
import { DEFAULT_TIMEOUT, MAX_STDERR, MAX_STDOUT, MAX_TIMER_MS, timeoutError } from './limits.js'

/** The part of Pyodide's API used here (typed loosely: `pyodide` is an optional dependency). */
interface PyodideLike {
  runPython(code: string, options?: { globals?: unknown }): any
  setInterruptBuffer(buffer: Int32Array | Uint8Array | undefined): void
  toPy(value: unknown): any
  mountNodeFS(emscriptenPath: string, hostPath: string): void
  FS: { readdir(path: string): string[]; mkdirTree(path: string): void; analyzePath(path: string): { exists: boolean } }
}

const KEEP = new Set(['lib', 'dev', 'proc'])

const RUNNER = String.raw`
import sys, os, io, traceback, runpy

class _Capped(io.RawIOBase):
    # Keeps the first and last limit/2 bytes written (or the first limit), counts the rest.
    def __init__(self, limit, head_only=False):
        self.limit = limit
        self.half = limit if head_only else limit // 2
        self.head = bytearray()
        self.tail = bytearray()
        self.dropped = 0
    def writable(self):
        return True
    def write(self, b):
        b = bytes(b)
        n = len(b)
        if len(self.head) < self.half:
            take = self.half - len(self.head)
            self.head += b[:take]
            b = b[take:]
        if b and self.half == self.limit:
            self.dropped += len(b)
        elif b:
            self.tail += b
            over = len(self.tail) - self.half
            if over > 0:
                del self.tail[:over]
                self.dropped += over
        return n
    def getvalue(self):
        if self.dropped:
            return bytes(self.head) + ('\n[... %d bytes not kept ...]\n' % self.dropped).encode() + bytes(self.tail)
        return bytes(self.head + self.tail)

def _pybundle_run_script(path, source, name, argv, cwd, env, stdin, out_limit, err_limit, out_ends):
    saved_path = list(sys.path)
    saved_argv = sys.argv
    saved_cwd = os.getcwd()
    saved_env = dict(os.environ)
    saved_modules = set(sys.modules)
    saved_meta = list(sys.meta_path)
    saved_hooks = list(sys.path_hooks)
    saved_cache = dict(sys.path_importer_cache)
    saved_streams = (sys.stdin, sys.stdout, sys.stderr, sys.__stdout__, sys.__stderr__)
    out, err = _Capped(out_limit, not out_ends), _Capped(err_limit)
    wrappers = (io.TextIOWrapper(out, encoding='utf-8', errors='backslashreplace', write_through=True),
                io.TextIOWrapper(err, encoding='utf-8', errors='backslashreplace', write_through=True))
    # sys.__stdout__ too: for a script it is the process's stdout (trace_driver.py
    # reports there, since the traced program may replace sys.stdout).
    sys.stdout, sys.stderr = wrappers
    sys.__stdout__, sys.__stderr__ = wrappers
    sys.stdin = io.TextIOWrapper(io.BytesIO(stdin.to_bytes()), encoding='utf-8')
    code = 0
    try:
        if cwd:
            os.chdir(cwd)
        os.environ.update(env)
        if path is not None:
            sys.argv = [path] + list(argv)
            sys.path.insert(0, os.path.dirname(path))
            runpy.run_path(path, run_name='__main__')
        else:
            sys.argv = ['-c'] + list(argv)
            sys.path.insert(0, '')
            main = {'__name__': '__main__', '__builtins__': __builtins__}
            exec(compile(source, name, 'exec'), main)
    except SystemExit as e:
        c = e.code
        if c is None:
            code = 0
        elif isinstance(c, int):
            code = c & 0xff
        else:
            print(c, file=sys.stderr)
            code = 1
    except BaseException:
        traceback.print_exc()
        code = 1
    finally:
        for w in wrappers:
            try:
                w.flush()
                w.detach()  # else collecting the wrapper closes the buffer
            except Exception:
                pass
        sys.stdin, sys.stdout, sys.stderr, sys.__stdout__, sys.__stderr__ = saved_streams
        sys.argv = saved_argv
        sys.path[:] = saved_path
        sys.meta_path[:] = saved_meta
        sys.path_hooks[:] = saved_hooks
        sys.path_importer_cache.clear()
        sys.path_importer_cache.update(saved_cache)
        for m in [m for m in sys.modules if m not in saved_modules]:
            del sys.modules[m]
        os.environ.clear()
        os.environ.update(saved_env)
        try:
            os.chdir(saved_cwd)
        except OSError:
            os.chdir('/')
    return code, out.getvalue(), err.getvalue(), out.dropped

def _pybundle_setup():
    # The stdlib as files where sysconfig says it is, instead of the zip of sources.
    import zipfile, sysconfig
    # realpath: Pyodide's prefix is '/', so sysconfig says '//lib/python3.14'.
    stdlib = os.path.realpath(sysconfig.get_paths()['stdlib'])
    zpath = '/lib/python%d%d.zip' % sys.version_info[:2]
    with zipfile.ZipFile(zpath) as z:
        z.extractall(stdlib)
    sys.path[:] = [stdlib if p == zpath else p for p in sys.path if p != '']
    sys.path_importer_cache.clear()
    return stdlib
`

export class PyodideInterpreter implements Interpreter {
  readonly id: string
  readonly parallelism = 1
  private started: Promise<{ py: PyodideLike; run: any }> | undefined
  private queue: Promise<unknown> = Promise.resolve()

  constructor(id = 'pyodide') {
    this.id = id
  }

  private start(): Promise<{ py: PyodideLike; run: any }> {
    this.started ??= (async () => {
      let loadPyodide: (options?: object) => Promise<unknown>
      try {
        ({ loadPyodide } = (await import('pyodide')) as unknown as { loadPyodide: typeof loadPyodide })
      } catch (e) {
        throw new PyBundleError('INTERPRETER', `python = "pyodide" needs the npm package pyodide (npm install pyodide@314.0.7)`, { cause: e })
      }
      const py = (await loadPyodide({ stdout: () => {}, stderr: () => {} })) as PyodideLike
      mountHost(py)
      const globals = py.toPy({})
      py.runPython(RUNNER, { globals })
      globals.get('_pybundle_setup')()
      return { py, run: globals.get('_pybundle_run_script') }
    })()
    return this.started
  }

  runScript(script: Script, args: readonly string[], options: RunOptions = {}): Promise<ScriptResult> {
    const next = this.queue.then(() => this.runNow(script, args, options))
    this.queue = next.catch(() => {})
    return next
  }

  private async runNow(script: Script, args: readonly string[], options: RunOptions): Promise<ScriptResult> {
    let started
    try {
      started = await this.start()
    } catch (e) {
      if (e instanceof PyBundleError) throw e
      throw new PyBundleError('INTERPRETER', `cannot start Pyodide: ${(e as Error)?.message ?? e}`, { cause: e })
    }
    const { py, run } = started
    if (options.pythonArgs?.length) {
      // Interpreter options cannot change a running interpreter; the helpers pass none.
      throw new PyBundleError('INTERPRETER', `pyodide cannot take interpreter options (${options.pythonArgs.join(' ')})`)
    }
    const stdin = options.stdin === undefined ? new Uint8Array(0)
      : typeof options.stdin === 'string' ? new TextEncoder().encode(options.stdin)
      // A plain Uint8Array view: Pyodide converts typed arrays by constructor name and knows no Buffer.
      : new Uint8Array(options.stdin.buffer, options.stdin.byteOffset, options.stdin.byteLength)
    const pyArgs = py.toPy([...args])
    const pyEnv = py.toPy({ PYTHONDONTWRITEBYTECODE: '1', PYTHONIOENCODING: 'utf-8', ...(options.env ?? {}) })
    // undefined, not null: Pyodide turns null into jsnull, undefined into None.
    const path = 'path' in script ? script.path : undefined
    const source = 'source' in script ? script.source : undefined
    const name = 'source' in script ? (script.name ?? '<string>') : ''
    if (options.signal?.aborted) throw options.signal.reason
    const timeout = options.timeout ?? DEFAULT_TIMEOUT
    const alarm = new Alarm(py, Math.min(timeout * 1000, MAX_TIMER_MS))
    await alarm.armed
    let result
    try {
      result = run(path, source, name, pyArgs, options.cwd ?? process.cwd(), pyEnv, stdin, options.maxStdout ?? MAX_STDOUT, MAX_STDERR, options.stdoutKeep === 'ends')
    } finally {
      alarm.disarm()
      pyArgs.destroy()
      pyEnv.destroy()
    }
    const [exitCode, out, err, dropped] = result.toJs() as [number, Uint8Array, Uint8Array, number]
    result.destroy()
    const stdout = Buffer.from(out)
    const stderr = Buffer.from(err).toString('utf8')
    if (alarm.fired) throw timeoutError(this.id, options.step ?? 'running a helper script', timeout, stderr)
    if (stdout.length) options.onStdout?.(stdout)
    return { stdout: options.onStdout ? Buffer.alloc(0) : stdout, stdoutDropped: dropped, stderr, exitCode }
  }
}

/** Waits out a timeout on another thread, then interrupts Pyodide (see the file comment). */
const ALARM_WORKER = `
const { workerData, parentPort } = require('node:worker_threads')
const [cell, interrupt] = workerData
parentPort.postMessage('armed')
// cell[0]: 0 running, 1 done (the main thread notifies), 2 fired.
if (Atomics.wait(cell, 0, 0, workerData[2]) === 'timed-out' && Atomics.compareExchange(cell, 0, 0, 2) === 0) {
  Atomics.store(interrupt, 0, 2) // SIGINT: KeyboardInterrupt
}
`

class Alarm {
  private readonly cell = new Int32Array(new SharedArrayBuffer(4))
  private readonly interrupt = new Int32Array(new SharedArrayBuffer(4))
  private readonly worker: Worker
  /** Resolves once the worker waits (only then can a run start: the run blocks this thread). */
  readonly armed: Promise<void>

  constructor(private readonly py: PyodideLike, ms: number) {
    py.setInterruptBuffer(this.interrupt)
    this.worker = new Worker(ALARM_WORKER, { eval: true, workerData: [this.cell, this.interrupt, ms] })
    this.worker.unref()
    this.armed = new Promise((resolve, reject) => {
      this.worker.once('message', () => resolve())
      this.worker.once('error', reject)
    })
  }

  get fired(): boolean {
    return Atomics.load(this.cell, 0) === 2
  }

  disarm(): void {
    Atomics.compareExchange(this.cell, 0, 0, 1)
    Atomics.notify(this.cell, 0)
    this.py.setInterruptBuffer(undefined)
    void this.worker.terminate()
  }
}

/** Mount the host's top-level folders at their own paths (see the file comment). */
function mountHost(py: PyodideLike): void {
  for (const entry of readdirSync('/')) {
    if (KEEP.has(entry)) continue
    const host = `/${entry}`
    let isDir = false
    try {
      isDir = statSync(host).isDirectory()
    } catch {
      continue
    }
    if (!isDir) continue
    if (!py.FS.analyzePath(host).exists) py.FS.mkdirTree(host)
    try {
      py.mountNodeFS(host, host)
    } catch {
      // A folder Node cannot list (permissions) stays unmounted.
    }
  }
}
