// @ts-check
/**
 * Mutations of real .pyc files for the marshal reader. A small tokenizer walks
 * the marshal stream (Python/marshal.c's grammar, versions 4 and 5) and records
 * where the type bytes, length fields, reference indexes and str payloads are,
 * so the forgeries hit the fields they mean to.
 */

/** @typedef {import('./rng.mjs').Rng} Rng */
/** @typedef {{pos: number, size: 1 | 4, value: number, code: string}} Len */
/** @typedef {{types: number[], lens: Len[], refs: {pos: number, index: number}[], strs: {pos: number, len: number, code: string}[], refSlots: number, reserved: number[]}} Tokens */

const LEAF = new Set('0NFTS.'.split('').map((c) => c.charCodeAt(0)))
const KNOWN = new Set('0NFTS.iIfgxylstr([{c<>:aA)zZu'.split('').map((c) => c.charCodeAt(0)))

/**
 * @param {Uint8Array} b @param {number} pos @param {'3.8'|'3.10'|'3.11'} layout
 * @returns {Tokens}
 */
export function tokenize(b, pos, layout) {
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength)
  /** @type {Tokens} */
  const t = { types: [], lens: [], refs: [], strs: [], refSlots: 0, reserved: [] }
  const i32 = () => {
    const v = dv.getInt32(pos, true)
    pos += 4
    return v
  }
  const lenField = (/** @type {1|4} */ size, /** @type {string} */ code) => {
    const v = size === 1 ? b[pos] : dv.getInt32(pos, true)
    t.lens.push({ pos, size, value: v, code })
    pos += size
    return v
  }
  const obj = () => {
    const start = pos
    const raw = b[pos++]
    const flag = raw & 0x80
    const c = String.fromCharCode(raw & 0x7f)
    t.types.push(start)
    if (LEAF.has(raw & 0x7f)) return
    let slot = -1
    if (flag) slot = t.refSlots++
    switch (c) {
      case 'i': pos += 4; break
      case 'I': case 'g': pos += 8; break
      case 'y': pos += 16; break
      case 'l': { const n = lenField(4, c); pos += 2 * Math.abs(n); break }
      case 'f': { const n = lenField(1, c); pos += n; break }
      case 'x': { let n = lenField(1, c); pos += n; n = lenField(1, c); pos += n; break }
      case 's': case 't': case 'u': case 'a': case 'A': {
        const n = lenField(4, c)
        if (c !== 's') t.strs.push({ pos, len: n, code: c })
        pos += n
        break
      }
      case 'z': case 'Z': { const n = lenField(1, c); t.strs.push({ pos, len: n, code: c }); pos += n; break }
      case ')': { const n = lenField(1, c); for (let i = 0; i < n; i++) obj(); break }
      case '(': case '[': case '<': case '>': { const n = lenField(4, c); for (let i = 0; i < n; i++) obj(); break }
      case '{': for (;;) { if (b[pos] === 0x30) { t.types.push(pos); pos++; break } obj(); obj() } break
      case 'r': t.refs.push({ pos, index: dv.getInt32(pos, true) }); pos += 4; break
      case ':': t.reserved.push(slot); obj(); obj(); obj(); break
      case 'c': {
        if (slot >= 0) t.reserved.push(slot)
        const ints = layout === '3.11' ? 5 : 6
        for (let i = 0; i < ints; i++) i32()
        const objs = layout === '3.11' ? [8, 1, 2] : [8, 1, 1]
        for (let i = 0; i < objs[0]; i++) obj()
        i32() // firstlineno
        for (let i = 0; i < (layout === '3.11' ? 2 : 1); i++) obj()
        break
      }
      default: throw new Error(`tokenize: type ${c} at ${start}`)
    }
  }
  obj()
  return t
}

/** @param {Uint8Array} b @param {number} pos @param {number} v */
function setI32(b, pos, v) {
  new DataView(b.buffer, b.byteOffset, b.byteLength).setInt32(pos, v | 0, true)
}

