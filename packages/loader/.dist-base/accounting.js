/**
 * Where a bundle's bytes go, as plain data (`Bundle.accounting()`, what
 * `pybundle inspect` prints): the records, table entries and blobs each module
 * owns, and what sharing saves. Read through the loader's one byte reader
 * (Section), with the layout from format-spec. A shared string, constant or blob
 * is attributed to the first module that stores it; later users only pay their
 * table entries.
 */
import { BLOB_ALIGN, CODE, CONST_BYTES, CONST_ITEM_SIZE, CONST_RECORD_ALIGN, CONST_RECORD_SIZE, CONST_SEQUENCE, CONST_SLICE, CONST_STR, CONST_TAG, MODULE, NONE, REDIRECT_BIT, STRING_FLAG, STRING_KIND_WIDTH, STRING_RECORD, STRING_RECORD_ALIGN, STRING_SLICE_FIXED, TABLE_ENTRY_SIZE, } from '@pybundle/format-spec';
const TAG_NAMES = new Map(Object.keys(CONST_TAG).map((k) => [CONST_TAG[k], k]));
const align = (n, a) => Math.ceil(n / a) * a;
/** Bits 0-7 of a constant record's head. */
const TAG_MASK = 0xff;
export function accountBundle(core) {
    const a = new Accountant(core);
    const modules = [];
    for (let m = 0; m < core.moduleCount; m++)
        modules.push(a.module(m));
    return { modules, attributed: a.attributed, sharing: { savedVsNone: a.savedVsNone(), savedVsPerModule: a.savedVsPerModule() } };
}
/** sharing.savedVsNone alone (a scan of the two tables). */
export function savedBySharing(core) {
    return new Accountant(core).savedVsNone();
}
class Accountant {
    c;
    seenBlobs = new Set();
    attributed = { strings: 0, consts: 0, blobs: 0 };
    constructor(c) {
        this.c = c;
    }
    entry(table, i) {
        return this.c.sec[table].u32(i * TABLE_ENTRY_SIZE);
    }
    cdat(rel) {
        return this.c.sec.CDAT.u32(rel);
    }
    stringRecordSize(off) {
        const strd = this.c.sec.STRD;
        const flags = strd.u32(off + STRING_RECORD.at.flags);
        const length = strd.u32(off + STRING_RECORD.at.length);
        return align(STRING_RECORD.size + length * STRING_KIND_WIDTH[flags & STRING_FLAG.KIND_MASK], STRING_RECORD_ALIGN);
    }
    constRecordSize(off) {
        const name = TAG_NAMES.get(this.cdat(off) & TAG_MASK);
        if (name === undefined)
            return CONST_RECORD_ALIGN;
        const fixed = CONST_RECORD_SIZE[name];
        if (fixed !== undefined)
            return fixed;
        // TUPLE, FROZENSET and BIGINT: a count after the head, then u32 items
        return align(CONST_SEQUENCE.size + CONST_ITEM_SIZE * this.cdat(off + CONST_SEQUENCE.at.count), CONST_RECORD_ALIGN);
    }
    blob(offset, length) {
        if (length === 0 || this.seenBlobs.has(offset))
            return 0;
        this.seenBlobs.add(offset);
        this.attributed.blobs += align(length, BLOB_ALIGN);
        return align(length, BLOB_ALIGN);
    }
    /** Sum, over redirect entries, of the record they point to. */
    savedVsNone() {
        let saved = 0;
        for (let i = 0; i < this.c.stringCount; i++) {
            const e = this.entry('STRT', i);
            if (e & REDIRECT_BIT)
                saved += this.stringRecordSize(this.entry('STRT', e >>> 1));
        }
        for (let i = 0; i < this.c.constCount; i++) {
            const e = this.entry('CNST', i);
            if (e & REDIRECT_BIT)
                saved += this.constRecordSize(this.entry('CNST', e >>> 1));
        }
        return saved;
    }
    /**
     * For each module, the records it reaches (strings and constants of its code
     * records' slices, what constants refer to, its blobs, its name and path)
     * counted once per module, summed, minus what the file stores. The writer
     * counts the same thing while it writes (BundleStats.sharing.savedBytes); a
     * test checks both agree.
     */
    savedVsPerModule() {
        const c = this.c;
        let perModule = 0;
        const strs = new Set();
        const consts = new Set();
        const blobs = new Set();
        const blob = (offset, length) => {
            if (length === 0 || blobs.has(offset))
                return;
            blobs.add(offset);
            perModule += align(length, BLOB_ALIGN);
        };
        const resolve = (table, i) => {
            const e = this.entry(table, i);
            return e & REDIRECT_BIT ? e >>> 1 : i;
        };
        const str = (i) => {
            const r = resolve('STRT', i);
            if (strs.has(r))
                return;
            strs.add(r);
            perModule += this.stringRecordSize(this.entry('STRT', r));
        };
        const constant = (first) => {
            const todo = [first];
            while (todo.length) {
                const r = resolve('CNST', todo.pop());
                if (consts.has(r))
                    continue;
                consts.add(r);
                const off = this.entry('CNST', r);
                perModule += this.constRecordSize(off);
                const tag = this.cdat(off) & TAG_MASK;
                if (tag === CONST_TAG.TUPLE || tag === CONST_TAG.FROZENSET) {
                    const n = this.cdat(off + CONST_SEQUENCE.at.count);
                    for (let k = 0; k < n; k++)
                        todo.push(this.cdat(off + CONST_SEQUENCE.size + CONST_ITEM_SIZE * k));
                }
                else if (tag === CONST_TAG.SLICE) {
                    for (const f of [CONST_SLICE.at.start, CONST_SLICE.at.stop, CONST_SLICE.at.step])
                        todo.push(this.cdat(off + f));
                }
                else if (tag === CONST_TAG.STR) {
                    str(this.cdat(off + CONST_STR.at.string));
                }
                else if (tag === CONST_TAG.BYTES) {
                    blob(this.cdat(off + CONST_BYTES.at.blob_offset), this.cdat(off + CONST_BYTES.at.length));
                }
            }
        };
        for (let m = 0; m < c.moduleCount; m++) {
            strs.clear();
            consts.clear();
            blobs.clear();
            blob(c.modU32(m, 'name_offset'), c.modU32(m, 'name_length'));
            blob(c.modU32(m, 'path_offset'), c.modU32(m, 'path_length'));
            const first = c.modU32(m, 'code');
            const count = first === NONE ? 0 : c.modU32(m, 'code_count');
            for (let k = first; k < first + count; k++) {
                const f = (field) => c.codeU32(k, field);
                blob(f('code_offset'), f('code_length'));
                blob(f('linetable_offset'), f('linetable_length'));
                blob(f('exceptiontable_offset'), f('exceptiontable_length'));
                blob(f('kinds_offset'), f('kinds_length'));
                const s0 = f('str_start');
                const nStr = STRING_SLICE_FIXED + f('n_names') + f('n_locals') + f('n_freevars') + f('n_cellvars');
                for (let i = s0; i < s0 + nStr; i++)
                    str(i);
                const k0 = f('const_start');
                for (let i = k0; i < k0 + f('n_consts'); i++)
                    constant(i);
            }
        }
        return perModule - c.sec.STRD.size - c.sec.CDAT.size - c.sec.BLOB.size;
    }
    /** Module m's bytes; call in MODS order (a shared blob goes to the first module that names it). */
    module(m) {
        const c = this.c;
        let stringsOwned = 0;
        let stringsShared = 0;
        let constsOwned = 0;
        let constsShared = 0;
        let bytes = MODULE.size + this.blob(c.modU32(m, 'name_offset'), c.modU32(m, 'name_length')) + this.blob(c.modU32(m, 'path_offset'), c.modU32(m, 'path_length'));
        const first = c.modU32(m, 'code');
        const count = first === NONE ? 0 : c.modU32(m, 'code_count');
        let bytecode = 0;
        for (let k = first; k < first + count; k++) {
            const f = (field) => c.codeU32(k, field);
            bytes += CODE.size;
            bytecode += f('code_length');
            bytes += this.blob(f('code_offset'), f('code_length')) + this.blob(f('linetable_offset'), f('linetable_length'));
            bytes += this.blob(f('exceptiontable_offset'), f('exceptiontable_length')) + this.blob(f('kinds_offset'), f('kinds_length'));
            const nStr = STRING_SLICE_FIXED + f('n_names') + f('n_locals') + f('n_freevars') + f('n_cellvars');
            const s0 = f('str_start');
            for (let i = s0; i < s0 + nStr; i++) {
                const e = this.entry('STRT', i);
                const n = TABLE_ENTRY_SIZE + (e & REDIRECT_BIT ? 0 : this.stringRecordSize(e));
                bytes += n;
                this.attributed.strings += n;
                if (e & REDIRECT_BIT)
                    stringsShared++;
                else
                    stringsOwned++;
            }
            const k0 = f('const_start');
            for (let i = k0; i < k0 + f('n_consts'); i++) {
                const e = this.entry('CNST', i);
                const n = TABLE_ENTRY_SIZE + (e & REDIRECT_BIT ? 0 : this.constRecordSize(e));
                bytes += n;
                this.attributed.consts += n;
                if (e & REDIRECT_BIT)
                    constsShared++;
                else
                    constsOwned++;
            }
        }
        return { codeObjects: count, bytecodeBytes: bytecode, bytes, stringsOwned, stringsShared, constsOwned, constsShared };
    }
}
//# sourceMappingURL=accounting.js.map