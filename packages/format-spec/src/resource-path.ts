/**
 * §15.1 The rules every resource path obeys (package data paths, distribution
 * names and the paths of their files), checked by the writer, by verify() and by
 * the loader before a path is handed out, so that no bundle can name a file
 * outside its package's (or distribution's) folder.
 *
 * TODO(issue 14): switch to the shared module-path check of names.ts (H1's
 * hardening work) once it is merged; keep this function as the one place that
 * calls it, so the writer, verify, extract and Pyodide keep one rule.
 */
import { LIMITS } from './layout.js'

const encoder = new TextEncoder()

/** C0, DEL, C1 control characters and Unicode format characters (Cf: bidi overrides, zero-width joiners...). */
const FORBIDDEN = /[\u0000-\u001f\u007f-\u009f\p{Cf}]/u

/** With the u flag a surrogate pair is one code point, so this matches only unpaired halves. */
const LONE_SURROGATE = /[\uD800-\uDFFF]/u

export interface ResourcePathOptions {
  /** One path component only (a distribution entry name): no '/' at all. */
  single?: boolean
}

/**
 * Why `path` is not a valid resource path, or undefined when it is: relative,
 * '/'-separated, at most MAX_PATH_BYTES UTF-8 bytes, no empty, '.' or '..'
 * component, no backslash, NUL, control or format character, no lone surrogate.
 */
export function resourcePathProblem(path: string, options: ResourcePathOptions = {}): string | undefined {
  if (typeof path !== 'string') return 'not a string'
  if (path.length === 0) return 'empty path'
  if (LONE_SURROGATE.test(path)) return 'not valid Unicode (lone surrogate)'
  const bytes = encoder.encode(path).length
  if (bytes > LIMITS.MAX_PATH_BYTES) return `${bytes} UTF-8 bytes, longer than MAX_PATH_BYTES (${LIMITS.MAX_PATH_BYTES})`
  if (path.startsWith('/')) return 'an absolute path'
  if (path.includes('\\')) return 'contains a backslash'
  const bad = FORBIDDEN.exec(path)
  if (bad) return `contains the control or format character U+${bad[0].codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`
  if (options.single && path.includes('/')) return "contains '/' (a single name is expected)"
  for (const part of path.split('/')) {
    if (part === '') return 'has an empty component'
    if (part === '.' || part === '..') return `has a '${part}' component`
  }
  return undefined
}