/**
 * One mutant of a pyc (16-byte header + marshal).
 * @param {Rng} rng @param {Uint8Array} pyc @param {Tokens} t
 * @returns {{bytes: Uint8Array, desc: string, kind: string}}
 */
export function mutatePyc(rng, pyc, t) {
  let b = pyc.slice()
  const kind = rng.pick(['bitflip', 'setbyte', 'truncate', 'length', 'length', 'ref', 'ref', 'utf8', 'utf8', 'typecode', 'typecode', 'nesting', 'header'])
  let desc = kind
  switch (kind) {
    case 'bitflip': {
      const p = 16 + rng.int(b.length - 16)
      b[p] ^= 1 << rng.int(8)
      desc = `bitflip at ${p}`
      break
    }
    case 'setbyte': {
      const p = 16 + rng.int(b.length - 16)
      b[p] = rng.pick([0, 0xff, 0x7f, 0x80])
      desc = `setbyte ${b[p]} at ${p}`
      break
    }
    case 'truncate': {
      const p = rng.int(b.length)
      b = b.subarray(0, p)
      desc = `truncate at ${p}`
      break
    }
    case 'length': {
      const l = rng.pick(t.lens)
      const left = b.length - l.pos
      const v = l.size === 1
        ? rng.pick([0, 1, 255, 254, l.value + 1, l.value - 1, 128, 127])
        : rng.pick([0, 1, -1, -2, 0x7fffffff, -0x80000000, 0x40000000, l.value + 1, l.value - 1, l.value * 2, left, left + 1, left - 4, 1 << 20])
      if (l.size === 1) b[l.pos] = v & 0xff
      else setI32(b, l.pos, v)
      desc = `length '${l.code}' at ${l.pos}: ${l.value} -> ${l.size === 1 ? v & 0xff : v | 0}`
      break
    }
    case 'ref': {
      if (!t.refs.length) return mutatePyc(rng, pyc, t)
      const r = rng.pick(t.refs)
      const v = rng.pick([t.refSlots, t.refSlots - 1, t.refSlots + 1, -1, 0x7fffffff, -0x80000000, r.index + 1, ...(t.reserved.length ? [rng.pick(t.reserved)] : [])])
      setI32(b, r.pos, v)
      desc = `ref at ${r.pos}: ${r.index} -> ${v}`
      break
    }
    case 'utf8': {
      const all = t.strs.filter((x) => x.len > 0)
      const utf = all.filter((x) => x.code === 'u' || x.code === 't')
      // ASCII types read as Latin-1 like CPython does, so aim mostly at the UTF-8 ones.
      const s = utf.length && rng.chance(0.85) ? utf : all
      if (!s.length) return mutatePyc(rng, pyc, t)
      const x = rng.pick(s)
      const p = x.pos + rng.int(x.len)
      // Lone continuation, overlong lead, 5-byte lead, 0xff, or a lead byte with its continuation cut.
      b[p] = rng.pick([0x80, 0xbf, 0xc0, 0xc1, 0xf8, 0xff, 0xe0, 0xf4, 0xf5, 0xed])
      desc = `str '${x.code}' byte at ${p} -> 0x${b[p].toString(16)}`
      break
    }
    case 'typecode': {
      const p = rng.pick(t.types)
      const unknowns = []
      for (let c = 0; c < 128; c++) if (!KNOWN.has(c)) unknowns.push(c)
      const v = rng.chance(0.7) ? rng.pick(unknowns) | (rng.chance(0.5) ? 0x80 : 0) : rng.int(256)
      desc = `type byte at ${p}: 0x${b[p].toString(16)} -> 0x${v.toString(16)}`
      b[p] = v
      break
    }
    case 'nesting': {
      // Wrap the object at a type position in `depth` one-item tuples or lists.
      const p = rng.pick(t.types.slice(1))
      const depth = rng.pick([1990, 1999, 2000, 2001, 2100, 5000, 100_000])
      const list = rng.chance(0.3)
      const unit = list ? [0x5b, 1, 0, 0, 0] : [0x29, 1]
      const pre = new Uint8Array(depth * unit.length)
      for (let i = 0; i < depth; i++) pre.set(unit, i * unit.length)
      const out = new Uint8Array(b.length + pre.length)
      out.set(b.subarray(0, p))
      out.set(pre, p)
      out.set(b.subarray(p), p + pre.length)
      b = out
      desc = `nest object at ${p} in ${depth} ${list ? 'lists' : 'tuples'}`
      break
    }
    case 'header': {
      const p = rng.int(16)
      b[p] = rng.pick([0, 0xff, 0x7f, 0x80, b[p] ^ 1])
      desc = `pyc header byte ${p} -> ${b[p]}`
      break
    }
  }
  return { bytes: b, desc, kind }
}

