/**
 * §15.1 The rules every resource path obeys (package data paths, distribution
 * names and the paths of their files), checked by the writer, by verify(), by
 * the loader before a path is handed out, by the build's data collection, by
 * extract and by the Pyodide filesystem, so that no bundle can name a file
 * outside its package's (or distribution's) folder. It is §5.1's rule for
 * relative paths (names.ts checkRelativePath): one rule for module paths, data
 * and metadata.
 */
import { checkRelativePath } from './names.js'

export interface ResourcePathOptions {
  /** One path component only (a distribution entry name): no '/' at all. */
  single?: boolean
}

/**
 * Why `path` is not a valid resource path, or undefined when it is: a relative
 * '/'-separated path valid by §5.1 (checkRelativePath: at most MAX_PATH_BYTES
 * UTF-8 bytes, no empty, '.' or '..' component, no backslash, NUL, control or
 * format character, no lone surrogate, nothing Windows cannot name), and with
 * `single`, one component only.
 */
export function resourcePathProblem(path: string, options: ResourcePathOptions = {}): string | undefined {
  if (typeof path !== 'string') return 'is not a string'
  if (options.single && path.includes('/')) return "holds '/' (a single name is expected)"
  return checkRelativePath(path)
}
