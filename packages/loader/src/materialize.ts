/**
 * Full materialization: code record -> exact PyCode, in one pass per record.
 *
 * The lazy views re-check the bundle and each field's bounds on every getter and
 * build a LazyList per string list; this reads the 96-byte code record with one
 * bounds check, walks its string slice (checked once against STRT) through the
 * paged string cache, resolves constants through the paged constant cache, and
 * builds the PyCode directly. Strings, constants and code objects are shared:
 * every resolved STRT/CNST entry is one JS object per bundle (decoded once for the
 * whole file, where a .pyc reader decodes a string once per module), and a code
 * record materializes to one PyCode (cached per bundle, so CodeView.materialize
 * returns the same object as its parent's co_consts holds).
 *
 * The checks are the ones the view path makes: slice bounds, blob alignment and
 * bounds, CODE constants only in their parent's slice (Core.constRaw), the code
 * object checks CPython makes (checkCodeObject), and
 * a nesting limit.
 */
import type { PyCode, PyStr, PyValue } from '@pybundle/cpython'
import { usesLocalsPlus } from '@pybundle/cpython'
import { fail } from '@pybundle/errors'
import { CODE, LIMITS, STRING_SLICE, STRING_SLICE_FIXED } from '@pybundle/format-spec'
import { checkCodeObject } from './code-check.js'
import type { Core } from './core.js'
import type { Mem } from './mem.js'

const A = CODE.at

/**
 * Shared empty fields: a layout's unused lists and empty blobs. Frozen (a
 * zero-length Uint8Array has nothing to write), and PyCode values are immutable
 * once built, so sharing them is unobservable; one per field per code object
 * was a third of the small objects a stdlib materialization allocated.
 */
const EMPTY_STRS = Object.freeze([]) as unknown as PyStr[]
const EMPTY_VALUES = Object.freeze([]) as unknown as PyValue[]
const EMPTY_BYTES = new Uint8Array(0)

/** The exact PyCode of code record `index` (the same object on every call while the bundle is open). */
export function materializeCode(core: Core, index: number): PyCode {
  core.mem.alive()
  const have = core.codes.codeCache.get(index)
  if (have !== undefined) return have
  return build(core, index, 0)
}

/** The blob named by the (offset, length) fields at `rec + offField`, `rec + lenField`, checked and counted by Blobs.abs. */
function blob(core: Core, mem: Mem, rec: number, offField: number, lenField: number): Uint8Array {
  const off = mem.u32(rec + offField)
  const len = mem.u32(rec + lenField)
  const a = core.blobs.abs(off, len, rec + offField)
  return len === 0 ? EMPTY_BYTES : mem.u8.subarray(a, a + len)
}

/**
 * co_localspluskinds, one view per distinct blob: the file stores each distinct
 * kinds blob once (the stdlib has 538 for 63,000 code objects) and the views are
 * immutable, so code objects with the same kinds share one (a Uint8Array is ~100
 * bytes of heap that a full materialization would otherwise keep per code object).
 * A view handed out again is counted again, as a new view of the same bytes would be.
 */
function kinds(core: Core, mem: Mem, rec: number): Uint8Array {
  const off = mem.u32(rec + A.kinds_offset)
  const len = mem.u32(rec + A.kinds_length)
  const m = (core.codes.kindsViews ??= new Map<number, Uint8Array>())
  const seen = m.get(off)
  if (seen !== undefined && seen.length === len) {
    core.sec.BLOB.at(off, len) // checked when first handed out
    return seen
  }
  const v = blob(core, mem, rec, A.kinds_offset, A.kinds_length)
  if (v.length > 0) m.set(off, v)
  return v
}

function strs(core: Core, first: number, n: number, field: number): PyStr[] {
  if (n === 0) return EMPTY_STRS
  const out = new Array<PyStr>(n)
  for (let k = 0; k < n; k++) out[k] = core.strings.str(first + k, field)
  return out
}

