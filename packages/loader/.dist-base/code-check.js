/**
 * The checks CPython makes when it builds a code object from marshal data
 * (PyCode_NewWithPosOnlyArgs in 3.8-3.10, _PyCode_Validate from 3.11; the same
 * checks @pybundle/cpython's readMarshal applies), made on a code record so that
 * a record verify() accepts emits a .pyc CPython loads (SPEC §11.2, §11.3).
 */
import { fail } from '@pybundle/errors';
import { BLOB_ALIGN, CODE } from '@pybundle/format-spec';
const CO_VARARGS = 0x04;
const CO_VARKEYWORDS = 0x08;
/** co_localspluskinds bit of a plain local (3.11+). */
const CO_FAST_LOCAL = 0x20;
/** Throws MALFORMED (at the offending field) if CPython would reject code record ci. */
export function checkCodeObject(c, ci) {
    const argcount = c.codeI32(ci, 'argcount');
    const posonly = c.codeI32(ci, 'posonlyargcount');
    const kwonly = c.codeI32(ci, 'kwonlyargcount');
    const nlocals = c.codeI32(ci, 'nlocals');
    const stacksize = c.codeI32(ci, 'stacksize');
    const flags = c.codeI32(ci, 'flags');
    const bad = (field, what) => fail('MALFORMED', `code record ${ci}: ${what} (CPython rejects this code object)`, c.codeField(ci, field));
    if (posonly < 0)
        bad('posonlyargcount', `posonlyargcount ${posonly} < 0`);
    if (argcount < posonly)
        bad('argcount', `argcount ${argcount} < posonlyargcount ${posonly}`);
    if (kwonly < 0)
        bad('kwonlyargcount', `kwonlyargcount ${kwonly} < 0`);
    if (nlocals < 0)
        bad('nlocals', `nlocals ${nlocals} < 0`);
    if (stacksize < 0)
        bad('stacksize', `stacksize ${stacksize} < 0`);
    if (flags < 0)
        bad('flags', `flags 0x${(flags >>> 0).toString(16)} negative as an int32`);
    const extra = (flags & CO_VARARGS ? 1 : 0) + (flags & CO_VARKEYWORDS ? 1 : 0);
    const nLocals = c.codeU32(ci, 'n_locals');
    if (c.layout === '3.11') {
        const kinds = c.codeBlob(ci, 'kinds');
        if (kinds.length !== nLocals)
            bad('kinds_length', `kinds_length ${kinds.length} != n_locals ${nLocals} (localsplusnames and localspluskinds differ in length)`);
        if (c.codeU32(ci, 'code_length') % 2 !== 0)
            bad('code_length', `code_length ${c.codeU32(ci, 'code_length')} is odd (co_code is malformed)`);
        let plain = 0;
        for (let i = 0; i < kinds.length; i++)
            if (kinds[i] & CO_FAST_LOCAL)
                plain++;
        if (argcount + kwonly + extra > plain) {
            bad('argcount', `argcount ${argcount} + kwonlyargcount ${kwonly} + ${extra} (*args/**kwargs) > ${plain} plain locals (co_varnames is too small)`);
        }
    }
    else if (argcount + kwonly + extra > nLocals) {
        bad('argcount', `argcount ${argcount} + kwonlyargcount ${kwonly} + ${extra} (*args/**kwargs) > ${nLocals} varnames (varnames is too small)`);
    }
}
/**
 * checkCodeObject for a record already bounds-checked at absolute offset `rec`:
 * the same checks with plain reads, the same errors (any failure is re-checked
 * by checkCodeObject, which throws it).
 */
export function checkCodeRecord(c, ci, rec) {
    const dv = c.mem.dv;
    const argcount = dv.getInt32(rec + CODE.at.argcount, true);
    const posonly = dv.getInt32(rec + CODE.at.posonlyargcount, true);
    const kwonly = dv.getInt32(rec + CODE.at.kwonlyargcount, true);
    const flags = dv.getInt32(rec + CODE.at.flags, true);
    if (posonly < 0 || argcount < posonly || kwonly < 0 || dv.getInt32(rec + CODE.at.nlocals, true) < 0 || dv.getInt32(rec + CODE.at.stacksize, true) < 0 || flags < 0) {
        return checkCodeObject(c, ci);
    }
    const extra = (flags & CO_VARARGS ? 1 : 0) + (flags & CO_VARKEYWORDS ? 1 : 0);
    const nLocals = dv.getUint32(rec + CODE.at.n_locals, true);
    if (c.layout === '3.11') {
        const off = dv.getUint32(rec + CODE.at.kinds_offset, true);
        const len = dv.getUint32(rec + CODE.at.kinds_length, true);
        if (off % BLOB_ALIGN !== 0 || off + len > c.blobSize || len !== nLocals || dv.getUint32(rec + CODE.at.code_length, true) % 2 !== 0)
            return checkCodeObject(c, ci);
        const u8 = c.mem.u8;
        let plain = 0;
        for (let i = c.blobStart + off, e = i + len; i < e; i++)
            if (u8[i] & CO_FAST_LOCAL)
                plain++;
        if (argcount + kwonly + extra > plain)
            checkCodeObject(c, ci);
    }
    else if (argcount + kwonly + extra > nLocals) {
        checkCodeObject(c, ci);
    }
}
//# sourceMappingURL=code-check.js.map