/** printable() and the JSON escaping of packages/cli/src/lib/escape.ts (exported by @pybundle/cli). */
import { describe, expect, it } from 'vitest'
import { jsonPrintable, printable } from '@pybundle/cli'

const NASTY = [
  '\u001b[2J', '\u001b]0;title\u0007', 'a\rb', 'a\nb', '\t', '\u007f', '\u0085', '\u009b31m', '\u202eevil', '\u2066x\u2069',
  '\u200b', '\u200d', '\ufeff', '\u00ad', '\u2028', '\u2029', '\u00a0', '\u3000', '\ud800', 'x\udfffy', '\u{e0041}',
]

describe('printable', () => {
  it.each(NASTY)('shows %j as a visible escape', (s) => {
    const p = printable(s)
    expect(p).toMatch(/\\[nrtbfu]/)
    expect(p).toMatch(/^[\x20-\x7e\u00a1-\u00ac\u00ae-\u2027\u202f-\uffff]*$/u)
    expect(printable(p)).toBe(p) // idempotent: escaping twice changes nothing
  })
  it('leaves ordinary text alone, non-ASCII letters included', () => {
    for (const s of ['json.decoder', 'café', '数据', 'a b', '_sysconfigdata__linux_x86_64-linux-gnu', 'x\\u001by']) expect(printable(s)).toBe(s)
  })
})

describe('jsonPrintable', () => {
  it('escapes inside strings without changing any value', () => {
    const value = { names: NASTY, nested: [{ k: NASTY.join('|') }], n: 1 }
    const raw = JSON.stringify(value, null, 2)
    const safe = jsonPrintable(raw)
    expect(JSON.parse(safe)).toEqual(value)
    expect(safe).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069\u200b-\u200f\ufeff]/u)
    expect(safe).not.toMatch(/\p{Cs}/u)
  })
})
