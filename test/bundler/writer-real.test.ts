/**
 * The writer on real modules compiled by every CPython on the machine (3.8 to
 * 3.13 under ~/.pyenv, else python3 on PATH): each code object is rebuilt from
 * the bundle bytes by a small decoder written from SPEC.md and must equal the
 * original exactly (every field, floats by bits, strings by code points, the
 * interned flag); the build statistics must be sane.
 *
 * PYBUNDLE_WRITER_FULL=1 also bundles the whole 3.11 standard library.
 */
import { execFileSync } from 'node:child_process'
import { existsSync, readdirSync } from 'node:fs'
import { homedir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { writeBundleWithStats } from '@pybundle/bundler'
import type { BundleInput, ModuleInput } from '@pybundle/bundler'
import {
  PY_ELLIPSIS, PY_FALSE, PY_NONE, PY_STOP_ITERATION, PY_TRUE, codeLayoutForPython, firstDifference, magicForPython,
  marshalVersionForPython, pyBytes, pyFloatBits, pyFrozenSet, pyInt, pySlice, pyStrFromCodePoints, pyTuple, readMarshal,
} from '@pybundle/cpython'
import type { CodeLayout, PyCode, PyStr, PyValue } from '@pybundle/cpython'
import {
  CODE, CONST_FLAG_NEGATIVE, CONST_TAG, HEADER, MODULE, NONE, SECTION, SECTION_ENTRY, STRING_FLAG, STRING_KIND_WIDTH,
  STRING_RECORD, STRING_SLICE_FIXED,
} from '@pybundle/format-spec'
import type { SectionName } from '@pybundle/format-spec'

// --- interpreters and compilation ---------------------------------------------------

function interpreters(): { minor: number; exe: string }[] {
  const found = new Map<number, string>()
  const root = join(homedir(), '.pyenv', 'versions')
  if (existsSync(root)) {
    for (const v of readdirSync(root).sort()) {
      const m = /^3\.(\d+)\.\d+$/.exec(v)
      const exe = join(root, v, 'bin', 'python3')
      if (m && Number(m[1]) >= 8 && Number(m[1]) <= 13 && existsSync(exe)) found.set(Number(m[1]), exe)
    }
  }
  if (found.size === 0) {
    try {
      const v = execFileSync('python3', ['-c', 'import sys; print(sys.version_info[1])'], { encoding: 'utf8' }).trim()
      if (Number(v) >= 8 && Number(v) <= 13) found.set(Number(v), 'python3')
    } catch {
      // no Python: the tests below are skipped
    }
  }
  return [...found].map(([minor, exe]) => ({ minor, exe }))
}

/** Compile modules of the interpreter's own stdlib, as `marshal.dumps(compile(src, path, "exec", dont_inherit=True))`. */
const COMPILE = String.raw`
import marshal, os, sys, struct, sysconfig
lib = sysconfig.get_paths()["stdlib"]
out = sys.stdout.buffer
for rel in sys.argv[1:]:
    p = os.path.join(lib, rel)
    if rel == "*":
        rels = []
        for dp, dns, fns in os.walk(lib):
            dns[:] = sorted(d for d in dns if d != "site-packages")
            rels += [os.path.relpath(os.path.join(dp, f), lib) for f in sorted(fns) if f.endswith(".py")]
    else:
        rels = [rel]
    for r in rels:
        p = os.path.join(lib, r)
        try:
            c = compile(open(p, "rb").read(), p, "exec", dont_inherit=True)
        except (SyntaxError, ValueError):
            continue
        d = marshal.dumps(c); rb = r.replace(os.sep, "/").encode()
        out.write(struct.pack("<II", len(rb), len(d)) + rb + d)
`

/** Modules, and the total size of their marshal data. */
function compileModules(exe: string, minor: number, rels: string[]): { modules: ModuleInput[]; marshalBytes: number } {
  const raw = execFileSync(exe, ['-W', 'ignore', '-c', COMPILE, ...rels], { maxBuffer: 1 << 30 })
  const modules: ModuleInput[] = []
  const names = new Set<string>()
  let marshalBytes = 0
  for (let pos = 0; pos < raw.length;) {
    const rl = raw.readUInt32LE(pos)
    const dl = raw.readUInt32LE(pos + 4)
    const path = raw.toString('utf8', pos + 8, pos + 8 + rl)
    const data = raw.subarray(pos + 8 + rl, pos + 8 + rl + dl)
    pos += 8 + rl + dl
    const isPackage = path.endsWith('/__init__.py')
    const name = path.replace(/\/__init__\.py$|\.py$/, '').replace(/\//g, '.')
    if (names.has(name) || name.includes('-')) continue
    names.add(name)
    marshalBytes += dl
    const code = readMarshal(data, { pythonMinor: minor })
    if (code.kind !== 'code') throw new Error(`${path}: not a code object`)
    modules.push({ name, path, isPackage, isNamespace: false, code })
  }
  return { modules, marshalBytes }
}

function target(minor: number, modules: ModuleInput[]): BundleInput {
  return { python: { magic: magicForPython(minor), major: 3, minor, marshalVersion: marshalVersionForPython(minor) }, optimize: 0, modules }
}

// --- a decoder from SPEC.md: bundle bytes back to code objects ------------------------------

function decodeBundle(b: Uint8Array): Map<string, PyCode> {
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength)
  const u32 = (at: number) => v.getUint32(at, true)
  const sec = {} as Record<SectionName, number>
  for (let i = 0; i < v.getUint16(HEADER.at.section_count, true); i++) {
    const at = HEADER.size + i * SECTION_ENTRY.size
    const id = u32(at + SECTION_ENTRY.at.id)
    const name = (Object.keys(SECTION) as SectionName[]).find((k) => SECTION[k] === id)!
    sec[name] = Number(v.getBigUint64(at + SECTION_ENTRY.at.offset, true))
  }
  const minor = b[HEADER.at.python_minor]
  const layout: CodeLayout = codeLayoutForPython(minor)
  const blob = (off: number, len: number) => b.slice(sec.BLOB + off, sec.BLOB + off + len)
  const entry = (table: number, i: number) => {
    const e = u32(table + 4 * i)
    if ((e & 1) === 0) return e
    const t = e >>> 1
    if (t >= i || (u32(table + 4 * t) & 1) !== 0) throw new Error(`bad redirect at ${i}`)
    return u32(table + 4 * t)
  }
  const str = (i: number): PyStr => {
    const at = sec.STRD + entry(sec.STRT, i)
    const flags = u32(at + STRING_RECORD.at.flags)
    const n = u32(at + STRING_RECORD.at.length)
    const w = STRING_KIND_WIDTH[flags & STRING_FLAG.KIND_MASK]
    const cps = new Uint32Array(n)
    const d = at + STRING_RECORD.size
    for (let k = 0; k < n; k++) cps[k] = w === 1 ? b[d + k] : w === 2 ? v.getUint16(d + 2 * k, true) : u32(d + 4 * k)
    return pyStrFromCodePoints(cps, (flags & STRING_FLAG.INTERNED) !== 0)
  }
  const constant = (i: number): PyValue => {
    const at = sec.CDAT + entry(sec.CNST, i)
    const hdr = u32(at)
    const n = u32(at + 4)
    const items = () => Array.from({ length: n }, (_, k) => constant(u32(at + 8 + 4 * k)))
    switch (hdr & 0xff) {
      case CONST_TAG.NONE: return PY_NONE
      case CONST_TAG.FALSE: return PY_FALSE
      case CONST_TAG.TRUE: return PY_TRUE
      case CONST_TAG.ELLIPSIS: return PY_ELLIPSIS
      case CONST_TAG.STOP_ITERATION: return PY_STOP_ITERATION
      case CONST_TAG.INT: return pyInt(v.getBigInt64(at + 8, true))
      case CONST_TAG.BIGINT: {
        let x = 0n
        for (let k = n - 1; k >= 0; k--) x = (x << 32n) | BigInt(u32(at + 8 + 4 * k))
        return pyInt(hdr & CONST_FLAG_NEGATIVE ? -x : x)
      }
      case CONST_TAG.FLOAT: return pyFloatBits(v.getBigUint64(at + 8, true))
      case CONST_TAG.COMPLEX:
        return { kind: 'complex', realBits: v.getBigUint64(at + 8, true), imagBits: v.getBigUint64(at + 16, true) }
      case CONST_TAG.STR: return str(n)
      case CONST_TAG.BYTES: return pyBytes(blob(u32(at + 8), n))
      case CONST_TAG.TUPLE: return pyTuple(items())
      case CONST_TAG.FROZENSET: return pyFrozenSet(items())
      case CONST_TAG.SLICE: return pySlice(constant(u32(at + 4)), constant(u32(at + 8)), constant(u32(at + 12)))
      case CONST_TAG.CODE: return code(n)
      default: throw new Error(`unknown tag ${hdr & 0xff}`)
    }
  }
  const code = (c: number): PyCode => {
    const at = sec.CODE + c * CODE.size
    const f = (k: keyof typeof CODE.at) => u32(at + CODE.at[k])
    const i32 = (k: keyof typeof CODE.at) => v.getInt32(at + CODE.at[k], true)
    const s0 = f('str_start')
    const strs = (from: number, n: number) => Array.from({ length: n }, (_, k) => str(from + k))
    const namesAt = s0 + STRING_SLICE_FIXED
    const localsAt = namesAt + f('n_names')
    const freeAt = localsAt + f('n_locals')
    const cellAt = freeAt + f('n_freevars')
    const eleven = layout === '3.11'
    return {
      kind: 'code', layout,
      argcount: i32('argcount'), posonlyargcount: i32('posonlyargcount'), kwonlyargcount: i32('kwonlyargcount'),
      nlocals: i32('nlocals'), stacksize: i32('stacksize'), flags: f('flags'),
      code: blob(f('code_offset'), f('code_length')),
      consts: Array.from({ length: f('n_consts') }, (_, k) => constant(f('const_start') + k)),
      names: strs(namesAt, f('n_names')),
      varnames: eleven ? [] : strs(localsAt, f('n_locals')),
      freevars: strs(freeAt, f('n_freevars')),
      cellvars: strs(cellAt, f('n_cellvars')),
      localsplusnames: eleven ? strs(localsAt, f('n_locals')) : [],
      localspluskinds: blob(f('kinds_offset'), f('kinds_length')),
      filename: str(s0), name: str(s0 + 1), qualname: eleven ? str(s0 + 2) : null,
      firstlineno: i32('firstlineno'),
      linetable: blob(f('linetable_offset'), f('linetable_length')),
      exceptiontable: blob(f('exceptiontable_offset'), f('exceptiontable_length')),
    }
  }
  const out = new Map<string, PyCode>()
  for (let m = 0; m < u32(HEADER.at.module_count); m++) {
    const at = sec.MODS + m * MODULE.size
    const name = new TextDecoder().decode(blob(u32(at + MODULE.at.name_offset), u32(at + MODULE.at.name_length)))
    const c = u32(at + MODULE.at.code)
    if (c !== NONE) out.set(name, code(c))
  }
  return out
}

// --- tests ------------------------------------------------------------------------------------------

const SOME = [
  'os.py', 'functools.py', 'json/__init__.py', 'json/decoder.py', 'json/encoder.py', 'collections/__init__.py',
  'typing.py', 'email/message.py', 'textwrap.py', 'argparse.py', 'fractions.py', 'decimal.py', '_pydecimal.py',
  'codecs.py', 'locale.py', 'string.py',
]
const pythons = interpreters()

describe.skipIf(pythons.length === 0)('writer on modules compiled by CPython', () => {
  for (const { minor, exe } of pythons) {
    it(`3.${minor}: every code object round-trips exactly; statistics are sane`, async () => {
      const { modules, marshalBytes } = compileModules(exe, minor, SOME)
      expect(modules.length).toBeGreaterThanOrEqual(12)
      const { bytes, stats } = await writeBundleWithStats(target(minor, modules))
      const decoded = decodeBundle(bytes)
      for (const m of modules) {
        const back = decoded.get(m.name)
        expect(back, m.name).toBeDefined()
        expect(firstDifference(m.code!, back!, { compareInterned: true }), m.name).toBeUndefined()
      }
      checkStats(stats, modules, marshalBytes, `3.${minor}`)
    })
  }
})

function checkStats(stats: Awaited<ReturnType<typeof writeBundleWithStats>>['stats'], modules: ModuleInput[], marshalBytes: number, label: string): void {
  let codes = 0
  let marshalish = 0
  const walk = (c: PyCode) => {
    codes++
    marshalish += c.code.length + c.linetable.length
    for (const k of c.consts) if (k.kind === 'code') walk(k)
  }
  for (const m of modules) walk(m.code!)
  expect(stats.modules).toBe(modules.length)
  expect(stats.codeObjects).toBe(codes)
  // names repeat a lot: most string entries are redirects, and cross-module sharing saves bytes
  expect(stats.strings.redirects).toBeGreaterThan(stats.strings.records)
  expect(stats.strings.records + stats.strings.redirects).toBe(stats.strings.entries)
  expect(stats.consts.records + stats.consts.redirects).toBe(stats.consts.entries)
  expect(stats.blobs.distinct).toBeLessThanOrEqual(stats.blobs.references)
  for (const k of ['strings', 'consts', 'blobs'] as const) {
    expect(stats.sharing[k].perModuleBytes).toBeGreaterThanOrEqual(stats.sharing[k].bytes)
  }
  expect(stats.sharing.strings.perModuleBytes).toBeGreaterThan(stats.sharing.strings.bytes)
  expect(stats.sharing.savedBytes).toBeGreaterThan(0)
  // bytecode and line tables are most of BLOB; fixed-size records and PEP 393 strings cost more than
  // marshal's varint-free but compact encoding, cross-module sharing wins some back: same ballpark
  expect(stats.sections.BLOB).toBeGreaterThanOrEqual(marshalish * 0.9)
  expect(stats.fileSize).toBeGreaterThan(marshalBytes * 0.6)
  expect(stats.fileSize).toBeLessThan(marshalBytes * 2)
  console.log(`${label}: bundle ${stats.fileSize} bytes for ${marshalBytes} bytes of marshal (${(stats.fileSize / marshalBytes).toFixed(2)}x), saved by sharing ${stats.sharing.savedBytes}`)
  const total = Object.values(stats.sections).reduce((a, b) => a + b, 0)
  expect(stats.fileSize).toBeGreaterThanOrEqual(total + stats.headerBytes)
  expect(stats.fileSize - total - stats.headerBytes).toBeLessThan(64 * 8)
}

const full = process.env.PYBUNDLE_WRITER_FULL === '1' ? pythons.find((p) => p.minor === 11) : undefined
describe.skipIf(full === undefined)('writer on the whole 3.11 standard library', () => {
  it('bundles every module and round-trips them', async () => {
    const { modules, marshalBytes } = compileModules(full!.exe, 11, ['*'])
    expect(modules.length).toBeGreaterThan(1500)
    const { bytes, stats } = await writeBundleWithStats(target(11, modules))
    const decoded = decodeBundle(bytes)
    for (const m of modules) expect(firstDifference(m.code!, decoded.get(m.name)!, { compareInterned: true }), m.name).toBeUndefined()
    checkStats(stats, modules, marshalBytes, '3.11 stdlib')
    expect(stats.codeObjects).toBeGreaterThan(70_000)
  })
})
