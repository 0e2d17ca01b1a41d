/**
 * The checks CPython makes when it builds a code object from marshal data
 * (PyCode_NewWithPosOnlyArgs in 3.8-3.10, _PyCode_Validate from 3.11+), written once
 * for both readers of code objects: readMarshal here, and the bundle loader on its
 * code records (so that a bundle which verifies emits only .pyc files CPython loads).
 * Each reader turns a fault into its own error (its messages and offsets differ).
 */
import { CO_FAST_LOCAL, CO_VARARGS, CO_VARKEYWORDS } from './marshal-codes.js'

/** What the checks read of one code object. */
export interface CodeObjectCounts {
  /** The 3.11+ layout (co_localsplusnames/co_localspluskinds): usesLocalsPlus(layout). */
  readonly localsPlus: boolean
  readonly argcount: number
  readonly posonlyargcount: number
  readonly kwonlyargcount: number
  readonly nlocals: number
  readonly stacksize: number
  readonly flags: number
  /** Length of co_varnames (before 3.11) or co_localsplusnames (3.11+). */
  readonly nLocals: number
  /** co_localspluskinds (3.11+; not read before). */
  readonly kinds: Uint8Array
  /** Length of co_code in bytes. */
  readonly codeLength: number
}

/** Which check failed, in CPython's order: a count field, the kinds length, odd co_code, or too few locals for the arguments. */
export type CodeObjectFault = 'posonlyargcount' | 'argcount' | 'kwonlyargcount' | 'nlocals' | 'stacksize' | 'flags' | 'kinds' | 'code' | 'varnames'

/** 1 for *args, 1 for **kwargs: the locals the flags add to the arguments. */
export function varargsCount(flags: number): number {
  return (flags & CO_VARARGS ? 1 : 0) + (flags & CO_VARKEYWORDS ? 1 : 0)
}

/** Plain locals among co_localspluskinds (CO_FAST_LOCAL set). */
export function plainLocals(kinds: Uint8Array): number {
  let n = 0
  for (let i = 0; i < kinds.length; i++) if (kinds[i] & CO_FAST_LOCAL) n++
  return n
}

/** The first check CPython would fail on this code object, or undefined when it builds it. */
export function codeObjectFault(c: CodeObjectCounts): CodeObjectFault | undefined {
  return codeCountFault(c) ?? codeLocalsFault(c)
}

/** The checks of the count fields alone (a reader may check these before it reads co_localspluskinds). */
export function codeCountFault(c: Omit<CodeObjectCounts, 'kinds'>): CodeObjectFault | undefined {
  if (c.posonlyargcount < 0) return 'posonlyargcount'
  if (c.argcount < c.posonlyargcount) return 'argcount'
  if (c.kwonlyargcount < 0) return 'kwonlyargcount'
  if (c.nlocals < 0) return 'nlocals'
  if (c.stacksize < 0) return 'stacksize'
  if (c.flags < 0) return 'flags'
  return undefined
}

/** The checks after codeCountFault's: locals against kinds, co_code's length, and enough locals for the arguments. */
export function codeLocalsFault(c: CodeObjectCounts): CodeObjectFault | undefined {
  const args = c.argcount + c.kwonlyargcount + varargsCount(c.flags)
  if (c.localsPlus) {
    if (c.kinds.length !== c.nLocals) return 'kinds'
    if (c.codeLength % 2 !== 0) return 'code'
    if (args > plainLocals(c.kinds)) return 'varnames'
  } else if (args > c.nLocals) {
    return 'varnames'
  }
  return undefined
}
