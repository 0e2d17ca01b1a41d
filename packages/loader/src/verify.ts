/**
 * The verifier (flatbuffers-style "verify once, then read"): section checksums and a
 * full structural walk of every table entry, redirect, string, constant, code and
 * module record and MIDX slot. It never throws on bad bytes: each failure becomes a
 * problem {code, offset, section, path, message}, collection stops at maxProblems.
 * An error that is not a PyBundleError is a bug in the loader and propagates.
 * Work is bounded by the table counts, which open checked against section sizes.
 */
import { usesLocalsPlus } from '@pybundle/cpython'
import { PyBundleError, type ErrorCode } from '@pybundle/errors'
import {
  CODE,
  CONST_BIGINT,
  CONST_BYTES,
  CONST_CODE,
  CONST_ITEM_SIZE,
  CONST_RECORD_SIZE,
  CONST_SEQUENCE,
  CONST_SINGLETON,
  CONST_SLICE,
  CONST_STR,
  CONST_TAG,
  HEADER,
  LIMITS,
  MIDX_HEADER,
  MIDX_SLOT,
  MODULE,
  MODULE_FLAG,
  NONE,
  STRING_SLICE_FIXED,
  TABLE_ENTRY_SIZE,
  checkModuleName,
  fnv1a32,
  type ConstTagName,
} from '@pybundle/format-spec'
import { checkCodeObject } from './code-check.js'
import { tagName, type Core } from './core.js'
import { xxh64 } from './hash.js'
import { hex } from './header.js'
import { lookup } from './module-index.js'
import { checkNarrowest, decodeName, decodeStr } from './strings.js'
import { verifyResources } from './verify-resources.js'

export interface VerifyProblem {
  code: ErrorCode
  /** Absolute byte offset in the file (-1 when unknown). */
  offset: number
  /** Section the offset falls in ('header' before the first section, '' when unknown). */
  section: string
  /** Which record: 'MODS[12] email.mime', 'CODE[40].consts[3]', 'CNST[77]'... */
  path: string
  message: string
  /** Machine-readable facts, e.g. {limit: 'MAX_DEPTH', value, max} for LIMIT_EXCEEDED. */
  details?: Record<string, unknown>
}

export interface VerifyReport {
  ok: boolean
  problems: VerifyProblem[]
  /** True when collection stopped at maxProblems. */
  truncated: boolean
  /** Records walked. */
  checked: { sections: number; modules: number; codes: number; strings: number; consts: number; slots: number; resources: number }
}

export interface VerifyOptions {
  /** Stop after this many problems (default 100). */
  maxProblems?: number
}

class Stop {}

const FIXED_SIZE = new Map<number, number>(
  Object.entries(CONST_RECORD_SIZE).map(([k, v]) => [CONST_TAG[k as ConstTagName], v]),
)

/** The walk's state: what was checked, and the two ways a check reports. */
interface Walk {
  readonly c: Core
  readonly checked: VerifyReport['checked']
  /** Record a problem (throws Stop at maxProblems). */
  readonly add: Add
  /** Run one check; a thrown PyBundleError becomes a problem, the walk goes on. */
  readonly guard: Guard
}
type Add = (code: ErrorCode, offset: number, path: string, message: string, details?: Record<string, unknown>) => void
type Guard = (path: string, fn: () => void) => boolean

export function verify(core: Core, options: VerifyOptions = {}): VerifyReport {
  const max = Math.max(1, options.maxProblems ?? 100)
  const problems: VerifyProblem[] = []
  const checked = { sections: 0, modules: 0, codes: 0, strings: 0, consts: 0, slots: 0, resources: 0 }
  const all = core.header.allSections
  const sectionOf = (off: number): string => {
    if (off < 0) return ''
    for (const s of all) {
      if (off >= s.offset && off < s.offset + Math.max(1, s.size)) return s.name
    }
    return off < core.header.headerSize ? 'header' : ''
  }
  const add: Add = (code, offset, path, message, details) => {
    problems.push({ code, offset, section: sectionOf(offset), path, message, ...(details ? { details } : {}) })
    // eslint-disable-next-line @typescript-eslint/only-throw-error -- a sentinel that unwinds the walk; caught below, never escapes verify()
    if (problems.length >= max) throw new Stop()
  }
  const guard: Guard = (path, fn) => {
    try {
      fn()
      return true
    } catch (e) {
      if (e instanceof Stop) throw e
      // Anything else is a bug in the loader, not damage in the file: it propagates.
      if (!(e instanceof PyBundleError)) throw e
      add(e.code, e.offset ?? -1, path, e.message, e.details)
      return false
    }
  }
  const w: Walk = { c: core, checked, add, guard }
  try {
    verifyHeader(w)
    verifyStrings(w)
    verifyConsts(w)
    verifyCodes(w)
    verifyCodeConstants(w)
    verifyModules(w)
    verifyMidx(w)
    // §15 resource sections (1.1)
    if (core.res !== undefined) checked.resources = verifyResources(core, core.res, add, guard)
  } catch (e) {
    if (!(e instanceof Stop)) throw e
  }
  return { ok: problems.length === 0, problems, truncated: problems.length >= max, checked }
}

