/**
 * The Python that resolves and compiles a bundle's modules.
 *
 * Everything version-specific (bytecode, the import system's answers, the
 * stdlib's contents) comes from running the helper scripts in
 * packages/bundler/src/python/ under this interpreter, so the bundle is exactly
 * that version's. The scripts need only plain CPython 3.8+: no subprocess, no
 * multiprocessing, so an in-process interpreter (Pyodide) can run them too.
 *
 * This file is the interface only; create-interpreter.ts picks the implementation
 * (subprocess.ts, pyodide.ts), which import their interface from here.
 */

export interface ScriptResult {
  /**
   * Raw stdout bytes (helpers write binary frames or JSON): when it printed more
   * than `maxStdout`, what `stdoutKeep` says; empty when `onStdout` took it.
   */
  stdout: Buffer
  /** Bytes of stdout read but not kept (0: `stdout` is all of it). */
  stdoutDropped?: number
  /** Its first and last 512 KiB (MAX_STDERR) when it printed more. */
  stderr: string
  exitCode: number
}

/** A helper script: a file to run, or source text. */
export type Script = { path: string } | { source: string; name?: string }

export interface RunOptions {
  /** Written to the script's stdin, then stdin is closed. */
  stdin?: string | Uint8Array
  /** Working directory (default: the caller's). */
  cwd?: string
  /** Extra environment variables, merged over the caller's. */
  env?: Record<string, string>
  /** Interpreter options placed before the script (`-S`, `-X dev`, ...). */
  pythonArgs?: string[]
  /**
   * Called with each chunk of stdout as it arrives (progress, streaming); stdout
   * is then not kept. If it throws, the run is killed and rejects with that error.
   */
  onStdout?: (chunk: Buffer) => void
  /** Seconds the run may take (default DEFAULT_TIMEOUT); past it the run is killed and rejects with INTERPRETER. */
  timeout?: number
  /** What the run is doing, for messages ("resolving modules"). */
  step?: string
  /** Bytes of stdout kept (default MAX_STDOUT). */
  maxStdout?: number
  /**
   * Which of a larger stdout is kept: 'head' (default) its first maxStdout bytes, so an
   * answer is cut short, never spliced; 'ends' its first and last maxStdout / 2 (a report
   * printed after a program's own output).
   */
  stdoutKeep?: 'head' | 'ends'
  /** Aborting kills the run; it rejects with the signal's reason. */
  signal?: AbortSignal
}

export interface Interpreter {
  /** What the manifest said (`python3`, `/usr/bin/python3.11`, `pyodide`). */
  readonly id: string
  /** How many scripts are worth running at once (a process per core; 1 in-process). */
  readonly parallelism: number
  /** Run a helper script with `args` as its sys.argv[1:]. Rejects only when it cannot run at all. */
  runScript(script: Script, args: readonly string[], options?: RunOptions): Promise<ScriptResult>
}

export interface InterpreterOptions {
  /** Folder that a relative interpreter path (containing '/') is relative to. */
  baseDir?: string
  /** Upper bound on parallelism (default: all cores). */
  jobs?: number
}
