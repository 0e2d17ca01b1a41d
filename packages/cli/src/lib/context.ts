/** Where a command writes, and the exit code it leaves: real streams in main.ts, buffers in tests. */
export interface CliContext {
  stdout(text: string): void
  stderr(text: string): void
  /** stderr is a terminal: progress bars are drawn. */
  isTTY: boolean
  /** Terminal width for progress bars. */
  columns: number
  /** Set by the commands and the error handler: 0 ok, 1 bug, 2 usage/manifest/source, 3 bad bundle. */
  exitCode: number
}

export function processContext(): CliContext {
  return {
    stdout: (t) => void process.stdout.write(t),
    stderr: (t) => void process.stderr.write(t),
    isTTY: Boolean(process.stderr.isTTY),
    columns: process.stderr.columns || 80,
    exitCode: 0,
  }
}

/** A context that records everything (tests). */
export function memoryContext(): CliContext & { out: string; err: string } {
  const ctx = {
    out: '',
    err: '',
    isTTY: false,
    columns: 80,
    exitCode: 0,
    stdout(t: string) { ctx.out += t },
    stderr(t: string) { ctx.err += t },
  }
  return ctx
}
