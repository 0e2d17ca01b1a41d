/** Bounds on one interpreter step, and the messages when one is crossed (packages/cli/README.md documents them). */
import { PyBundleError } from '@pybundle/errors'

/** Seconds an interpreter step may take when the manifest sets no `[bundle] timeout`. */
export const DEFAULT_TIMEOUT = 600
/** The largest timeout setTimeout can wait for (2^31 - 1 ms). */
export const MAX_TIMER_MS = 2 ** 31 - 1
/** Bytes of a step's stdout kept (the helpers' answers; a streaming consumer keeps its own). */
export const MAX_STDOUT = 64 * 1024 * 1024
/** Bytes of a step's stderr kept: its first and last 512 KiB. */
export const MAX_STDERR = 1024 * 1024

export function droppedMarker(dropped: number): string {
  return `\n[... ${dropped} bytes not kept ...]\n`
}

/**
 * The part of a step's stderr an error message carries: its first lines (a
 * shell or a pyenv shim says what is wrong first) and its last (a traceback
 * ends with the exception), at most 12 lines of at most 300 characters.
 */
export function stderrExcerpt(stderr: string): string {
  const lines = stderr.split(/\r?\n/).map((l) => l.trimEnd()).filter((l) => l.trim() !== '')
    .map((l) => (l.length > 300 ? l.slice(0, 300) + '...' : l))
  if (lines.length === 0) return ''
  const picked = lines.length <= 12 ? lines : [...lines.slice(0, 3), '...', ...lines.slice(-8)]
  return picked.join(' | ')
}

export function timeoutError(interpreter: string, step: string, timeout: number, stderr: string): PyBundleError {
  const said = stderrExcerpt(stderr)
  return new PyBundleError(
    'INTERPRETER',
    `${interpreter} did not finish ${step} within ${timeout} s ([bundle] timeout): pybundle killed it and every process it started${said ? `; its stderr: ${said}` : ''}; raise [bundle] timeout if the step needs longer`,
    { details: { interpreter, step, timeout, stderr: stderr.slice(-4000) } },
  )
}

/** The CPython versions pybundle builds for: 3.MIN_MINOR to 3.MAX_MINOR. */
export const MIN_MINOR = 8
export const MAX_MINOR = 14
