/**
 * SPEC §11.2/§11.3: code records CPython would reject when the emitted .pyc is loaded
 * (PyCode_NewWithPosOnlyArgs / _PyCode_Validate) are MALFORMED in verify(), toMarshal(),
 * toPyc() and materialize(); valid records emit a .pyc that readPyc (CPython's checks) accepts.
 */
import { describe, expect, it } from 'vitest'
import { thrown } from '../helpers/thrown.js'
import { readPyc } from '@pybundle/cpython'
import { CODE, HEADER, SECTION_ENTRY } from '@pybundle/format-spec'
import { openBundleFromBuffer } from '@pybundle/loader'
import { PY310, PY311, bundleBytes, code, module, reseal, s } from './fixtures.js'

const CODE_SECTION = 2
function codeOffset(b: Uint8Array): number {
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength)
  return Number(dv.getBigUint64(HEADER.size + CODE_SECTION * SECTION_ENTRY.size + SECTION_ENTRY.at.offset, true))
}

describe('code records CPython would reject', () => {
  for (const py of [PY310, PY311]) {
    const layout = py.minor === 10 ? '3.10' : '3.11'
    const f = code(layout, {
      name: 'f',
      argcount: 2,
      flags: 0x04,
      ...(layout === '3.11'
        ? { localsplusnames: [s('a'), s('b'), s('args'), s('x')], localspluskinds: Uint8Array.of(0x26, 0x26, 0x26, 0x20) }
        : { varnames: [s('a'), s('b'), s('args'), s('x')], nlocals: 4 }),
    })
    const cases: [keyof typeof CODE.at, number, string][] = [
      ['stacksize', -1, 'stacksize'],
      ['posonlyargcount', -1, 'posonlyargcount'],
      ['posonlyargcount', 3, 'argcount'],
      ['kwonlyargcount', -2, 'kwonlyargcount'],
      ['kwonlyargcount', 2, 'argcount'], // 2 + 2 + *args > 4 locals
      ['argcount', 5, 'argcount'],
      ['flags', 0x80000004, 'flags'],
      ...(layout === '3.11' ? ([['code_length', 5, 'code_length']] as [keyof typeof CODE.at, number, string][]) : [['nlocals', -1, 'nlocals']] as [keyof typeof CODE.at, number, string][]),
    ]
    it(`3.${py.minor}: forged counts are MALFORMED everywhere, the valid record reads back`, async () => {
      const good = await bundleBytes({ python: py, optimize: 0, modules: [module('m', code(layout, { name: '<module>', consts: [f] }))] })
      const ok = openBundleFromBuffer(good)
      expect(ok.verify().ok).toBe(true)
      expect(readPyc(ok.toPyc('m')).code.consts[0]).toMatchObject({ argcount: 2 })
      for (const [field, value, named] of cases) {
        const b = good.slice()
        const at = codeOffset(b) + CODE.size + CODE.at[field] // record 1 is f
        new DataView(b.buffer).setInt32(at, value | 0, true)
        reseal(b)
        const bundle = openBundleFromBuffer(b)
        const r = bundle.verify()
        expect(r.problems.some((p) => p.code === 'MALFORMED' && p.path.startsWith('CODE[1]') && p.message.includes(named)), `${field}=${value}: ${JSON.stringify(r.problems)}`).toBe(true)
        const e = thrown(() => bundle.toPyc('m'))
        expect(e.code, `${field}=${value}`).toBe('MALFORMED')
        expect(thrown(() => bundle.getModule('m')!.code!.materialize()).code).toBe('MALFORMED')
      }
    })
  }
})
