/**
 * The rules a data or metadata path obeys before it goes into a bundle (the
 * same as for module paths, issue 14): relative, '/'-separated, no empty, '.'
 * or '..' part, no backslash, NUL, control or format character. A file whose
 * path breaks one is skipped with the reason, so no bundle can make extract
 * write outside its folder.
 */

/** Longest data or metadata path, in UTF-8 bytes (the module-name limit, LIMITS.MAX_NAME_BYTES). */
export const MAX_DATA_PATH_BYTES = 4096

// Cc (C0, DEL, C1) and Cf (bidi overrides, zero-width joiners, BOM, ...): they
// hide what a path really is when printed.
const BAD_CHAR = /[\p{Cc}\p{Cf}\\]/u

/** Why `path` cannot be a data path, or null when it can. */
export function dataPathProblem(path: string): string | null {
  if (path === '') return 'an empty path'
  if (path.startsWith('/')) return 'an absolute path'
  // With the u flag a surrogate pair is one code point: this finds only unpaired halves (a file name that was not UTF-8).
  if (/[\uD800-\uDFFF]/u.test(path)) return 'not valid Unicode (a lone surrogate)'
  const bad = BAD_CHAR.exec(path)
  if (bad) {
    const c = bad[0]
    return c === '\\' ? 'a backslash in the path' : `the character U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')} in the path`
  }
  if (Buffer.byteLength(path, 'utf8') > MAX_DATA_PATH_BYTES) return `a path over ${MAX_DATA_PATH_BYTES} bytes`
  for (const part of path.split('/')) {
    if (part === '') return 'an empty part in the path'
    if (part === '.' || part === '..') return `a '${part}' part in the path`
  }
  return null
}

/** fnmatch patterns compiled once: Python's fnmatch.fnmatchcase (`*` also matches '/'). */
export function fnmatcher(patterns: readonly string[]): (s: string) => boolean {
  const res = patterns.map(translate)
  return (s) => res.some((re) => re.test(s))
}

/** Python's fnmatch.translate: `*`, `?`, `[seq]`, `[!seq]`; an unclosed `[` is literal. */
export function translate(pattern: string): RegExp {
  let out = ''
  const chars = [...pattern]
  for (let i = 0; i < chars.length; i++) {
    const c = chars[i]
    if (c === '*') {
      out += '[\\s\\S]*'
    } else if (c === '?') {
      out += '[\\s\\S]'
    } else if (c === '[') {
      let j = i + 1
      if (j < chars.length && chars[j] === '!') j++
      if (j < chars.length && chars[j] === ']') j++
      while (j < chars.length && chars[j] !== ']') j++
      if (j >= chars.length) {
        out += '\\['
        continue
      }
      let body = chars.slice(i + 1, j)
      const negate = body[0] === '!'
      if (negate) body = body.slice(1)
      // Items are single characters or ranges; a reversed range matches nothing (Python drops it too).
      let cls = ''
      for (let t = 0; t < body.length; t++) {
        if (body[t + 1] === '-' && t + 2 < body.length) {
          const [lo, hi] = [body[t], body[t + 2]]
          if (lo.codePointAt(0)! <= hi.codePointAt(0)!) cls += `${escapeClass(lo)}-${escapeClass(hi)}`
          t += 2
        } else {
          cls += escapeClass(body[t])
        }
      }
      out += cls === '' ? (negate ? '[\\s\\S]' : '(?!)') : `[${negate ? '^' : ''}${cls}]`
      i = j
    } else {
      out += c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')
    }
  }
  return new RegExp(`^${out}$`, 'u')
}

function escapeClass(ch: string): string {
  return /[\]\\^-]/.test(ch) ? '\\' + ch : ch
}

/** Order by UTF-8 bytes, as the writer sorts names. */
export function byUtf8(a: string, b: string): number {
  return a === b ? 0 : Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'))
}
