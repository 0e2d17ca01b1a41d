/**
 * The one error handler: every failure becomes one line on stderr saying what
 * is wrong and what to do, and an exit code:
 *   1 internal error (a bug; stack trace only with --debug)
 *   2 bad usage, manifest or source
 *   3 corrupt, truncated or incompatible bundle (or not a bundle at all)
 */
import { CommanderError } from 'commander'
import { isPyBundleError, type ErrorCode, type PyBundleError } from '@pybundle/errors'
import type { CliContext } from './context.js'
import { printable } from './escape.js'

export const EXIT = { OK: 0, INTERNAL: 1, USAGE: 2, BAD_BUNDLE: 3 } as const

/** Codes that mean "the bundle's bytes are wrong". */
const BUNDLE_CODES: ReadonlySet<ErrorCode> = new Set<ErrorCode>([
  'TRUNCATED', 'MALFORMED', 'BAD_MAGIC', 'UNSUPPORTED_VERSION', 'LIMIT_EXCEEDED', 'BAD_TYPE_CODE', 'BAD_REF',
  'BAD_UTF8', 'UNSUPPORTED_VALUE', 'OUT_OF_BOUNDS', 'MISALIGNED', 'BAD_REDIRECT', 'BAD_INDEX', 'CHECKSUM_MISMATCH',
  'BASE_MISMATCH',
])
/** Codes that mean "what the user gave is wrong". */
const USAGE_CODES: ReadonlySet<ErrorCode> = new Set<ErrorCode>(['MANIFEST', 'UNRESOLVED', 'SYNTAX', 'INTERPRETER', 'IO', 'NOT_FOUND', 'NO_MMAP'])

/** What a command works on: a bundle's bytes are only ever at fault when reading one. */
export type Reading = 'bundle' | 'manifest'

export function exitCodeFor(e: PyBundleError, reading: Reading): number {
  if (USAGE_CODES.has(e.code)) return EXIT.USAGE
  if (reading === 'bundle' && BUNDLE_CODES.has(e.code)) return EXIT.BAD_BUNDLE
  return EXIT.INTERNAL
}

const BUNDLE_HINT: Partial<Record<ErrorCode, string>> = {
  BAD_MAGIC: 'give a .pyb file written by `pybundle build`',
  TRUNCATED: 'the file is cut short: rebuild it with `pybundle build`',
  CHECKSUM_MISMATCH: 'the file is corrupt: rebuild it with `pybundle build`',
  UNSUPPORTED_VERSION: 'rebuild the bundle with this pybundle, or use the pybundle that wrote it',
  BASE_MISMATCH: 'give the base bundle the app was built on, or rebuild the app against this base',
}

/** A multi-line text (a stack trace) with each line made printable. */
function printableLines(s: string): string {
  return s.split('\n').map(printable).join('\n')
}

function oneLine(s: string): string {
  return s.replace(/\s*\n\s*/g, ' ').trim()
}

export function handleError(e: unknown, ctx: CliContext, options: { debug?: boolean; reading: Reading; file?: string }): void {
  if (e instanceof CommanderError) {
    ctx.exitCode = e.exitCode === 0 ? EXIT.OK : EXIT.USAGE
    return // commander printed its message already
  }
  if (isPyBundleError(e)) {
    const code = exitCodeFor(e, options.reading)
    let line = e.describe()
    if (e.file === undefined && options.file !== undefined) line += ` (in ${options.file})`
    if (code === EXIT.BAD_BUNDLE) line += `; ${BUNDLE_HINT[e.code] ?? 'the bundle is damaged: rebuild it with `pybundle build`'}`
    if (code === EXIT.INTERNAL) line = `internal error (a bug in pybundle): ${line}; run again with --debug and report the stack trace`
    ctx.stderr(`pybundle: error: ${printable(oneLine(line))}\n`)
    if (options.debug && e.stack) ctx.stderr(`${printableLines(e.stack)}\n`)
    ctx.exitCode = code
    return
  }
  const err = e instanceof Error ? e : new Error(String(e))
  ctx.stderr(`pybundle: internal error (a bug in pybundle): ${printable(oneLine(err.message))}; run again with --debug and report the stack trace\n`)
  if (options.debug && err.stack) ctx.stderr(`${printableLines(err.stack)}\n`)
  ctx.exitCode = EXIT.INTERNAL
}
