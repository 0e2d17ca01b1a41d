import { fail } from '@pybundle/errors';
import { CODE, MODULE, MODULE_FLAG, NONE, STRING_SLICE, STRING_SLICE_FIXED } from '@pybundle/format-spec';
import { CODE_REF } from './core.js';
import { emitCode } from './emit.js';
import { materializeCode } from './materialize.js';
import { PagedCache } from './paged.js';
const utf8 = new TextDecoder('utf-8', { fatal: true });
export function decodeName(bytes, field) {
    let ascii = true;
    for (let i = 0; i < bytes.length; i++) {
        if (bytes[i] >= 0x80) {
            ascii = false;
            break;
        }
    }
    if (ascii) {
        let s = '';
        for (let i = 0; i < bytes.length; i++)
            s += String.fromCharCode(bytes[i]);
        return s;
    }
    try {
        return utf8.decode(bytes);
    }
    catch {
        return fail('MALFORMED', 'a name or path that is not UTF-8', field);
    }
}
class ListImpl {
    core;
    length;
    fetch;
    constructor(core, length, fetch) {
        this.core = core;
        this.length = length;
        this.fetch = fetch;
    }
    get(i) {
        this.core.mem.alive();
        checkIndex(i, this.length);
        return this.fetch(i);
    }
    toArray() {
        const out = [];
        for (let i = 0; i < this.length; i++)
            out.push(this.get(i));
        return out;
    }
    *[Symbol.iterator]() {
        for (let i = 0; i < this.length; i++)
            yield this.get(i);
    }
}
/**
 * A slice of a code record's string list: STRT entries [first, first + length),
 * already checked to lie inside STRT, so get() checks only the bundle and i.
 */
