/**
 * Hostile input: every failure is a PyBundleError with the right code and the
 * absolute byte offset; verify() reports instead of throwing; nothing else escapes.
 */
import { execFileSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { PyBundleError } from '@pybundle/errors'
import { thrown } from '../helpers/thrown.js'
import { pyInt, pyTuple, type PyValue } from '@pybundle/cpython'
import { CODE, CONST_TAG, HEADER, SECTION_ENTRY, TABLE_ENTRY_SIZE } from '@pybundle/format-spec'
import { openBundle, openBundleFromBuffer, type Bundle } from '@pybundle/loader'
import { PY311, allConstants, bundleBytes, code, module, reseal, resealHeader, s, sectionOffset, tempFile } from './fixtures.js'

const SEC = { MIDX: 0, MODS: 1, CODE: 2, STRT: 3, CNST: 4, STRD: 5, CDAT: 6, BLOB: 7 }

async function base(extraConsts: PyValue[] = []): Promise<Uint8Array> {
  const inner = code('3.11', { name: 'f', names: [s('alpha'), s('beta')], consts: allConstants() })
  const top = code('3.11', { name: '<module>', names: [s('alpha'), s('f')], consts: [inner, s('f'), ...extraConsts] })
  const other = code('3.11', { name: '<module>', names: [s('beta'), s('gamma')], consts: [s('f'), allConstants()[36]] })
  return bundleBytes({ python: PY311, optimize: 0, modules: [module('a', top), module('b', other), module('c.d', other)] })
}

const dvOf = (b: Uint8Array): DataView => new DataView(b.buffer, b.byteOffset, b.byteLength)

/** Touch everything a runtime or a tool would. Only PyBundleError may escape. */
function exercise(b: Bundle): void {
  const guard = (fn: () => unknown): void => {
    try {
      fn()
    } catch (e) {
      if (!(e instanceof PyBundleError)) throw e
    }
  }
  guard(() => {
    for (const name of b.moduleNames()) {
      guard(() => b.getModule(name)?.code?.materialize())
      guard(() => b.toPyc(name))
      guard(() => b.submodules(name))
      guard(() => {
        const c = b.getModule(name)?.code
        if (!c) return
        for (const list of [c.names, c.localsplusnames, c.consts]) for (let i = 0; i < list.length; i++) guard(() => list.get(i))
        void [c.filename, c.name, c.qualname, c.bytecode, c.linetable, c.exceptiontable, c.argcount, c.flags]
      })
    }
  })
  for (const name of ['a', 'b', 'c.d', 'zz']) guard(() => b.getModule(name)?.path)
  guard(() => b.stats())
  const report = b.verify({ maxProblems: 20 }) // must not throw
  expect(report.problems.length).toBeLessThanOrEqual(20)
  for (const p of report.problems) expect(typeof p.code).toBe('string')
}

describe('open rejects bad headers with typed errors', () => {
  it('empty and missing files', () => {
    expect(thrown(() => openBundle(tempFile('empty.pyb', new Uint8Array(0))))).toMatchObject({ code: 'TRUNCATED', offset: 0 })
    expect(thrown(() => openBundle('/nonexistent/x.pyb')).code).toBe('IO')
    expect(thrown(() => openBundleFromBuffer(new Uint8Array(10))).code).toBe('TRUNCATED')
  })

  it('paths that are not regular files: IO naming what they are, never blocking on a FIFO', () => {
    const dir = mkdtempSync(join(tmpdir(), 'pybundle-loader-paths-'))
    try {
      mkdirSync(join(dir, 'folder.pyb'))
      execFileSync('mkfifo', [join(dir, 'fifo.pyb')])
      const folder = thrown(() => openBundle(join(dir, 'folder.pyb')))
      expect(folder.code).toBe('IO')
      expect(folder.message).toMatch(/directory/)
      // opened O_NONBLOCK after a stat, so this returns at once instead of waiting for a writer
      const fifo = thrown(() => openBundle(join(dir, 'fifo.pyb')))
      expect(fifo.code).toBe('IO')
      expect(fifo.message).toMatch(/FIFO/)
      expect(fifo.file).toBe(join(dir, 'fifo.pyb'))
      expect(thrown(() => openBundle('/dev/null')).message).toMatch(/character device/)
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })

  it('magic, version, flags, sizes, checksum', async () => {
    const good = await base()
    const patch = (fn: (b: Uint8Array, dv: DataView) => void, seal = true): PyBundleError => {
      const b = good.slice()
      fn(b, dvOf(b))
      if (seal) resealHeader(b)
      return thrown(() => openBundleFromBuffer(b))
    }
    expect(patch((b) => (b[1] = 0x51), false)).toMatchObject({ code: 'BAD_MAGIC', offset: 1 })
    expect(patch((_, dv) => dv.setUint16(HEADER.at.format_major, 2, true))).toMatchObject({ code: 'UNSUPPORTED_VERSION', offset: HEADER.at.format_major })
    expect(patch((_, dv) => dv.setUint32(HEADER.at.flags, 1 << 20, true))).toMatchObject({ code: 'UNSUPPORTED_VERSION', offset: HEADER.at.flags })
    expect(patch((_, dv) => dv.setUint8(HEADER.at.python_minor, 7))).toMatchObject({ code: 'UNSUPPORTED_VERSION' })
    expect(patch((_, dv) => dv.setUint8(HEADER.at.marshal_version, 5))).toMatchObject({ code: 'UNSUPPORTED_VERSION' })
    // SPEC §11.1: python_magic belongs to the declared version; versions outside 3.8-3.14 say what the bundle was built for
    const newer = patch((_, dv) => dv.setUint8(HEADER.at.python_minor, 15))
    expect(newer).toMatchObject({ code: 'UNSUPPORTED_VERSION', details: expect.objectContaining({ python: '3.15', magic: 3495 }) })
    expect(newer.message).toMatch(/built for Python 3\.15 .*this loader reads bundles for Python 3\.8 to 3\.14/)
    const other = patch((_, dv) => dv.setUint16(HEADER.at.python_magic, 3413, true))
    expect(other).toMatchObject({ code: 'MALFORMED', offset: HEADER.at.python_magic })
    expect(other.message).toMatch(/built for Python 3\.11 .*magic of Python 3\.8/)
    expect(patch((_, dv) => dv.setUint16(HEADER.at.python_magic, 3700, true))).toMatchObject({ code: 'MALFORMED', offset: HEADER.at.python_magic })
    const pre = good.slice()
    dvOf(pre).setUint16(HEADER.at.python_magic, 3494, true) // a 3.11 pre-release magic is still 3.11's
    expect(openBundleFromBuffer(resealHeader(pre)).magic).toBe(3494)
    expect(patch((b) => (b[HEADER.at.module_count] ^= 1), false)).toMatchObject({ code: 'CHECKSUM_MISMATCH', offset: HEADER.at.header_checksum })
    expect(patch((_, dv) => dv.setUint32(HEADER.at.module_count, 4, true))).toMatchObject({ code: 'MALFORMED' })
    expect(patch((_, dv) => dv.setUint16(HEADER.at.section_count, 200, true))).toMatchObject({ code: 'LIMIT_EXCEEDED', details: { limit: 'MAX_SECTIONS', value: 200 } })
    expect(patch((_, dv) => dv.setUint32(HEADER.at.header_size, 100, true))).toMatchObject({ code: 'MALFORMED' })
    const entry = (i: number, f: keyof typeof SECTION_ENTRY.at): number => HEADER.size + i * SECTION_ENTRY.size + SECTION_ENTRY.at[f]
    expect(patch((_, dv) => dv.setBigUint64(entry(SEC.BLOB, 'offset'), dv.getBigUint64(entry(SEC.BLOB, 'offset'), true) + 8n, true))).toMatchObject({
      code: 'MISALIGNED',
      offset: entry(SEC.BLOB, 'offset'),
    })
    expect(patch((_, dv) => dv.setBigUint64(entry(SEC.BLOB, 'size'), 1n << 40n, true))).toMatchObject({ code: 'OUT_OF_BOUNDS' })
    expect(patch((_, dv) => dv.setUint32(entry(SEC.STRD, 'id'), dv.getUint32(entry(SEC.STRT, 'id'), true), true))).toMatchObject({ code: 'MALFORMED' })
    expect(patch((_, dv) => dv.setUint32(entry(SEC.STRD, 'id'), 0x58585858, true))).toMatchObject({ code: 'MALFORMED', offset: entry(SEC.STRD, 'id') })
    expect(patch((_, dv) => dv.setBigUint64(entry(SEC.CODE, 'offset'), dv.getBigUint64(entry(SEC.MODS, 'offset'), true), true))).toMatchObject({ code: 'MALFORMED' })
    // file size
    const cut = good.slice(0, good.length - 8)
    expect(thrown(() => openBundleFromBuffer(cut))).toMatchObject({ code: 'TRUNCATED', offset: HEADER.at.file_size })
    const longer = new Uint8Array(good.length + 8)
    longer.set(good)
    expect(thrown(() => openBundleFromBuffer(longer))).toMatchObject({ code: 'MALFORMED', offset: HEADER.at.file_size })
    const p = tempFile('cut.pyb', cut)
    expect(thrown(() => openBundle(p))).toMatchObject({ code: 'TRUNCATED', file: p })
  })
})

describe('lazy reads and verify on corrupt sections', () => {
  it('a flipped byte: open works (no section checksums at open), verify reports CHECKSUM_MISMATCH', async () => {
    const b = (await base()).slice()
    const blob = sectionOffset(b, SEC.BLOB)
    b[blob.offset + 3] ^= 0xff
    const bundle = openBundleFromBuffer(b)
    const r = bundle.verify()
    expect(r.ok).toBe(false)
    expect(r.problems[0]).toMatchObject({ code: 'CHECKSUM_MISMATCH', section: 'BLOB', offset: blob.offset })
  })

  it('forward redirect, redirect to a redirect, misaligned entry', async () => {
    const good = await base()
    const strt = sectionOffset(good, SEC.STRT)
    const codeSec = sectionOffset(good, SEC.CODE)
    const strStart = dvOf(good).getUint32(codeSec.offset + CODE.at.str_start, true)
    const at = strt.offset + strStart * TABLE_ENTRY_SIZE
    const cases: [number, string][] = [
      [((strStart + 1) << 1) | 1, 'BAD_REDIRECT'],
      [(strStart << 1) | 1, 'BAD_REDIRECT'],
      [2, 'MISALIGNED'],
      [0x7ffffff0, 'OUT_OF_BOUNDS'],
    ]
    for (const [value, codeName] of cases) {
      const b = good.slice()
      dvOf(b).setUint32(at, value, true)
      reseal(b)
      const bundle = openBundleFromBuffer(b)
      const c = bundle.getModule('a')!.code!
      expect(thrown(() => c.filename)).toMatchObject({ code: codeName, offset: at })
      expect(thrown(() => c.toMarshal())).toMatchObject({ code: codeName, offset: at })
      const r = bundle.verify()
      expect(r.problems.some((p) => p.code === codeName && p.offset === at && p.section === 'STRT')).toBe(true)
      exercise(bundle)
    }
    // redirect to an earlier entry that is itself a redirect
    const b = good.slice()
    const dv = dvOf(b)
    const entries = Array.from({ length: strt.size / 4 }, (_, i) => dv.getUint32(strt.offset + 4 * i, true))
    const redirect = entries.findIndex((v) => v & 1)
    expect(redirect).toBeGreaterThan(0)
    const later = entries.length - 1
    dv.setUint32(strt.offset + 4 * later, (redirect << 1) | 1, true)
    reseal(b)
    const r = openBundleFromBuffer(b).verify()
    expect(r.problems).toContainEqual(expect.objectContaining({ code: 'BAD_REDIRECT', offset: strt.offset + 4 * later, path: `STRT[${later}]` }))
  })

  it('container items must be earlier entries; forged counts stay within the section', async () => {
    const good = await base()
    const cnst = sectionOffset(good, SEC.CNST)
    const cdat = sectionOffset(good, SEC.CDAT)
    const dv0 = dvOf(good)
    // find a data entry holding a non-empty tuple
    let entry = -1
    let off = 0
    for (let i = 0; i < cnst.size / 4; i++) {
      const v = dv0.getUint32(cnst.offset + 4 * i, true)
      if (v & 1) continue
      if ((dv0.getUint32(cdat.offset + v, true) & 0xff) === CONST_TAG.TUPLE && dv0.getUint32(cdat.offset + v + 4, true) > 0) {
        entry = i
        off = v
        break
      }
    }
    expect(entry).toBeGreaterThan(0)
    const itemAt = cdat.offset + off + 8
    for (const [patchAt, value, codeName, where] of [
      [itemAt, entry, 'BAD_INDEX', itemAt],
      [cdat.offset + off + 4, 0x3fffffff, 'OUT_OF_BOUNDS', undefined],
      [cdat.offset + off, 0x77, 'MALFORMED', cdat.offset + off],
      [cdat.offset + off, CONST_TAG.TUPLE | (1 << 20), 'MALFORMED', cdat.offset + off],
    ] as const) {
      const b = good.slice()
      dvOf(b).setUint32(patchAt, value, true)
      reseal(b)
      const bundle = openBundleFromBuffer(b)
      const errs = [...bundle.moduleNames()].map((n) => {
        try {
          bundle.toPyc(n)
          return undefined
        } catch (e) {
          expect(e).toBeInstanceOf(PyBundleError)
          return e as PyBundleError
        }
      })
      const err = errs.find((e) => e !== undefined)
      expect(err).toMatchObject({ code: codeName, ...(where === undefined ? {} : { offset: where }) })
      expect(bundle.verify().problems.some((p) => p.code === codeName)).toBe(true)
      exercise(bundle)
    }
  })

  it('a code constant outside its parent slice is rejected', async () => {
    const good = await base()
    const codeSec = sectionOffset(good, SEC.CODE)
    const dv = dvOf(good)
    // module b's body (record 2) takes the CODE constant of module a's body as its second constant
    const aStart = dv.getUint32(codeSec.offset + CODE.at.const_start, true)
    const bRec = codeSec.offset + 2 * CODE.size
    const b = good.slice()
    dvOf(b).setUint32(cnstAt(b, dvOf(b).getUint32(bRec + CODE.at.const_start, true) + 1), (aStart << 1) | 1, true)
    reseal(b)
    const bundle = openBundleFromBuffer(b)
    const e = thrown(() => bundle.getModule('b')!.code!.consts.get(1))
    expect(e.code).toBe('MALFORMED')
    expect(thrown(() => bundle.toPyc('b')).code).toBe('MALFORMED')
    expect(bundle.verify().problems.some((p) => p.code === 'MALFORMED' && p.path.startsWith('CODE[2]'))).toBe(true)
  })

  it('nesting deeper than LIMITS.MAX_DEPTH: LIMIT_EXCEEDED, not a stack overflow', async () => {
    const N = 2100
    const ints = Array.from({ length: N }, (_, i) => pyInt(1000 + i))
    const good = await base([pyTuple(ints)])
    const b = good.slice()
    const dv = dvOf(b)
    const cnst = sectionOffset(b, SEC.CNST)
    const cdat = sectionOffset(b, SEC.CDAT)
    // turn INT k (k >= 1) into the 1-tuple (INT k-1,): same 16-byte record size
    const entryOf = new Map<bigint, number>()
    for (let i = 0; i < cnst.size / 4; i++) {
      const v = dv.getUint32(cnst.offset + 4 * i, true)
      if (!(v & 1) && (dv.getUint32(cdat.offset + v, true) & 0xff) === CONST_TAG.INT) entryOf.set(dv.getBigInt64(cdat.offset + v + 8, true), i)
    }
    for (let k = 1; k < N; k++) {
      const i = entryOf.get(BigInt(1000 + k))!
      const prev = entryOf.get(BigInt(999 + k))!
      expect(prev).toBeLessThan(i)
      const rec = cdat.offset + dv.getUint32(cnst.offset + 4 * i, true)
      dv.setUint32(rec, CONST_TAG.TUPLE, true)
      dv.setUint32(rec + 4, 1, true)
      dv.setUint32(rec + 8, prev, true)
      dv.setUint32(rec + 12, 0, true)
    }
    reseal(b)
    const bundle = openBundleFromBuffer(b)
    // SPEC §11.4: limit errors name the limit, in the message and in details
    const named = { code: 'LIMIT_EXCEEDED', message: expect.stringContaining('MAX_DEPTH (2000)'), details: expect.objectContaining({ limit: 'MAX_DEPTH' }) }
    expect(thrown(() => bundle.getModule('a')!.code!.materialize())).toMatchObject(named)
    expect(thrown(() => bundle.toPyc('a'))).toMatchObject(named)
    expect(bundle.verify().problems.some((p) => p.code === 'LIMIT_EXCEEDED' && p.message.includes('MAX_DEPTH') && p.details?.limit === 'MAX_DEPTH')).toBe(true)
  })

  it('fuzz: random byte damage never lets anything but PyBundleError escape', async () => {
    const good = await base()
    let seed = 12345
    const rnd = (n: number): number => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0
      return seed % n
    }
    const headerSize = dvOf(good).getUint32(HEADER.at.header_size, true)
    for (let iter = 0; iter < 300; iter++) {
      const b = good.slice()
      const flips = 1 + rnd(8)
      for (let k = 0; k < flips; k++) {
        // mostly after the header (so open succeeds), sometimes anywhere
        const at = rnd(4) === 0 ? rnd(b.length) : headerSize + rnd(b.length - headerSize)
        b[at] = rnd(3) === 0 ? 0xff : rnd(256)
      }
      if (rnd(2) === 0) reseal(b)
      let bundle: Bundle
      try {
        bundle = openBundleFromBuffer(b)
      } catch (e) {
        expect(e).toBeInstanceOf(PyBundleError)
        continue
      }
      exercise(bundle)
    }
  })
})

function cnstAt(b: Uint8Array, i: number): number {
  return sectionOffset(b, SEC.CNST).offset + i * TABLE_ENTRY_SIZE
}
