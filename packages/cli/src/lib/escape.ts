/**
 * Terminal safety: every string a command prints that came from a bundle (module
 * names, paths, qualnames, error messages quoting them) goes through printable(),
 * so that a hostile name cannot clear the screen, set the window title, move the
 * cursor (CR), or reorder what follows (bidi overrides). Characters are shown as
 * the escapes JSON uses: `\r`, `\n`, `\t`, `\u001b`, `\u202e`.
 */

/**
 * What is escaped: C0 controls and DEL, C1 controls (U+0080-U+009F, CSI U+009B
 * among them), format characters (Cf: bidi embeddings, overrides and isolates,
 * zero-width characters, the BOM, soft hyphen), line and paragraph separators,
 * spaces other than U+0020 (a disguised "a b"), and lone surrogates.
 */
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\p{Cf}\p{Zl}\p{Zp}\p{Cs}]|(?! )\p{Zs}/gu

const SHORT: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t', '\b': '\\b', '\f': '\\f' }

function escapeOne(c: string): string {
  const short = SHORT[c]
  if (short !== undefined) return short
  const cp = c.codePointAt(0)!
  if (cp > 0xffff) {
    // astral format characters (U+E0001 tags...): as a surrogate pair, as JSON writes them
    const hi = 0xd800 + ((cp - 0x10000) >> 10)
    const lo = 0xdc00 + ((cp - 0x10000) & 0x3ff)
    return `\\u${hi.toString(16)}\\u${lo.toString(16)}`
  }
  return `\\u${cp.toString(16).padStart(4, '0')}`
}

/** `s` with every character that a terminal would act on shown as an escape. Idempotent. */
export function printable(s: string): string {
  return s.replace(UNSAFE, escapeOne)
}

/**
 * JSON text with the same characters escaped inside its strings (JSON.stringify
 * leaves C1 controls, bidi overrides and U+2028 raw). Outside strings JSON text
 * has only ASCII punctuation, digits, letters and whitespace, so this changes no
 * value: JSON.parse of the result equals JSON.parse of the input.
 */
export function jsonPrintable(json: string): string {
  return json.replace(UNSAFE, (c) => (c === '\n' || c === ' ' ? c : escapeOne(c)))
}
