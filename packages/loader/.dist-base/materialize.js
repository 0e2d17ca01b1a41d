import { fail } from '@pybundle/errors';
import { BLOB_ALIGN, CODE, LIMITS, STRING_SLICE, STRING_SLICE_FIXED } from '@pybundle/format-spec';
import { checkCodeRecord } from './code-check.js';
import { CODE_REF } from './core.js';
const A = CODE.at;
/**
 * Shared empty fields: a layout's unused lists and empty blobs. Frozen (a
 * zero-length Uint8Array has nothing to write), and PyCode values are immutable
 * once built, so sharing them is unobservable; one per field per code object
 * was a third of the small objects a stdlib materialization allocated.
 */
const EMPTY_STRS = Object.freeze([]);
const EMPTY_VALUES = Object.freeze([]);
const EMPTY_BYTES = new Uint8Array(0);
/** The exact PyCode of code record `index` (the same object on every call while the bundle is open). */
export function materializeCode(core, index) {
    core.mem.alive();
    const have = core.codeCache.get(index);
    if (have !== undefined)
        return have;
    return build(core, index, 0);
}
/** The blob named by the (offset, length) fields at `rec + offField`, `rec + lenField`; the usual errors from Core.blob. */
function blob(core, u8, dv, rec, offField, lenField) {
    const off = dv.getUint32(rec + offField, true);
    const len = dv.getUint32(rec + lenField, true);
    if (off % BLOB_ALIGN !== 0 || off + len > core.blobSize)
        return core.blob(off, len, rec + offField); // throws the usual error
    if (len === 0)
        return EMPTY_BYTES;
    const a = core.blobStart + off;
    core.mem.touched += len;
    return u8.subarray(a, a + len);
}
/**
 * co_localspluskinds, one view per distinct blob: the file stores each distinct
 * kinds blob once (the stdlib has 538 for 63,000 code objects) and the views are
 * immutable, so code objects with the same kinds share one (a Uint8Array is ~100
 * bytes of heap that a full materialization would otherwise keep per code object).
 */
function kinds(core, u8, dv, rec) {
    const off = dv.getUint32(rec + A.kinds_offset, true);
    const len = dv.getUint32(rec + A.kinds_length, true);
    const m = (core.kindsViews ??= new Map());
    const seen = m.get(off);
    if (seen !== undefined && seen.length === len) {
        core.mem.touched += len; // a view blob() checked and counted before
        return seen;
    }
    const v = blob(core, u8, dv, rec, A.kinds_offset, A.kinds_length);
    if (v.length > 0)
        m.set(off, v);
    return v;
}
function strs(core, first, n, field) {
    if (n === 0)
        return EMPTY_STRS;
    const out = new Array(n);
    for (let k = 0; k < n; k++)
        out[k] = core.str(first + k, field);
    return out;
}
function build(core, index, depth) {
    if (depth > LIMITS.MAX_DEPTH) {
        fail('LIMIT_EXCEEDED', `code objects nested deeper than MAX_DEPTH (${LIMITS.MAX_DEPTH})`, core.codeField(index, 'parent'), {
            limit: 'MAX_DEPTH',
            value: depth,
            max: LIMITS.MAX_DEPTH,
        });
    }
    const rec = core.sec.CODE.at(index * CODE.size, CODE.size); // one bounds check for the whole record
    checkCodeRecord(core, index, rec);
    const u8 = core.mem.u8;
    const dv = core.mem.dv;
    const layout = core.layout;
    const modern = layout === '3.11';
    const constStart = dv.getUint32(rec + A.const_start, true);
    const nConsts = dv.getUint32(rec + A.n_consts, true);
    const constField = rec + A.const_start;
    if (constStart + nConsts > core.constCount)
        core.checkConstSlice(index); // throws its error
    const consts = nConsts === 0 ? EMPTY_VALUES : new Array(nConsts);
    for (let k = 0; k < nConsts; k++) {
        const v = core.constRaw(constStart + k, constField, index, 0);
        if (v === CODE_REF) {
            const t = core.lastCodeRef;
            consts[k] = core.codeCache.get(t) ?? build(core, t, depth + 1);
        }
        else {
            consts[k] = v;
        }
    }
    const bytecode = blob(core, u8, dv, rec, A.code_offset, A.code_length);
    // string slice: filename, name, qualname, then names / locals / free / cell
    const strStart = dv.getUint32(rec + A.str_start, true);
    const nNames = dv.getUint32(rec + A.n_names, true);
    const nLocals = dv.getUint32(rec + A.n_locals, true);
    const nFree = dv.getUint32(rec + A.n_freevars, true);
    const nCell = dv.getUint32(rec + A.n_cellvars, true);
    const strField = rec + A.str_start;
    const strEnd = strStart + STRING_SLICE_FIXED + nNames + nLocals + nFree + nCell;
    if (strEnd > core.stringCount)
        core.checkStrSlice(index); // throws its error
    const names = strs(core, strStart + STRING_SLICE_FIXED, nNames, strField);
    const locals = strs(core, strStart + STRING_SLICE_FIXED + nNames, nLocals, strField);
    const code = {
        kind: 'code',
        layout,
        argcount: dv.getInt32(rec + A.argcount, true),
        posonlyargcount: dv.getInt32(rec + A.posonlyargcount, true),
        kwonlyargcount: dv.getInt32(rec + A.kwonlyargcount, true),
        nlocals: modern ? 0 : dv.getInt32(rec + A.nlocals, true),
        stacksize: dv.getInt32(rec + A.stacksize, true),
        flags: dv.getUint32(rec + A.flags, true),
        code: bytecode,
        consts,
        names,
        varnames: modern ? EMPTY_STRS : locals,
        freevars: modern ? EMPTY_STRS : strs(core, strStart + STRING_SLICE_FIXED + nNames + nLocals, nFree, strField),
        cellvars: modern ? EMPTY_STRS : strs(core, strStart + STRING_SLICE_FIXED + nNames + nLocals + nFree, nCell, strField),
        localsplusnames: modern ? locals : EMPTY_STRS,
        localspluskinds: modern ? kinds(core, u8, dv, rec) : EMPTY_BYTES,
        filename: core.str(strStart + STRING_SLICE.FILENAME, strField),
        name: core.str(strStart + STRING_SLICE.NAME, strField),
        qualname: modern ? core.str(strStart + STRING_SLICE.QUALNAME, strField) : null,
        firstlineno: dv.getInt32(rec + A.firstlineno, true),
        linetable: blob(core, u8, dv, rec, A.linetable_offset, A.linetable_length),
        exceptiontable: modern ? blob(core, u8, dv, rec, A.exceptiontable_offset, A.exceptiontable_length) : EMPTY_BYTES,
    };
    core.codeCache.set(index, code);
    return code;
}
//# sourceMappingURL=materialize.js.map