/**
 * Matching and ordering of the collectors' paths: exclude_data's fnmatch
 * patterns, and the UTF-8 byte order the writer sorts by. Whether a path may
 * go into a bundle at all is the format's one rule (resourcePathProblem in
 * @pybundle/format-spec, §15.1 = §5.1), which data.ts and metadata.ts call.
 */

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