/** Header leftovers, §3 section checksums, and zero padding between sections. */
function verifyHeader(w: Walk): void {
  const { c, checked, add, guard } = w
  const all = c.header.allSections
  guard('header', () => {
    if (c.mem.u32(HEADER.at.reserved) !== 0) add('MALFORMED', HEADER.at.reserved, 'header', 'reserved field is not zero')
  })
  const u8 = c.mem.u8
  for (const s of all) {
    const n = s.name
    checked.sections++
    guard(`section ${n}`, () => {
      const sum = xxh64(u8.subarray(s.offset, s.offset + s.size))
      if (sum !== s.checksum) add('CHECKSUM_MISMATCH', s.offset, `section ${n}`, `checksum ${hex(s.checksum)}, bytes hash to ${hex(sum)}`)
    })
  }
  guard('padding', () => {
    const spans = [...all].sort((a, b) => a.offset - b.offset)
    let pos = c.header.headerSize
    for (const s of [...spans, { offset: u8.length, size: 0, name: 'end of file' }]) {
      for (let i = pos; i < s.offset; i++) {
        if (u8[i] !== 0) {
          add('MALFORMED', i, 'padding', `nonzero padding byte before ${s.name}`)
          break
        }
      }
      pos = Math.max(pos, s.offset + s.size)
    }
  })
}

/** §7/§8 every STRT entry and string record. */
function verifyStrings(w: Walk): void {
  const { c, checked, add, guard } = w
  for (let i = 0; i < c.stringCount; i++) {
    checked.strings++
    guard(`STRT[${i}]`, () => {
      const [r, off] = c.strings.entries.resolve(i, c.sec.STRT.start + i * TABLE_ENTRY_SIZE)
      if (r !== i) return
      const d = c.strings.data(off)
      decodeStr(d)
      const msg = checkNarrowest(d)
      if (msg !== undefined) add('MALFORMED', c.sec.STRD.start + off, `STRT[${i}]`, msg)
    })
  }
}

