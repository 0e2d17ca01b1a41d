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

/**
 * A stream that stops being written once it fails: output into a closed pipe
 * (`pybundle inspect --json | head -c 100`) raises EPIPE on the stream, which
 * would be an unhandled 'error' event and a stack trace. The command carries on
 * (a file it is writing is finished and renamed, not left half-done) and ends
 * with its own exit code; what it still prints goes nowhere, as with other Unix
 * tools. Node ignores SIGPIPE, so nothing kills the process either.
 */
function guarded(stream: NodeJS.WriteStream): (text: string) => void {
  let broken = false
  stream.on('error', () => {
    broken = true
  })
  return (text) => {
    if (broken || stream.destroyed) return
    try {
      stream.write(text)
    } catch {
      broken = true
    }
  }
}

let streams: { stdout: (t: string) => void; stderr: (t: string) => void } | undefined

export function processContext(): CliContext {
  streams ??= { stdout: guarded(process.stdout), stderr: guarded(process.stderr) }
  const { stdout, stderr } = streams
  return {
    stdout,
    stderr,
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