/** Hand-made marshal inputs that must each fail with a named PyBundleError code. */
export function handMadeCases() {
  const u = (/** @type {number[]} */ ...xs) => Uint8Array.from(xs)
  const i32 = (/** @type {number} */ v) => { const a = new Uint8Array(4); new DataView(a.buffer).setInt32(0, v, true); return [...a] }
  const deep = (/** @type {number} */ n) => { const a = new Uint8Array(2 * n + 1); for (let i = 0; i < n; i++) { a[2 * i] = 0x29; a[2 * i + 1] = 1 } a[2 * n] = 0x4e; return a }
  return [
    { name: 'nesting 2001 tuples', bytes: deep(2001), code: 'LIMIT_EXCEEDED' },
    { name: 'nesting 100000 tuples', bytes: deep(100_000), code: 'LIMIT_EXCEEDED' },
    { name: 'nesting 1999 tuples is fine', bytes: deep(1999), code: null },
    { name: 'ref to missing slot', bytes: u(0x72, ...i32(0)), code: 'BAD_REF' },
    { name: 'ref to negative slot', bytes: u(0x29, 2, 0xe9, ...i32(5), 0x72, ...i32(-1)), code: 'BAD_REF' },
    { name: 'ref to unfilled frozenset slot', bytes: u(0xbe, ...i32(1), 0x72, ...i32(0)), code: 'BAD_REF' },
    { name: 'tuple length 2^31-1', bytes: u(0x28, ...i32(0x7fffffff)), code: 'TRUNCATED' },
    { name: 'tuple length negative', bytes: u(0x28, ...i32(-1)), code: 'MALFORMED' },
    { name: 'str length 2^31-1', bytes: u(0x75, ...i32(0x7fffffff), 0x61), code: 'TRUNCATED' },
    { name: 'bytes length -2^31', bytes: u(0x73, ...i32(-0x80000000)), code: 'MALFORMED' },
    { name: 'long digits 2^31-1', bytes: u(0x6c, ...i32(0x7fffffff), 1, 0), code: 'TRUNCATED' },
    { name: 'lone continuation byte', bytes: u(0x75, ...i32(1), 0x80), code: 'BAD_UTF8' },
    { name: 'overlong encoding', bytes: u(0x75, ...i32(2), 0xc0, 0x80), code: 'BAD_UTF8' },
    { name: '0xff in str', bytes: u(0x75, ...i32(1), 0xff), code: 'BAD_UTF8' },
    { name: 'cut 3-byte sequence', bytes: u(0x75, ...i32(2), 0xe4, 0xb8), code: 'BAD_UTF8' },
    { name: 'code point past U+10FFFF', bytes: u(0x75, ...i32(4), 0xf4, 0x90, 0x80, 0x80), code: 'BAD_UTF8' },
    { name: 'unknown type code b', bytes: u(0x62), code: 'BAD_TYPE_CODE' },
    { name: 'unknown type code 0x01|FLAG_REF', bytes: u(0x81), code: 'BAD_TYPE_CODE' },
    { name: 'empty input', bytes: u(), code: 'TRUNCATED' },
    { name: 'dict without NULL', bytes: u(0x7b, 0x4e, 0x4e), code: 'TRUNCATED' },
  ]
}