function build(core: Core, index: number, depth: number): PyCode {
  if (depth > LIMITS.MAX_DEPTH) {
    fail('LIMIT_EXCEEDED', `code objects nested deeper than MAX_DEPTH (${LIMITS.MAX_DEPTH})`, core.codes.field(index, 'parent'), {
      limit: 'MAX_DEPTH',
      value: depth,
      max: LIMITS.MAX_DEPTH,
    })
  }
  const rec = core.sec.CODE.at(index * CODE.size, CODE.size) // one bounds check for the whole record
  checkCodeObject(core, index, rec)
  const mem = core.mem
  const layout = core.layout
  const localsPlus = usesLocalsPlus(layout)

  const constStart = mem.u32(rec + A.const_start)
  const nConsts = mem.u32(rec + A.n_consts)
  const constField = rec + A.const_start
  if (constStart + nConsts > core.constCount) core.codes.checkConstSlice(index) // throws its error

  const consts = nConsts === 0 ? EMPTY_VALUES : new Array<PyValue>(nConsts)
  for (let k = 0; k < nConsts; k++) {
    const v = core.consts.raw(constStart + k, constField, index, 0)
    if (typeof v === 'number') {
      consts[k] = core.codes.codeCache.get(v) ?? build(core, v, depth + 1)
    } else {
      consts[k] = v
    }
  }

  const bytecode = blob(core, mem, rec, A.code_offset, A.code_length)

  // string slice: filename, name, qualname, then names / locals / free / cell
  const strStart = mem.u32(rec + A.str_start)
  const nNames = mem.u32(rec + A.n_names)
  const nLocals = mem.u32(rec + A.n_locals)
  const nFree = mem.u32(rec + A.n_freevars)
  const nCell = mem.u32(rec + A.n_cellvars)
  const strField = rec + A.str_start
  const strEnd = strStart + STRING_SLICE_FIXED + nNames + nLocals + nFree + nCell
  if (strEnd > core.stringCount) core.codes.checkStrSlice(index) // throws its error
  const names = strs(core, strStart + STRING_SLICE_FIXED, nNames, strField)
  const locals = strs(core, strStart + STRING_SLICE_FIXED + nNames, nLocals, strField)
  const code: PyCode = {
    kind: 'code',
    layout,
    argcount: mem.i32(rec + A.argcount),
    posonlyargcount: mem.i32(rec + A.posonlyargcount),
    kwonlyargcount: mem.i32(rec + A.kwonlyargcount),
    nlocals: localsPlus ? 0 : mem.i32(rec + A.nlocals),
    stacksize: mem.i32(rec + A.stacksize),
    flags: mem.u32(rec + A.flags),
    code: bytecode,
    consts,
    names,
    varnames: localsPlus ? EMPTY_STRS : locals,
    freevars: localsPlus ? EMPTY_STRS : strs(core, strStart + STRING_SLICE_FIXED + nNames + nLocals, nFree, strField),
    cellvars: localsPlus ? EMPTY_STRS : strs(core, strStart + STRING_SLICE_FIXED + nNames + nLocals + nFree, nCell, strField),
    localsplusnames: localsPlus ? locals : EMPTY_STRS,
    localspluskinds: localsPlus ? kinds(core, mem, rec) : EMPTY_BYTES,
    filename: core.strings.str(strStart + STRING_SLICE.FILENAME, strField),
    name: core.strings.str(strStart + STRING_SLICE.NAME, strField),
    qualname: localsPlus ? core.strings.str(strStart + STRING_SLICE.QUALNAME, strField) : null,
    firstlineno: mem.i32(rec + A.firstlineno),
    linetable: blob(core, mem, rec, A.linetable_offset, A.linetable_length),
    exceptiontable: localsPlus ? blob(core, mem, rec, A.exceptiontable_offset, A.exceptiontable_length) : EMPTY_BYTES,
  }
  core.codes.codeCache.set(index, code)
  return code
}