class StrList extends ListImpl {
    c;
    first;
    field;
    constructor(c, length, first, 
    /** Absolute offset of the record's str_start field (for errors). */
    field) {
        super(c, length, unused);
        this.c = c;
        this.first = first;
        this.field = field;
    }
    get(i) {
        const c = this.c;
        if (c.mem.closed)
            c.mem.alive();
        checkIndex(i, this.length);
        return c.str(this.first + i, this.field);
    }
}
/** co_consts of code record `code`: CNST entries [start, start + length), checked to lie inside CNST. */
class ConstList extends ListImpl {
    c;
    start;
    field;
    code;
    constructor(c, length, start, field, code) {
        super(c, length, unused);
        this.c = c;
        this.start = start;
        this.field = field;
        this.code = code;
    }
    get(i) {
        const c = this.c;
        if (c.mem.closed)
            c.mem.alive();
        checkIndex(i, this.length);
        const v = c.constRaw(this.start + i, this.field, this.code, 0);
        return v === CODE_REF ? codeView(c, c.lastCodeRef) : v;
    }
}
/** BAD_INDEX unless i is a whole number in [0, length): the one index check of every lazy list. */
function checkIndex(i, length) {
    if (!(Number.isInteger(i) && i >= 0 && i < length))
        fail('BAD_INDEX', `list index ${i} outside [0, ${length})`);
}
function unused() {
    throw new Error('unreachable');
}
export class ModuleView {
    core;
    index;
    /** @internal */
    constructor(core, 
    /** Module record index (position in the sorted MODS). */
    index) {
        this.core = core;
        this.index = index;
    }
    get name() {
        const c = this.core;
        c.mem.alive();
        return decodeName(c.modNameBytes(this.index), c.sec.MODS.start + c.modRel(this.index, 'name_offset'));
    }
    get flags() {
        this.core.mem.alive();
        return this.core.modU32(this.index, 'flags');
    }
    get isPackage() {
        return (this.flags & MODULE_FLAG.PACKAGE) !== 0;
    }
    get isNamespace() {
        return (this.flags & MODULE_FLAG.NAMESPACE) !== 0;
    }
    get isSourceless() {
        return (this.flags & MODULE_FLAG.SOURCELESS) !== 0;
    }
    get path() {
        const c = this.core;
        c.mem.alive();
        const off = c.modU32(this.index, 'path_offset');
        const len = c.modU32(this.index, 'path_length');
        if (len === 0)
            return '';
        const field = c.sec.MODS.start + c.modRel(this.index, 'path_offset');
        return decodeName(c.blob(off, len, field), field);
    }
    get source() {
        const c = this.core;
        c.mem.alive();
        const base = this.index * MODULE.size;
        return {
            size: Number(c.sec.MODS.u64(base + MODULE.at.source_size)),
            mtimeNs: c.sec.MODS.i64(base + MODULE.at.source_mtime_ns),
            hash: c.sec.MODS.u64(base + MODULE.at.source_hash),
        };
    }
    /** Index of the top-level code record, or NONE. */
    get codeIndex() {
        this.core.mem.alive();
        return this.core.modU32(this.index, 'code');
    }
    get codeCount() {
        this.core.mem.alive();
        return this.core.modU32(this.index, 'code_count');
    }
    /** The module body, or null for a namespace package. */
    get code() {
        const c = this.core;
        c.mem.alive();
        const ci = c.modU32(this.index, 'code');
        const field = c.sec.MODS.start + c.modRel(this.index, 'code');
        if (ci === NONE) {
            if (!this.isNamespace)
                fail('MALFORMED', `module record ${this.index} has no code and is not a namespace package`, field);
            return null;
        }
        if (this.isNamespace)
            fail('MALFORMED', `namespace package record ${this.index} has code`, field);
        c.checkCode(ci, field);
        if (c.codeU32(ci, 'parent') !== NONE)
            fail('MALFORMED', `module body code record ${ci} has a parent`, c.codeField(ci, 'parent'));
        if (c.codeU32(ci, 'module') !== this.index)
            fail('MALFORMED', `code record ${ci} belongs to module ${c.codeU32(ci, 'module')}, not ${this.index}`, c.codeField(ci, 'module'));
        return codeView(c, ci);
    }
    toString() {
        return `ModuleView(${this.name})`;
    }
}
/** The one CodeView of code record `index` (so identity is stable, like the cached constants). */
export function codeView(core, index) {
    const m = (core.codeViews ??= new PagedCache(core.codeCount));
    let v = m.get(index);
    if (v === undefined)
        m.set(index, (v = new CodeView(core, index)));
    return v;
}
export class CodeView {
    core;
    index;
    namesList = undefined;
    localsList = undefined;
    freeList = undefined;
    cellList = undefined;
    constList = undefined;
    /** @internal */
    constructor(core, 
    /** Code record index. */
    index) {
        this.core = core;
        this.index = index;
    }
    i32(f) {
        this.core.mem.alive();
        return this.core.codeI32(this.index, f);
    }
    get argcount() {
        return this.i32('argcount');
    }
    get posonlyargcount() {
        return this.i32('posonlyargcount');
    }
    get kwonlyargcount() {
        return this.i32('kwonlyargcount');
    }
    get nlocals() {
        return this.i32('nlocals');
    }
    get stacksize() {
        return this.i32('stacksize');
    }
    get flags() {
        this.core.mem.alive();
        return this.core.codeU32(this.index, 'flags');
    }
    get firstlineno() {
        return this.i32('firstlineno');
    }
    /** Index of the owning module record. */
    get moduleIndex() {
        this.core.mem.alive();
        return this.core.codeU32(this.index, 'module');
    }
    /** Index of the parent code record, or NONE for a module body. */
    get parentIndex() {
        this.core.mem.alive();
        return this.core.codeU32(this.index, 'parent');
    }
    /** co_code: a zero-copy view into the mapping. */
    get bytecode() {
        this.core.mem.alive();
        return this.core.codeBlob(this.index, 'code');
    }
    /** co_lnotab (3.8/3.9) or co_linetable (3.10+): zero-copy. */
    get linetable() {
        this.core.mem.alive();
        return this.core.codeBlob(this.index, 'linetable');
    }
    /** co_exceptiontable (3.11+; empty before): zero-copy. */
    get exceptiontable() {
        this.core.mem.alive();
        return this.core.codeBlob(this.index, 'exceptiontable');
    }
    /** co_localspluskinds (3.11+; empty before): zero-copy. */
    get localspluskinds() {
        this.core.mem.alive();
        return this.core.codeBlob(this.index, 'kinds');
    }
    fixedStr(k) {
        const c = this.core;
        c.mem.alive();
        return c.str(c.codeStrIndex(this.index, k), c.codeField(this.index, 'str_start'));
    }
    get filename() {
        return this.fixedStr(STRING_SLICE.FILENAME);
    }
    get name() {
        return this.fixedStr(STRING_SLICE.NAME);
    }
    /** co_qualname (3.11+); null before. */
    get qualname() {
        return this.core.layout === '3.11' ? this.fixedStr(STRING_SLICE.QUALNAME) : (this.core.mem.alive(), null);
    }
    strList(key) {
        const c = this.core;
        c.mem.alive();
        const have = key === 'names' ? this.namesList : key === 'locals' ? this.localsList : key === 'free' ? this.freeList : this.cellList;
        if (have !== undefined)
            return have;
        // one bounds check for the record, then plain reads (CODE holds exactly codeCount records)
        const rec = c.sec.CODE.at(this.index * CODE.size, CODE.size);
        const dv = c.mem.dv;
        const start = dv.getUint32(rec + CODE.at.str_start, true);
        const nNames = dv.getUint32(rec + CODE.at.n_names, true);
        const nLocals = dv.getUint32(rec + CODE.at.n_locals, true);
        const nFree = dv.getUint32(rec + CODE.at.n_freevars, true);
        const nCell = dv.getUint32(rec + CODE.at.n_cellvars, true);
        const field = rec + CODE.at.str_start;
        const end = start + STRING_SLICE_FIXED + nNames + nLocals + nFree + nCell;
        if (end > c.stringCount)
            c.checkStrSlice(this.index); // throws its error
        const first = start + STRING_SLICE_FIXED;
        let list;
        if (key === 'names')
            list = this.namesList = new StrList(c, nNames, first, field);
        else if (key === 'locals')
            list = this.localsList = new StrList(c, nLocals, first + nNames, field);
        else if (key === 'free')
            list = this.freeList = new StrList(c, nFree, first + nNames + nLocals, field);
        else
            list = this.cellList = new StrList(c, nCell, first + nNames + nLocals + nFree, field);
        return list;
    }
    get names() {
        return this.strList('names');
    }
    /** co_varnames (3.8-3.10). */
    get varnames() {
        return this.core.layout === '3.11' ? this.empty() : this.strList('locals');
    }
    /** co_freevars (3.8-3.10). */
    get freevars() {
        return this.core.layout === '3.11' ? this.empty() : this.strList('free');
    }
    /** co_cellvars (3.8-3.10). */
    get cellvars() {
        return this.core.layout === '3.11' ? this.empty() : this.strList('cell');
    }
    /** co_localsplusnames (3.11+). */
    get localsplusnames() {
        return this.core.layout === '3.11' ? this.strList('locals') : this.empty();
    }
    empty() {
        this.core.mem.alive();
        return new ListImpl(this.core, 0, () => fail('BAD_INDEX', 'empty list'));
    }
    get consts() {
        const c = this.core;
        c.mem.alive();
        const have = this.constList;
        if (have !== undefined)
            return have;
        const rec = c.sec.CODE.at(this.index * CODE.size, CODE.size);
        const dv = c.mem.dv;
        const start = dv.getUint32(rec + CODE.at.const_start, true);
        const n = dv.getUint32(rec + CODE.at.n_consts, true);
        const field = rec + CODE.at.const_start;
        if (start + n > c.constCount)
            c.checkConstSlice(this.index); // throws its error
        return (this.constList = new ConstList(c, n, start, field, this.index));
    }
    /** The exact PyCode, recursively (the same object on every call). */
    materialize() {
        this.core.mem.alive();
        return materializeCode(this.core, this.index); // one pass per record, cached per bundle (materialize.ts)
    }
    /** Marshal bytes of this code object (no pyc header). */
    toMarshal() {
        this.core.mem.alive();
        return emitCode(this.core, this.index);
    }
    toString() {
        return `CodeView(#${this.index})`;
    }
}
//# sourceMappingURL=views.js.map