/** §9 every CNST entry and constant record; nesting depth without recursion (items are earlier entries). */
function verifyConsts(w: Walk): void {
  const { c, checked, add, guard } = w
  const { CDAT, CNST } = c.sec
  const depth = new Uint16Array(c.constCount)
  for (let i = 0; i < c.constCount; i++) {
    checked.consts++
    const path = `CNST[${i}]`
    guard(path, () => {
      const [r, off] = c.consts.entries.resolve(i, CNST.start + i * TABLE_ENTRY_SIZE)
      if (r !== i) {
        depth[i] = depth[r]
        return
      }
      const at = CDAT.start + off
      const tag = c.consts.tag(off)
      const fixed = FIXED_SIZE.get(tag)
      if (fixed !== undefined) CDAT.at(off, fixed)
      const zero = (rel: number, what: string): void => {
        if (CDAT.u32(off + rel) !== 0) add('MALFORMED', at + rel, path, `${what} must be zero`)
      }
      const items = (first: number, n: number): void => {
        let d = 0
        for (let k = 0; k < n; k++) {
          const rel = first + CONST_ITEM_SIZE * k
          const j = CDAT.u32(rel)
          if (j >= i) {
            add('BAD_INDEX', CDAT.start + rel, path, `item refers to CNST[${j}], not an earlier entry`)
            continue
          }
          const [rj, offj] = c.consts.entries.resolve(j, CDAT.start + rel)
          if (c.consts.tag(offj) === CONST_TAG.CODE) add('MALFORMED', CDAT.start + rel, path, `code constant CNST[${rj}] inside a container`)
          d = Math.max(d, depth[j])
        }
        if (d + 1 > LIMITS.MAX_DEPTH) add('LIMIT_EXCEEDED', at, path, `constants nested deeper than MAX_DEPTH (${LIMITS.MAX_DEPTH})`, { limit: 'MAX_DEPTH', value: d + 1, max: LIMITS.MAX_DEPTH })
        depth[i] = Math.min(0xffff, d + 1)
      }
      switch (tag) {
        case CONST_TAG.NONE:
        case CONST_TAG.FALSE:
        case CONST_TAG.TRUE:
        case CONST_TAG.ELLIPSIS:
        case CONST_TAG.STOP_ITERATION:
          zero(CONST_SINGLETON.at.reserved, 'padding')
          break
        case CONST_TAG.INT:
        case CONST_TAG.FLOAT:
        case CONST_TAG.COMPLEX:
          zero(CONST_SINGLETON.at.reserved, 'padding') // the same u32 after the header in all three
          break
        case CONST_TAG.BIGINT: {
          c.consts.bigint(off)
          const n = CDAT.u32(off + CONST_BIGINT.at.count)
          if (n % 2 === 1) zero(CONST_BIGINT.size + CONST_ITEM_SIZE * n, 'padding')
          break
        }
        case CONST_TAG.STR:
          c.strings.entries.resolve(CDAT.u32(off + CONST_STR.at.string), at + CONST_STR.at.string)
          break
        case CONST_TAG.BYTES:
          c.blobs.view(CDAT.u32(off + CONST_BYTES.at.blob_offset), CDAT.u32(off + CONST_BYTES.at.length), at + CONST_BYTES.at.blob_offset)
          zero(CONST_BYTES.at.reserved, 'padding')
          break
        case CONST_TAG.TUPLE:
        case CONST_TAG.FROZENSET: {
          const n = CDAT.u32(off + CONST_SEQUENCE.at.count)
          CDAT.at(off + CONST_SEQUENCE.size, CONST_ITEM_SIZE * n)
          if (n % 2 === 1) zero(CONST_SEQUENCE.size + CONST_ITEM_SIZE * n, 'padding')
          items(off + CONST_SEQUENCE.size, n)
          break
        }
        case CONST_TAG.SLICE:
          if (c.header.marshalVersion < 5) add('MALFORMED', at, path, 'slice constant in a bundle for marshal version < 5')
          items(off + CONST_SLICE.at.start, 3) // start, stop, step
          break
        case CONST_TAG.CODE:
          break // [hdr][u32 CODE index]: checked against its parent's slice below
        default:
          add('MALFORMED', at, path, `unknown constant tag ${tagName(tag)}`)
      }
    })
  }
}

/** §6 every code record: owner, parent, slices, blobs, CPython's checks, and its slices' entries. */
function verifyCodes(w: Walk): void {
  const { c, checked, add, guard } = w
  const localsPlus = usesLocalsPlus(c.layout)
  for (let ci = 0; ci < c.codeCount; ci++) {
    checked.codes++
    const path = `CODE[${ci}]`
    guard(path, () => {
      const f = (name: keyof typeof CODE.at): number => c.codes.field(ci, name)
      const mod = c.codes.u32(ci, 'module')
      if (mod >= c.moduleCount) add('BAD_INDEX', f('module'), path, `module ${mod} of ${c.moduleCount}`)
      const parent = c.codes.u32(ci, 'parent')
      if (parent !== NONE) {
        if (parent >= ci) add('MALFORMED', f('parent'), path, `parent ${parent} is not an earlier record`)
        else if (c.codes.u32(parent, 'module') !== mod) add('MALFORMED', f('parent'), path, `parent ${parent} belongs to another module`)
      }
      c.codes.checkStrSlice(ci)
      c.codes.checkConstSlice(ci)
      for (const b of ['code', 'linetable', 'exceptiontable', 'kinds'] as const) guard(`${path}.${b}`, () => void c.codes.blob(ci, b))
      guard(`${path}.counts`, () => checkCodeObject(c, ci))
      const nLocals = c.codes.u32(ci, 'n_locals')
      if (localsPlus) {
        if (c.codes.u32(ci, 'kinds_length') !== nLocals) add('MALFORMED', f('kinds_length'), path, `kinds_length ${c.codes.u32(ci, 'kinds_length')} != n_locals ${nLocals}`)
        if (c.codes.u32(ci, 'n_freevars') !== 0 || c.codes.u32(ci, 'n_cellvars') !== 0) add('MALFORMED', f('n_freevars'), path, 'n_freevars/n_cellvars must be 0 from 3.11')
        if (c.codes.i32(ci, 'nlocals') !== 0) add('MALFORMED', f('nlocals'), path, 'nlocals must be 0 from 3.11')
      } else {
        if (c.codes.u32(ci, 'kinds_length') !== 0) add('MALFORMED', f('kinds_length'), path, 'kinds before 3.11')
        if (c.codes.u32(ci, 'exceptiontable_length') !== 0) add('MALFORMED', f('exceptiontable_length'), path, 'exception table before 3.11')
      }
      // every entry of the slices resolves; CODE constants name children of this record
      const sStart = c.codes.u32(ci, 'str_start')
      const nStr = STRING_SLICE_FIXED + c.codes.u32(ci, 'n_names') + nLocals + c.codes.u32(ci, 'n_freevars') + c.codes.u32(ci, 'n_cellvars')
      for (let k = 0; k < nStr; k++) guard(`${path}.strings[${k}]`, () => void c.strings.entries.resolve(sStart + k, f('str_start')))
      const cStart = c.codes.u32(ci, 'const_start')
      const nConsts = c.codes.u32(ci, 'n_consts')
      for (let k = 0; k < nConsts; k++) {
        guard(`${path}.consts[${k}]`, () => {
          const [r, off] = c.consts.entries.resolve(cStart + k, f('const_start'))
          if (c.consts.tag(off) === CONST_TAG.CODE) c.consts.codeTarget(r, off, ci)
        })
      }
    })
  }
}

