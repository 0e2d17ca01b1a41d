/**
 * BLOB is laid out by role (SPEC §14 rule 2): names and paths, then all
 * bytecode, all line tables, exception tables, kinds, bytes constants. Checked
 * on the CODE records of a written bundle: the bytecode blobs form one run in
 * code-record order, with no other blob inside it, and the output does not
 * depend on the order the modules were given in.
 */
import { describe, expect, it } from 'vitest'
import { pyBytes, pyTuple } from '@pybundle/cpython'
import type { PyCode } from '@pybundle/cpython'
import { BLOB_ALIGN, CODE, HEADER, MODULE } from '@pybundle/format-spec'
import type { BundleInput } from '@pybundle/bundler'
import { PY311, bundleBytes, code, module, s, section } from '../loader/fixtures.js'

type Span = { role: string; offset: number; length: number }

function spans(bytes: Uint8Array): Span[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  const out: Span[] = []
  const mods = section(bytes, 'MODS')
  for (let i = 0; i < view.getUint32(HEADER.at.module_count, true); i++) {
    const at = mods.offset + i * MODULE.size
    out.push({ role: 'name', offset: view.getUint32(at + MODULE.at.name_offset, true), length: view.getUint32(at + MODULE.at.name_length, true) })
    out.push({ role: 'path', offset: view.getUint32(at + MODULE.at.path_offset, true), length: view.getUint32(at + MODULE.at.path_length, true) })
  }
  const codes = section(bytes, 'CODE')
  for (let i = 0; i < view.getUint32(HEADER.at.code_count, true); i++) {
    const at = codes.offset + i * CODE.size
    for (const [role, o, l] of [
      ['code', CODE.at.code_offset, CODE.at.code_length],
      ['linetable', CODE.at.linetable_offset, CODE.at.linetable_length],
      ['exceptiontable', CODE.at.exceptiontable_offset, CODE.at.exceptiontable_length],
      ['kinds', CODE.at.kinds_offset, CODE.at.kinds_length],
    ] as const) {
      out.push({ role, offset: view.getUint32(at + o, true), length: view.getUint32(at + l, true) })
    }
  }
  return out.filter((s) => s.length > 0)
}

/** Distinct content per code object, so that nothing is shared across roles by accident. */
function fn(n: number, children: PyCode[] = []): PyCode {
  return code('3.11', {
    name: `f${n}`,
    code: Uint8Array.of(0x97, 0, 0x64, n, 0x53, 0, n, n),
    linetable: Uint8Array.of(0xf0 | (n & 7), n, n, 200),
    exceptiontable: n % 2 ? Uint8Array.of(0x80 | n, 4, 6, 8, 10) : new Uint8Array(0),
    localsplusnames: Array.from({ length: 1 + (n % 3) }, (_, i) => s(`v${i}`)),
    consts: [pyBytes(Uint8Array.of(0xee, n, n, n, n, n, n, n, n, 1)), pyTuple([pyBytes(Uint8Array.of(0xdd, n))]), ...children],
  })
}

function input(order: number[]): BundleInput {
  const mods = [
    module('alpha', fn(1, [fn(2), fn(3, [fn(4)])])),
    module('beta', fn(5)),
    module('gamma', fn(6, [fn(7)]), { isPackage: true, path: 'gamma/__init__.py' }),
    module('gamma.ns', null, { isPackage: true }),
  ]
  return { python: PY311, optimize: 0, modules: order.map((i) => mods[i]) }
}

describe('BLOB by role (SPEC §14 rule 2)', () => {
  it('bytecode blobs are contiguous, in code-record order, and each role follows the previous one', async () => {
    const bytes = await bundleBytes(input([0, 1, 2, 3]))
    const all = spans(bytes)
    const roles = ['name', 'path', 'code', 'linetable', 'exceptiontable', 'kinds']
    // Each role's blobs (in record order) come after every blob of the roles before it.
    let end = 0
    for (const role of roles) {
      const mine = all.filter((s) => s.role === role)
      if (role === 'name' || role === 'path') continue
      expect(mine.length, role).toBeGreaterThan(0)
      for (const s of mine) expect(s.offset, `${role} at ${s.offset}`).toBeGreaterThanOrEqual(end)
      end = Math.max(...mine.map((s) => s.offset + s.length))
    }
    const bytecode = all.filter((s) => s.role === 'code')
    expect(bytecode.length).toBe(7)
    for (let i = 1; i < bytecode.length; i++) {
      const prev = bytecode[i - 1]
      // The next bytecode starts where the previous one's padding ends: no other blob in between.
      expect(bytecode[i].offset).toBe(Math.ceil((prev.offset + prev.length) / BLOB_ALIGN) * BLOB_ALIGN)
    }
    const first = bytecode[0].offset
    const last = bytecode[bytecode.length - 1]
    for (const s of all.filter((x) => x.role !== 'code')) {
      expect(s.offset >= last.offset + last.length || s.offset + s.length <= first, `${s.role} at ${s.offset}`).toBe(true)
    }
    // Bytes constants come after the kinds, at the end of BLOB.
    const blob = section(bytes, 'BLOB')
    const tail = bytes.subarray(blob.offset + end, blob.offset + blob.size)
    expect(tail.indexOf(0xee)).toBeGreaterThanOrEqual(0)
    expect(bytes.subarray(blob.offset, blob.offset + end).indexOf(0xee)).toBe(-1)
  })

  it('is byte-identical across runs and module orders', async () => {
    const a = await bundleBytes(input([0, 1, 2, 3]))
    const b = await bundleBytes(input([3, 2, 0, 1]))
    const c = await bundleBytes(input([0, 1, 2, 3]))
    expect(Buffer.from(b).equals(Buffer.from(a))).toBe(true)
    expect(Buffer.from(c).equals(Buffer.from(a))).toBe(true)
  })
})
