/**
 * Which module names and relative paths a .pyb may hold (SPEC.md §5.1): the one
 * implementation that the writer, verify(), `pybundle extract` and the report
 * validator apply, so that they cannot disagree. Each function returns the
 * reason a name is refused, or undefined when it is valid.
 *
 * The rule keeps every name CPython imports from a real standard library
 * (`_sysconfigdata__linux_x86_64-linux-gnu`, `__phello__.spam`, non-ASCII
 * identifiers) and refuses whatever would not map to exactly one file path on
 * Linux, macOS and Windows, or would reach a terminal as something else than text.
 * Collisions between valid names (`A` and `a` on a case-insensitive disk) are not
 * a name rule: `pybundle extract` checks them on the whole set it writes.
 */
import { LIMITS } from './layout.js'

/**
 * Most UTF-8 bytes in one dotted part: the part becomes the file `<part>.pyc`, and
 * a file name is at most 255 bytes on Linux and macOS (NAME_MAX) and 255 UTF-16
 * units on Windows (a UTF-16 unit is never more than the UTF-8 bytes it encodes).
 */
export const MAX_NAME_PART_BYTES = 251

/** Most UTF-8 bytes in one '/'-separated component of a relative path (NAME_MAX). */
export const MAX_PATH_PART_BYTES = 255

/** Characters Windows does not allow in a file name (besides controls and the separators). */
const WINDOWS_RESERVED = /[<>:"|?*]/u
/** C0 and C1 controls and DEL (Cc), format characters (Cf: bidi overrides, zero-width), line and paragraph separators. */
const INVISIBLE = /[\p{Cc}\p{Cf}\u2028\u2029]/u
/** Any space or separator (Zs, Zl, Zp). */
const SPACE = /\p{Z}/u
/** A space or separator other than U+0020 (no-break, ideographic, ...). */
const OTHER_SPACE = /(?! )\p{Z}/u
/** A surrogate code point not paired (not Unicode text; not UTF-8 when encoded). */
const LONE_SURROGATE = /\p{Cs}/u
/** Windows device names: refer to a device in every folder, with any extension (`con.pyc`). */
const DEVICE = /^(con|prn|aux|nul|conin\$|conout\$|com[0-9¹²³]|lpt[0-9¹²³])$/iu

const encoder = new TextEncoder()

function utf8Length(s: string): number {
  return encoder.encode(s).length
}

/** Describe the first offending character: `U+202E` (never the raw character). */
function cp(s: string, re: RegExp): string {
  const m = re.exec(s)
  const c = m ? m[0].codePointAt(0)! : 0
  return `U+${c.toString(16).toUpperCase().padStart(4, '0')}`
}

/** What every file-name component needs, module part or path part. */
function checkComponent(part: string, maxBytes: number): string | undefined {
  if (part.length === 0) return 'is empty'
  if (LONE_SURROGATE.test(part)) return `holds a lone surrogate (${cp(part, LONE_SURROGATE)}), which is not Unicode text`
  if (part.includes('\0')) return 'holds a NUL byte'
  if (part.includes('/') || part.includes('\\')) return "holds a path separator ('/' or '\\')"
  if (INVISIBLE.test(part)) return `holds a control or format character (${cp(part, INVISIBLE)})`
  if (WINDOWS_RESERVED.test(part)) return `holds a character Windows does not allow in a file name (${cp(part, WINDOWS_RESERVED)})`
  const n = utf8Length(part)
  if (n > maxBytes) return `is ${n} UTF-8 bytes, more than the ${maxBytes} a file name may have`
  return undefined
}

/**
 * One part of a dotted module name ('decoder' of 'json.decoder'). Returns why it
 * is invalid, or undefined.
 */
export function checkNamePart(part: string): string | undefined {
  if (part.includes('.')) return "holds a '.'"
  const r = checkComponent(part, MAX_NAME_PART_BYTES)
  if (r !== undefined) return r
  if (SPACE.test(part)) return `holds a space (${cp(part, SPACE)})`
  if (DEVICE.test(part)) return `is a Windows device name (${part.toUpperCase()})`
  return undefined
}

/**
 * A whole dotted module name: 1 to MAX_NAME_BYTES UTF-8 bytes, parts separated by
 * '.', each part valid (checkNamePart). Returns why it is invalid, or undefined.
 */
export function checkModuleName(name: string): string | undefined {
  if (typeof name !== 'string') return 'is not a string'
  if (name.length === 0) return 'is empty'
  if (LONE_SURROGATE.test(name)) return `holds a lone surrogate (${cp(name, LONE_SURROGATE)}), which is not Unicode text`
  const n = utf8Length(name)
  if (n > LIMITS.MAX_NAME_BYTES) return `is ${n} UTF-8 bytes, more than MAX_NAME_BYTES (${LIMITS.MAX_NAME_BYTES})`
  const parts = name.split('.')
  for (let i = 0; i < parts.length; i++) {
    const p = parts[i]
    if (p.length === 0) {
      return parts.length === 1 ? 'is empty' : i === 0 ? "starts with '.'" : i === parts.length - 1 ? "ends with '.'" : "has an empty part ('..')"
    }
    const r = checkNamePart(p)
    if (r !== undefined) return `part ${i + 1} ${r}`
  }
  return undefined
}

/**
 * One component of a '/'-separated relative path (a data file, a metadata file).
 * Spaces are allowed inside, not at the end; no '.', '..', trailing dot, or
 * Windows device name (`con`, `con.txt`). Returns why it is invalid, or undefined.
 */
export function checkPathPart(part: string): string | undefined {
  if (part === '.' || part === '..') return `is '${part}'`
  const r = checkComponent(part, MAX_PATH_PART_BYTES)
  if (r !== undefined) return r
  if (/[.\s]$/u.test(part)) return 'ends with a dot or a space, which Windows drops'
  if (OTHER_SPACE.test(part)) return `holds a space other than U+0020 (${cp(part, OTHER_SPACE)})`
  const stem = part.split('.')[0]
  if (DEVICE.test(stem)) return `is a Windows device name (${stem.toUpperCase()})`
  return undefined
}

/**
 * A relative '/'-separated path (never absolute, no '\', no empty, '.' or '..'
 * component; every component valid by checkPathPart). Returns why it is invalid,
 * or undefined.
 */
export function checkRelativePath(path: string): string | undefined {
  if (typeof path !== 'string') return 'is not a string'
  if (path.length === 0) return 'is empty'
  if (path.startsWith('/')) return 'is absolute'
  if (/^[A-Za-z]:/u.test(path)) return 'starts with a drive letter'
  const n = utf8Length(path)
  if (n > LIMITS.MAX_PATH_BYTES) return `is ${n} UTF-8 bytes, more than MAX_PATH_BYTES (${LIMITS.MAX_PATH_BYTES})`
  const parts = path.split('/')
  for (let i = 0; i < parts.length; i++) {
    const r = checkPathPart(parts[i])
    if (r !== undefined) return `component ${i + 1} ${r}`
  }
  return undefined
}

/**
 * The key two paths collide under on a case-insensitive, normalization-insensitive
 * file system (Windows, macOS by default): equal keys are one file there.
 */
export function pathFoldKey(path: string): string {
  return path.normalize('NFC').toUpperCase().toLowerCase()
}