/** Every CODE constant, wherever it sits, is in its target's parent's slice. */
function verifyCodeConstants(w: Walk): void {
  const { c, add, guard } = w
  const { CDAT, CNST } = c.sec
  for (let i = 0; i < c.constCount; i++) {
    guard(`CNST[${i}]`, () => {
      const [r, off] = c.consts.entries.resolve(i, CNST.start + i * TABLE_ENTRY_SIZE)
      if (r !== i) return
      if (c.consts.tag(off) !== CONST_TAG.CODE) return
      const t = CDAT.u32(off + CONST_CODE.at.code)
      c.codes.check(t, CDAT.start + off + CONST_CODE.at.code)
      const p = c.codes.u32(t, 'parent')
      if (p === NONE) add('MALFORMED', CDAT.start + off + CONST_CODE.at.code, `CNST[${i}]`, `code constant names module body CODE[${t}]`)
      else c.consts.codeTarget(i, off, p)
    })
  }
}

/** §5 module records: names valid, sorted and unique; code ranges owned and in pre-order. */
function verifyModules(w: Walk): void {
  const { c, checked, add, guard } = w
  const { MODS } = c.sec
  let prev: Uint8Array | undefined
  let codeTotal = 0
  for (let m = 0; m < c.moduleCount; m++) {
    checked.modules++
    let path = `MODS[${m}]`
    guard(path, () => {
      const base = MODS.start + m * MODULE.size
      const nameField = base + MODULE.at.name_offset
      const nb = c.modNameBytes(m)
      const name = decodeName(nb, nameField)
      path = `MODS[${m}] ${name}`
      if (nb.length === 0) add('MALFORMED', nameField, path, 'empty module name')
      else {
        const bad = checkModuleName(name)
        if (bad !== undefined) add('MALFORMED', nameField, path, `invalid module name ${JSON.stringify(name)} (${bad}; SPEC.md §5.1)`, { reason: bad })
      }
      if (fnv1a32(nb) !== c.modules.u32(m, 'name_hash')) add('MALFORMED', base + MODULE.at.name_hash, path, 'name_hash is not FNV-1a 32 of the name')
      if (prev !== undefined && compareBytes(prev, nb) >= 0) add('MALFORMED', nameField, path, 'module names are not sorted by UTF-8 bytes, or repeat')
      prev = nb
      const plen = c.modules.u32(m, 'path_length')
      if (plen > 0) decodeName(c.blobs.view(c.modules.u32(m, 'path_offset'), plen, base + MODULE.at.path_offset), base + MODULE.at.path_offset)
      const flags = c.modules.u32(m, 'flags')
      const known = MODULE_FLAG.PACKAGE | MODULE_FLAG.NAMESPACE | MODULE_FLAG.SOURCELESS
      if ((flags & ~known) !== 0) add('MALFORMED', base + MODULE.at.flags, path, `unknown module flags 0x${flags.toString(16)}`)
      if (MODS.u64(m * MODULE.size + MODULE.at.reserved) !== 0n) add('MALFORMED', base + MODULE.at.reserved, path, 'reserved field is not zero')
      const code = c.modules.u32(m, 'code')
      const count = c.modules.u32(m, 'code_count')
      codeTotal += count
      if (flags & MODULE_FLAG.NAMESPACE) {
        if (!(flags & MODULE_FLAG.PACKAGE)) add('MALFORMED', base + MODULE.at.flags, path, 'namespace package without the package flag')
        if (code !== NONE || count !== 0) add('MALFORMED', base + MODULE.at.code, path, 'namespace package with code')
        return
      }
      if (code === NONE) return add('MALFORMED', base + MODULE.at.code, path, 'module without code that is not a namespace package')
      if (count === 0 || code >= c.codeCount || count > c.codeCount - code) {
        return add('BAD_INDEX', base + MODULE.at.code, path, `code records [${code}, ${code + count}) outside CODE (${c.codeCount})`)
      }
      if (c.codes.u32(code, 'parent') !== NONE) add('MALFORMED', c.codes.field(code, 'parent'), path, `module body CODE[${code}] has a parent`)
      for (let k = code; k < code + count; k++) {
        if (c.codes.u32(k, 'module') !== m) {
          add('MALFORMED', c.codes.field(k, 'module'), path, `CODE[${k}] is in this module's range but names module ${c.codes.u32(k, 'module')}`)
          return
        }
      }
      preorder(c, m, code, count, path, add)
    })
  }
  guard('CODE', () => {
    if (codeTotal !== c.codeCount) add('MALFORMED', c.header.sections.CODE.offset, 'CODE', `modules own ${codeTotal} code records, CODE holds ${c.codeCount}`)
  })
}

