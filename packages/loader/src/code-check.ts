/**
 * CPython's code-object checks (@pybundle/cpython's codeObjectFault, which readMarshal
 * applies too) made on a code record, so that a record verify() accepts emits a .pyc
 * CPython loads (SPEC §11.2, §11.3). The loader's errors name the offending field.
 */
import { codeCountFault, codeLocalsFault, plainLocals, usesLocalsPlus, varargsCount, type CodeObjectCounts, type CodeObjectFault } from '@pybundle/cpython'
import { fail } from '@pybundle/errors'
import { BLOB_ALIGN, CODE } from '@pybundle/format-spec'
import type { CodeField } from './code-table.js'
import type { Core } from './core.js'

const A = CODE.at
const EMPTY: Uint8Array = new Uint8Array(0)

/**
 * Throws MALFORMED (at the offending field) if CPython would reject code record ci.
 * `rec` is the record's absolute offset when the caller has bounds-checked (and
 * counted) the whole record already; without it the record is checked here.
 */
export function checkCodeObject(c: Core, ci: number, rec: number = c.codes.record(ci)): void {
  const m = c.mem
  const counts: { -readonly [K in keyof CodeObjectCounts]: CodeObjectCounts[K] } = {
    localsPlus: usesLocalsPlus(c.layout),
    argcount: m.i32(rec + A.argcount),
    posonlyargcount: m.i32(rec + A.posonlyargcount),
    kwonlyargcount: m.i32(rec + A.kwonlyargcount),
    nlocals: m.i32(rec + A.nlocals),
    stacksize: m.i32(rec + A.stacksize),
    flags: m.i32(rec + A.flags),
    nLocals: m.u32(rec + A.n_locals),
    kinds: EMPTY,
    codeLength: m.u32(rec + A.code_length),
  }
  let fault = codeCountFault(counts)
  if (fault === undefined) {
    if (counts.localsPlus) counts.kinds = kindsOf(c, rec)
    fault = codeLocalsFault(counts)
  }
  if (fault !== undefined) codeFault(c, ci, fault, counts)
}

/**
 * co_localspluskinds of the record at `rec`, checked as CodeTable.blob checks it, without
 * counting bytes nobody is handed. The view comes from (and goes into) the per-blob cache
 * materialize.ts hands out kinds from, so a check allocates nothing for a blob seen before.
 */
function kindsOf(c: Core, rec: number): Uint8Array {
  const mem = c.mem
  const off = mem.u32(rec + A.kinds_offset)
  const len = mem.u32(rec + A.kinds_length)
  const blob = c.sec.BLOB
  if (off % BLOB_ALIGN !== 0 || off + len > blob.size) c.blobs.view(off, len, rec + A.kinds_offset) // throws its error
  const views = (c.codes.kindsViews ??= new Map<number, Uint8Array>())
  const seen = views.get(off)
  if (seen !== undefined && seen.length === len) return seen
  const v = mem.u8.subarray(blob.start + off, blob.start + off + len)
  if (len > 0) views.set(off, v)
  return v
}

function codeFault(c: Core, ci: number, fault: CodeObjectFault, k: CodeObjectCounts): never {
  const bad = (field: CodeField, what: string): never => fail('MALFORMED', `code record ${ci}: ${what} (CPython rejects this code object)`, c.codes.field(ci, field))
  const args = `argcount ${k.argcount} + kwonlyargcount ${k.kwonlyargcount} + ${varargsCount(k.flags)} (*args/**kwargs)`
  switch (fault) {
    case 'posonlyargcount':
      return bad('posonlyargcount', `posonlyargcount ${k.posonlyargcount} < 0`)
    case 'argcount':
      return bad('argcount', `argcount ${k.argcount} < posonlyargcount ${k.posonlyargcount}`)
    case 'kwonlyargcount':
      return bad('kwonlyargcount', `kwonlyargcount ${k.kwonlyargcount} < 0`)
    case 'nlocals':
      return bad('nlocals', `nlocals ${k.nlocals} < 0`)
    case 'stacksize':
      return bad('stacksize', `stacksize ${k.stacksize} < 0`)
    case 'flags':
      return bad('flags', `flags 0x${(k.flags >>> 0).toString(16)} negative as an int32`)
    case 'kinds':
      return bad('kinds_length', `kinds_length ${k.kinds.length} != n_locals ${k.nLocals} (localsplusnames and localspluskinds differ in length)`)
    case 'code':
      return bad('code_length', `code_length ${k.codeLength} is odd (co_code is malformed)`)
    case 'varnames':
      return k.localsPlus
        ? bad('argcount', `${args} > ${plainLocals(k.kinds)} plain locals (co_varnames is too small)`)
        : bad('argcount', `${args} > ${k.nLocals} varnames (varnames is too small)`)
  }
}
