/**
 * The one error class of pybundle.
 *
 * Every failure the libraries can foresee (bad bytes, bad manifests, closed
 * bundles, limits) is a `PyBundleError` with a stable `code`. Callers branch on
 * `code`, never on the message: messages are for people and may be reworded.
 * Where the failure is about a position in a file, `offset` is the byte offset
 * in that file (for a .pyb: from the start of the file; for marshal data: from
 * the start of the buffer handed to the reader).
 *
 * Anything else that escapes a pybundle library (TypeError, RangeError, ...) is
 * a bug, and the fuzz tests treat it as one.
 */

/** Stable error codes. Never renumber or rename: tools match on these strings. */
export const ERROR_CODES = {
  // --- bytes that end too early or say something impossible (any format)
  TRUNCATED: 'input ends before the structure it declares',
  MALFORMED: 'bytes that no valid writer produces',
  BAD_MAGIC: 'not the file format it was expected to be',
  UNSUPPORTED_VERSION: 'a format or Python version this build does not handle',
  LIMIT_EXCEEDED: 'a documented limit (depth, count, size) was exceeded',
  // --- marshal / pyc specific
  BAD_TYPE_CODE: 'unknown marshal type code',
  BAD_REF: 'marshal back-reference to a missing or unfinished object',
  BAD_UTF8: 'str payload is not UTF-8 (surrogates allowed)',
  UNSUPPORTED_VALUE: 'a value that cannot be represented where it appears',
  // --- .pyb specific
  OUT_OF_BOUNDS: 'an offset or length points outside the file or its section',
  MISALIGNED: 'a field or blob is not on the alignment the spec requires',
  BAD_REDIRECT: 'a table entry redirects forward, to itself, or to another redirect',
  BAD_INDEX: 'a table index outside its table',
  CHECKSUM_MISMATCH: 'a section checksum does not match its bytes',
  NOT_FOUND: 'no such module in the bundle',
  CLOSED: 'the bundle was closed',
  BASE_MISMATCH: 'a layered bundle was given a base bundle other than the one it was built on',
  BAD_ARGUMENT: 'a library function was given an argument of the wrong type (a program bug, not bad bytes)',
  // --- build side
  MANIFEST: 'the manifest is invalid',
  UNRESOLVED: 'module names that resolve to nothing',
  SYNTAX: 'a source file does not compile',
  INTERPRETER: 'the interpreter could not be run or failed',
  IO: 'a file could not be read or written',
  NO_MMAP: 'the native mmap addon (@pybundle/mmap-io) is not installed or cannot be loaded',
} as const

export type ErrorCode = keyof typeof ERROR_CODES

export interface PyBundleErrorOptions {
  /** Byte offset in the file or buffer the error is about. */
  offset?: number
  /** The file the error is about, when there is one. */
  file?: string
  /** Extra machine-readable facts (names, limits, versions). */
  details?: Record<string, unknown>
  cause?: unknown
}

export class PyBundleError extends Error {
  override readonly name = 'PyBundleError'
  readonly code: ErrorCode
  readonly offset: number | undefined
  readonly file: string | undefined
  readonly details: Record<string, unknown> | undefined

  constructor(code: ErrorCode, message: string, options: PyBundleErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause })
    this.code = code
    this.offset = options.offset
    this.file = options.file
    this.details = options.details
  }

  /** One line for people: `[CODE] message (at byte N of FILE)`. */
  describe(): string {
    const where: string[] = []
    if (this.offset !== undefined) where.push(`at byte ${this.offset}`)
    if (this.file !== undefined) where.push(`${where.length ? 'of' : 'in'} ${this.file}`)
    return `[${this.code}] ${this.message}${where.length ? ` (${where.join(' ')})` : ''}`
  }

  toJSON(): Record<string, unknown> {
    return {
      name: this.name,
      code: this.code,
      message: this.message,
      ...(this.offset !== undefined ? { offset: this.offset } : {}),
      ...(this.file !== undefined ? { file: this.file } : {}),
      ...(this.details !== undefined ? { details: this.details } : {}),
    }
  }
}

export function isPyBundleError(e: unknown): e is PyBundleError {
  return e instanceof PyBundleError
}

/** Shorthand used by byte readers: throw a coded error at an offset. */
export function fail(code: ErrorCode, message: string, offset?: number, details?: Record<string, unknown>): never {
  throw new PyBundleError(code, message, { offset, details })
}