/** §4 MIDX: every module in exactly one slot, reachable by probing. */
function verifyMidx(w: Walk): void {
  const { c, checked, add, guard } = w
  const { MODS, MIDX } = c.sec
  const seen = new Uint8Array(c.moduleCount)
  let used = 0
  for (let s = 0; s < c.slotCount; s++) {
    checked.slots++
    const rel = MIDX_HEADER.size + s * MIDX_SLOT.size
    const path = `MIDX[${s}]`
    guard(path, () => {
      const m = MIDX.u32(rel + MIDX_SLOT.at.module)
      if (m === 0) return
      used++
      const idx = m - 1
      const at = MIDX.start + rel
      if (idx >= c.moduleCount) return add('BAD_INDEX', at + MIDX_SLOT.at.module, path, `module ${idx} of ${c.moduleCount}`)
      if (seen[idx]) return add('MALFORMED', at + MIDX_SLOT.at.module, path, `module ${idx} has two slots`)
      seen[idx] = 1
      if (MIDX.u32(rel + MIDX_SLOT.at.hash) !== c.modules.u32(idx, 'name_hash')) add('MALFORMED', at, path, `slot hash differs from module ${idx}'s name_hash`)
      const name = decodeName(c.modNameBytes(idx), MODS.start + idx * MODULE.size)
      if (lookup(c, name) !== idx) add('MALFORMED', at, path, `module ${JSON.stringify(name)} is not found by probing from its hash`)
    })
  }
  guard('MIDX', () => {
    if (used !== c.moduleCount) add('MALFORMED', MIDX.start, 'MIDX', `${used} slots used for ${c.moduleCount} modules`)
  })
}

/** The code records of one module are [root, root + count) in pre-order of CODE constants. */
function preorder(
  c: Core,
  m: number,
  root: number,
  count: number,
  path: string,
  add: Add,
): void {
  let next = root
  const end = root + count
  // explicit stack of [code record, next constant position]
  const stack: [number, number][] = [[root, 0]]
  next++
  while (stack.length > 0) {
    const top = stack[stack.length - 1]
    const [ci, k] = top
    const n = c.codes.u32(ci, 'n_consts')
    if (k >= n) {
      stack.pop()
      continue
    }
    top[1] = k + 1
    const [r, off] = c.consts.entries.resolve(c.codes.u32(ci, 'const_start') + k, c.codes.field(ci, 'const_start'))
    if (c.consts.tag(off) !== CONST_TAG.CODE) continue
    const t = c.consts.codeTarget(r, off, ci)
    if (t !== next) {
      return add('MALFORMED', c.sec.CDAT.start + off + CONST_CODE.at.code, path, `CODE[${ci}].consts[${k}] is CODE[${t}]; pre-order expects CODE[${next}]`)
    }
    if (t >= end) return add('MALFORMED', c.sec.CDAT.start + off + CONST_CODE.at.code, path, `CODE[${t}] is beyond the module's ${count} code records`)
    if (stack.length >= LIMITS.MAX_DEPTH) {
      return add('LIMIT_EXCEEDED', c.codes.field(t, 'parent'), path, `code objects nested deeper than MAX_DEPTH (${LIMITS.MAX_DEPTH})`, { limit: 'MAX_DEPTH', value: stack.length + 1, max: LIMITS.MAX_DEPTH })
    }
    next++
    stack.push([t, 0])
  }
  if (next !== end) add('MALFORMED', c.sec.MODS.start + m * MODULE.size + MODULE.at.code_count, path, `code_count ${count}, but the code tree holds ${next - root}`)
}

export function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length)
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i] - b[i]
  return a.length - b.length
}
