/**
 * Marshal emission straight from the stored records (never through JS values):
 * raw float bits, bytecode and blobs copied from the mapping, strings from their
 * cached payloads, code objects in the field order of the bundle's CodeLayout
 * (@pybundle/cpython's CodeLayout, packages/cpython/src/value.ts; SPEC §13). Strings get FLAG_REF on first
 * use and 'r' afterwards, so CPython builds each once per emission. So do constants
 * other than None/True/False/.../StopIteration (singletons) and code objects (each
 * record is reached once): the first time a resolved CNST entry is emitted it is
 * written with FLAG_REF and later uses are 'r' back-references (SPEC §13), so the
 * output is linear in the bundle even when shared constants form a DAG with
 * exponentially many paths. Ref slots are numbered in pre-order, as CPython's
 * reader assigns them: a tuple takes its slot when created (before its items),
 * a frozenset or slice reserves its slot before its items; scalars take theirs
 * when read, which for a leaf is the same point.
 */
import { longDigits, usesLocalsPlus } from '@pybundle/cpython';
import { fail } from '@pybundle/errors';
import { CODE, CONST_BYTES, CONST_COMPLEX, CONST_FLOAT, CONST_INT, CONST_ITEM_SIZE, CONST_RECORD_ALIGN, CONST_SEQUENCE, CONST_SLICE, CONST_STR, CONST_TAG, LIMITS, NONE, REDIRECT_BIT, STRING_FLAG, STRING_RECORD, STRING_SLICE, STRING_SLICE_FIXED, TABLE_ENTRY_SIZE, } from '@pybundle/format-spec';
import { checkCodeRecord } from './code-check.js';
/** The high 32 bits of a little-endian i64 follow its low 32. */
const HIGH_HALF = 4;
/** A marshal BINARY_FLOAT is the 8 bytes of the binary64, as CDAT stores them. */
const FLOAT_BYTES = 8;
// Field offsets of the constant records (layout.ts), hoisted out of the per-constant paths.
const K_BYTES_BLOB_OFFSET = CONST_BYTES.at.blob_offset;
const K_BYTES_LENGTH = CONST_BYTES.at.length;
const K_COMPLEX_REAL_BITS = CONST_COMPLEX.at.real_bits;
const K_FLOAT_BITS = CONST_FLOAT.at.bits;
const K_INT_VALUE = CONST_INT.at.value;
const K_SEQUENCE_COUNT = CONST_SEQUENCE.at.count;
const K_SEQUENCE_SIZE = CONST_SEQUENCE.size;
const K_SLICE_START = CONST_SLICE.at.start;
const K_SLICE_STEP = CONST_SLICE.at.step;
const K_SLICE_STOP = CONST_SLICE.at.stop;
const K_STR_STRING = CONST_STR.at.string;
const K_ITEM_SIZE = CONST_ITEM_SIZE;
// container() reads a SLICE's start, stop and step as a run of three items.
if (K_SLICE_STOP !== K_SLICE_START + K_ITEM_SIZE || K_SLICE_STEP !== K_SLICE_STOP + K_ITEM_SIZE)
    throw new Error('layout: SLICE items are not consecutive');
const FLAG_REF = 0x80;
/** A marshal object's type byte and its u32 length (or digit count) come before its payload. */
const TYPE_AND_LENGTH = 5;
const T = (s) => s.charCodeAt(0);
const TYPE = {
    NONE: T('N'),
    FALSE: T('F'),
    TRUE: T('T'),
    STOPITER: T('S'),
    ELLIPSIS: T('.'),
    INT: T('i'),
    LONG: T('l'),
    BINARY_FLOAT: T('g'),
    BINARY_COMPLEX: T('y'),
    STRING: T('s'),
    UNICODE: T('u'),
    INTERNED: T('t'),
    ASCII: T('a'),
    ASCII_INTERNED: T('A'),
    SHORT_ASCII: T('z'),
    SHORT_ASCII_INTERNED: T('Z'),
    TUPLE: T('('),
    SMALL_TUPLE: T(')'),
    FROZENSET: T('>'),
    CODE: T('c'),
    REF: T('r'),
    SLICE: T(':'),
};
/** Output buffers up to this size are kept for the next emission (larger ones are dropped after use). */
const KEEP_BUFFER = 1 << 20;
/** Runs shorter than this are copied by a loop (no view allocated), longer ones by set(). */
const SHORT_COPY = 16;
function emitState(core) {
    let s = core.emitState;
    if (s === undefined) {
        const n = core.stringCount;
        const k = core.constCount;
        s = {
            emissions: 0,
            buf: new Uint8Array(1 << 16),
            stamp: new Int32Array(n),
            slot: new Int32Array(n),
            sAbs: new Int32Array(n),
            sLen: new Int32Array(n),
            sType: new Uint8Array(n),
            cstamp: new Int32Array(k),
            cslot: new Int32Array(k),
            cheight: new Uint16Array(k),
        };
        core.emitState = s;
    }
    return s;
}
const C_ARGCOUNT = CODE.at.argcount;
const C_POSONLY = CODE.at.posonlyargcount;
const C_KWONLY = CODE.at.kwonlyargcount;
const C_NLOCALS = CODE.at.nlocals;
const C_STACKSIZE = CODE.at.stacksize;
const C_FLAGS = CODE.at.flags;
const C_FIRSTLINENO = CODE.at.firstlineno;
const C_STR_START = CODE.at.str_start;
const C_N_NAMES = CODE.at.n_names;
const C_N_LOCALS = CODE.at.n_locals;
const C_N_FREE = CODE.at.n_freevars;
const C_N_CELL = CODE.at.n_cellvars;
const C_CONST_START = CODE.at.const_start;
const C_N_CONSTS = CODE.at.n_consts;
const C_CODE_OFFSET = CODE.at.code_offset;
const C_CODE_LENGTH = CODE.at.code_length;
const C_KINDS_OFFSET = CODE.at.kinds_offset;
const C_KINDS_LENGTH = CODE.at.kinds_length;
const C_LINETABLE_OFFSET = CODE.at.linetable_offset;
const C_LINETABLE_LENGTH = CODE.at.linetable_length;
const C_EXCEPTIONTABLE_OFFSET = CODE.at.exceptiontable_offset;
const C_EXCEPTIONTABLE_LENGTH = CODE.at.exceptiontable_length;
const S_FLAGS = STRING_RECORD.at.flags;
const S_LENGTH = STRING_RECORD.at.length;
const S_SIZE = STRING_RECORD.size;
const ENTRY = TABLE_ENTRY_SIZE;
/** Little-endian i32 at b[p]; returns p + 4. */
function put32(b, p, v) {
    b[p] = v;
    b[p + 1] = v >>> 8;
    b[p + 2] = v >>> 16;
    b[p + 3] = v >>> 24;
    return p + 4;
}
/**
 * One emission. The hot paths (a string or constant already seen, a code record's
 * fixed fields) read the mapping with plain DataView reads after the same checks
 * Core makes, inline; anything unusual goes through Core's own methods, which make
 * the checks in their order and throw their errors, so a damaged bundle fails as before.
 */
class Emitter {
    core;
    buf;
    p = 0;
    s;
    id;
    nrefs = 0;
    localsPlus;
    u8;
    dv;
    constructor(core) {
        this.core = core;
        const s = emitState(core);
        this.s = s;
        this.buf = s.buf;
        this.id = ++s.emissions;
        this.localsPlus = usesLocalsPlus(core.layout);
        this.u8 = core.mem.u8;
        this.dv = core.mem.dv;
    }
    /** Room for n more bytes (the buffer doubles). */
    need(n) {
        if (this.p + n <= this.buf.length)
            return;
        let size = this.buf.length * 2;
        while (size < this.p + n)
            size *= 2;
        const b = new Uint8Array(size);
        b.set(this.buf.subarray(0, this.p));
        this.buf = b;
    }
    /** The bytes written, copied out; the buffer stays with the bundle for the next emission. */
    result() {
        const out = this.buf.slice(0, this.p);
        this.s.buf = this.buf.length <= KEEP_BUFFER ? this.buf : new Uint8Array(1 << 16);
        return out;
    }
    /** Copy u8[a, a + n) to the output (room already made). */
    copyIn(src, a, n) {
        const b = this.buf;
        let p = this.p;
        if (n < SHORT_COPY) {
            for (let e = a + n; a < e; a++)
                b[p++] = src[a];
        }
        else {
            b.set(src.subarray(a, a + n), p);
            p += n;
        }
        this.p = p;
    }
    /** STRT entry i as a marshal str: a back-reference when this emission already wrote it. */
    str(i, from) {
        const c = this.core;
        const s = this.s;
        const dv = this.dv;
        const m = c.mem;
        // Core.resolveStr's common case inline: open, in range, a data entry or one hop back to one.
        let r = -1;
        if (!m.closed && i >= 0 && i < c.stringCount) {
            const v = dv.getUint32(c.strtStart + i * ENTRY, true);
            if ((v & REDIRECT_BIT) === 0) {
                r = i;
                m.touched += ENTRY;
            }
            else if (v >>> 1 < i && s.sType[v >>> 1] !== 0) {
                // a checked record's entry is a data entry: no second read needed
                r = v >>> 1;
                m.touched += 2 * ENTRY;
            }
        }
        if (r >= 0 && s.sType[r] !== 0) {
            if (s.stamp[r] === this.id)
                return this.ref(s.slot[r]);
            s.stamp[r] = this.id;
            s.slot[r] = this.nrefs++;
            const n = s.sLen[r];
            this.need(TYPE_AND_LENGTH + n);
            const b = this.buf;
            let p = this.p;
            b[p++] = s.sType[r]; // a short type (one length byte) exactly when n < 256
            if (n < 256)
                b[p++] = n;
            else
                p = put32(b, p, n);
            this.p = p;
            this.copyIn(this.u8, s.sAbs[r], n);
            return;
        }
        this.strSlow(i, from);
    }
    /** The first use of a string record in this bundle (or an unusual one): Core's checks, then the cache. */
    strSlow(i, from) {
        const c = this.core;
        const s = this.s;
        const r = c.resolveStr(i, from);
        const off = c.lastOffset;
        const dv = this.dv;
        const a = c.strdStart + off;
        // A plain ASCII record (no surrogate flag, no unknown bits) inside STRD: checked here as strData and strPayload check it.
        if (s.sType[r] === 0 && off + S_SIZE <= c.strdSize && (dv.getUint32(a + S_FLAGS, true) & ~STRING_FLAG.INTERNED) === 0) {
            const n = dv.getUint32(a + S_LENGTH, true);
            if (off + S_SIZE + n <= c.strdSize) {
                const u8 = this.u8;
                let or = 0;
                for (let k = a + S_SIZE, e = k + n; k < e; k++)
                    or |= u8[k];
                if (or < 0x80) {
                    c.mem.touched += S_SIZE + n;
                    const interned = (dv.getUint32(a + S_FLAGS, true) & STRING_FLAG.INTERNED) !== 0;
                    s.sAbs[r] = a + S_SIZE;
                    s.sLen[r] = n;
                    s.sType[r] = (n < 256 ? (interned ? TYPE.SHORT_ASCII_INTERNED : TYPE.SHORT_ASCII) : (interned ? TYPE.ASCII_INTERNED : TYPE.ASCII)) | FLAG_REF;
                    return this.str(r, from);
                }
            }
        }
        if (s.sType[r] !== 0)
            return this.str(r, from);
        const p = c.payload(i, from); // throws the record's error, or gives a Latin-1/UCS payload (or ASCII with the surrogate flag)
        if (s.stamp[r] === this.id)
            return this.ref(s.slot[r]);
        s.stamp[r] = this.id;
        s.slot[r] = this.nrefs++;
        const n = p.length;
        this.need(TYPE_AND_LENGTH + n);
        const b = this.buf;
        let q = this.p;
        if (p.ascii) {
            if (n < 256) {
                b[q++] = (p.interned ? TYPE.SHORT_ASCII_INTERNED : TYPE.SHORT_ASCII) | FLAG_REF;
                b[q++] = n;
            }
            else {
                b[q++] = (p.interned ? TYPE.ASCII_INTERNED : TYPE.ASCII) | FLAG_REF;
                q = put32(b, q, n);
            }
        }
        else {
            b[q++] = (p.interned ? TYPE.INTERNED : TYPE.UNICODE) | FLAG_REF;
            q = put32(b, q, n);
        }
        this.p = q;
        this.copyIn(p.src, p.start, n);
    }
    ref(slot) {
        this.need(TYPE_AND_LENGTH);
        const b = this.buf;
        b[this.p] = TYPE.REF;
        this.p = put32(b, this.p + 1, slot);
    }
    byte(v) {
        this.need(1);
        this.buf[this.p++] = v;
    }
    i32(v) {
        this.need(4);
        this.p = put32(this.buf, this.p, v);
    }
    /** A bytes object ('s') from a checked BLOB range; `field` = absolute offset of the offset field (for errors). */
    blobObj(offset, length, field, flag) {
        const a = this.core.blobAbs(offset, length, field);
        this.need(TYPE_AND_LENGTH + length);
        const b = this.buf;
        b[this.p] = TYPE.STRING | flag;
        this.p = put32(b, this.p + 1, length);
        this.copyIn(this.u8, a, length);
    }
    /** A bytes object from one of a code record's blob field pairs (rec = absolute offset of the record). */
    codeBlob(rec, offField, lenField) {
        const dv = this.dv;
        this.blobObj(dv.getUint32(rec + offField, true), dv.getUint32(rec + lenField, true), rec + offField, 0);
    }
    tupleHead(n, flag) {
        this.need(TYPE_AND_LENGTH);
        const b = this.buf;
        if (n < 256) {
            b[this.p++] = TYPE.SMALL_TUPLE | flag;
            b[this.p++] = n;
        }
        else {
            b[this.p] = TYPE.TUPLE | flag;
            this.p = put32(b, this.p + 1, n);
        }
    }
    long(v, flag) {
        const digits = longDigits(v);
        this.need(TYPE_AND_LENGTH + 2 * digits.length);
        const b = this.buf;
        b[this.p] = TYPE.LONG | flag;
        let p = put32(b, this.p + 1, v < 0n ? -digits.length : digits.length);
        for (const d of digits) {
            b[p++] = d & 0xff;
            b[p++] = d >>> 8;
        }
        this.p = p;
    }
    /** Core.resolveConst with its common case inline (the same checks; anything else throws through Core). */
    resolveConst(i, from) {
        const c = this.core;
        const m = c.mem;
        if (!m.closed && i >= 0 && i < c.constCount) {
            const dv = this.dv;
            const base = c.cnstStart;
            let v = dv.getUint32(base + i * ENTRY, true);
            let r = i;
            if (v & REDIRECT_BIT) {
                r = v >>> 1;
                if (r < i)
                    v = dv.getUint32(base + r * ENTRY, true);
                else
                    v = REDIRECT_BIT;
                m.touched += ENTRY;
            }
            if ((v & REDIRECT_BIT) === 0 && v % CONST_RECORD_ALIGN === 0 && v < c.cdatSize) {
                m.touched += ENTRY;
                this.lastOffset = v;
                return r;
            }
        }
        const r = c.resolveConst(i, from);
        this.lastOffset = c.lastOffset;
        return r;
    }
    lastOffset = 0;
    /**
     * Emit CNST entry i; returns its nesting height (0 for a scalar), which counts against MAX_DEPTH even when referenced.
     * Nested containers recurse through here and container() only, up to MAX_DEPTH levels on Node's
     * default stack, cold (interpreted) too: both keep few locals; leaves are written by leaf(), which
     * returns before any recursion.
     */
    const(i, from, ctx, depth) {
        if (depth > LIMITS.MAX_DEPTH)
            depthFail('constants', depth, from);
        const r = this.resolveConst(i, from);
        const off = this.lastOffset;
        const tag = this.core.constTag(off);
        switch (tag) {
            case CONST_TAG.NONE:
                this.byte(TYPE.NONE);
                return 0;
            case CONST_TAG.FALSE:
                this.byte(TYPE.FALSE);
                return 0;
            case CONST_TAG.TRUE:
                this.byte(TYPE.TRUE);
                return 0;
            case CONST_TAG.ELLIPSIS:
                this.byte(TYPE.ELLIPSIS);
                return 0;
            case CONST_TAG.STOP_ITERATION:
                this.byte(TYPE.STOPITER);
                return 0;
            case CONST_TAG.STR:
                this.strConst(off);
                return 0;
            case CONST_TAG.CODE:
                this.code(this.core.codeTarget(r, off, ctx), depth + 1);
                return 0;
        }
        // Every other constant: once with FLAG_REF, then 'r' (its slot is taken here, before any items: pre-order).
        if (this.s.cstamp[r] === this.id)
            return this.constRef(r, from, depth);
        if (tag === CONST_TAG.TUPLE || tag === CONST_TAG.FROZENSET || tag === CONST_TAG.SLICE)
            return this.container(r, off, tag, depth);
        this.leaf(r, off, tag);
        return 0;
    }
    strConst(off) {
        const cdat = this.core.sec.CDAT;
        this.str(cdat.u32(off + K_STR_STRING), cdat.start + off + K_STR_STRING);
    }
    /** A back-reference to constant r, already written in this emission (its height still counts). */
    constRef(r, from, depth) {
        const s = this.s;
        const h = s.cheight[r];
        if (depth + h > LIMITS.MAX_DEPTH)
            depthFail('constants', depth + h, from);
        this.ref(s.cslot[r]);
        return h;
    }
    /** A scalar constant (not a singleton, STR or CODE) at CDAT offset off, written with FLAG_REF. */
    leaf(r, off, tag) {
        const c = this.core;
        const cdat = c.sec.CDAT;
        switch (tag) {
            case CONST_TAG.INT: {
                this.claim(r);
                const lo = cdat.u32(off + K_INT_VALUE);
                const hi = cdat.i32(off + K_INT_VALUE + HIGH_HALF);
                if ((hi === 0 && lo < 0x80000000) || (hi === -1 && lo >= 0x80000000)) {
                    this.byte(TYPE.INT | FLAG_REF);
                    this.i32(lo);
                    return;
                }
                this.long(cdat.i64(off + K_INT_VALUE), FLAG_REF);
                return;
            }
            case CONST_TAG.BIGINT: {
                const v = c.bigint(off);
                this.claim(r);
                this.long(v, FLAG_REF);
                return;
            }
            case CONST_TAG.FLOAT: {
                const a = cdat.at(off + K_FLOAT_BITS, FLOAT_BYTES);
                this.claim(r);
                this.need(1 + FLOAT_BYTES);
                this.buf[this.p++] = TYPE.BINARY_FLOAT | FLAG_REF;
                this.copyIn(this.u8, a, FLOAT_BYTES);
                return;
            }
            case CONST_TAG.COMPLEX: {
                const a = cdat.at(off + K_COMPLEX_REAL_BITS, 2 * FLOAT_BYTES);
                this.claim(r);
                this.need(1 + 2 * FLOAT_BYTES);
                this.buf[this.p++] = TYPE.BINARY_COMPLEX | FLAG_REF;
                this.copyIn(this.u8, a, 2 * FLOAT_BYTES);
                return;
            }
            case CONST_TAG.BYTES: {
                const len = cdat.u32(off + K_BYTES_LENGTH);
                const boff = cdat.u32(off + K_BYTES_BLOB_OFFSET);
                c.blobAbs(boff, len, cdat.start + off + K_BYTES_BLOB_OFFSET);
                this.claim(r);
                this.blobObj(boff, len, cdat.start + off + K_BYTES_BLOB_OFFSET, FLAG_REF);
                return;
            }
            default:
                fail('MALFORMED', `unknown constant tag 0x${tag.toString(16)}`, cdat.start + off);
        }
    }
    /** A TUPLE, FROZENSET or SLICE constant: its head with FLAG_REF, then its items (earlier entries). */
    container(r, off, tag, depth) {
        const cdat = this.core.sec.CDAT;
        let n = 3;
        let rel = off + K_SLICE_START;
        if (tag === CONST_TAG.SLICE) {
            if (this.core.header.marshalVersion < 5)
                fail('MALFORMED', 'slice constant in a bundle for marshal version < 5', cdat.start + off);
            this.claim(r);
            this.byte(TYPE.SLICE | FLAG_REF);
        }
        else {
            n = cdat.u32(off + K_SEQUENCE_COUNT);
            rel = off + K_SEQUENCE_SIZE;
            cdat.at(rel, K_ITEM_SIZE * n);
            this.claim(r);
            if (tag === CONST_TAG.TUPLE)
                this.tupleHead(n, FLAG_REF);
            else {
                this.byte(TYPE.FROZENSET | FLAG_REF);
                this.i32(n);
            }
        }
        let h = 0;
        for (let k = 0; k < n; k++, rel += K_ITEM_SIZE) {
            const j = cdat.u32(rel);
            if (j >= r)
                fail('BAD_INDEX', `container CNST[${r}] refers to CNST[${j}], not an earlier entry`, cdat.start + rel);
            h = Math.max(h, this.const(j, cdat.start + rel, NONE, depth + 1) + 1);
        }
        return (this.s.cheight[r] = h);
    }
    /** Give resolved CNST entry r the next ref slot of this emission. */
    claim(r) {
        const s = this.s;
        s.cstamp[r] = this.id;
        s.cslot[r] = this.nrefs++;
        s.cheight[r] = 0;
    }
    strRun(start, n, field) {
        this.tupleHead(n, 0);
        for (let k = 0; k < n; k++)
            this.str(start + k, field);
    }
    code(ci, depth) {
        const c = this.core;
        const sec = c.sec.CODE;
        const base = ci * CODE.size;
        if (depth > LIMITS.MAX_DEPTH)
            depthFail('code objects', depth, sec.start + base);
        c.checkCode(ci, sec.start + base);
        const rec = sec.at(base, CODE.size); // one bounds check for the whole record
        checkCodeRecord(c, ci, rec);
        const dv = this.dv;
        const lp = this.localsPlus;
        const strStart = dv.getUint32(rec + C_STR_START, true);
        const nNames = dv.getUint32(rec + C_N_NAMES, true);
        const nLocals = dv.getUint32(rec + C_N_LOCALS, true);
        const nFree = lp ? 0 : dv.getUint32(rec + C_N_FREE, true);
        const nCell = lp ? 0 : dv.getUint32(rec + C_N_CELL, true);
        const sField = rec + C_STR_START;
        if (strStart + STRING_SLICE_FIXED + nNames + nLocals + nFree + nCell > c.stringCount)
            c.checkStrSlice(ci);
        const cStart = dv.getUint32(rec + C_CONST_START, true);
        const nConsts = dv.getUint32(rec + C_N_CONSTS, true);
        const cField = rec + C_CONST_START;
        if (cStart + nConsts > c.constCount)
            c.checkConstSlice(ci);
        this.need(1 + 6 * 4);
        const b = this.buf;
        let p = this.p;
        b[p++] = TYPE.CODE;
        p = put32(b, p, dv.getInt32(rec + C_ARGCOUNT, true));
        p = put32(b, p, dv.getInt32(rec + C_POSONLY, true));
        p = put32(b, p, dv.getInt32(rec + C_KWONLY, true));
        if (!lp)
            p = put32(b, p, dv.getInt32(rec + C_NLOCALS, true));
        p = put32(b, p, dv.getInt32(rec + C_STACKSIZE, true));
        p = put32(b, p, dv.getUint32(rec + C_FLAGS, true));
        this.p = p;
        this.codeBlob(rec, C_CODE_OFFSET, C_CODE_LENGTH);
        this.tupleHead(nConsts, 0);
        for (let k = 0; k < nConsts; k++)
            this.const(cStart + k, cField, ci, depth);
        const F = strStart + STRING_SLICE_FIXED;
        this.strRun(F, nNames, sField);
        this.strRun(F + nNames, nLocals, sField);
        if (lp) {
            this.codeBlob(rec, C_KINDS_OFFSET, C_KINDS_LENGTH);
        }
        else {
            this.strRun(F + nNames + nLocals, nFree, sField);
            this.strRun(F + nNames + nLocals + nFree, nCell, sField);
        }
        this.str(strStart + STRING_SLICE.FILENAME, sField);
        this.str(strStart + STRING_SLICE.NAME, sField);
        if (lp)
            this.str(strStart + STRING_SLICE.QUALNAME, sField);
        this.i32(dv.getInt32(rec + C_FIRSTLINENO, true));
        this.codeBlob(rec, C_LINETABLE_OFFSET, C_LINETABLE_LENGTH);
        if (lp)
            this.codeBlob(rec, C_EXCEPTIONTABLE_OFFSET, C_EXCEPTIONTABLE_LENGTH);
    }
}
function depthFail(what, depth, at) {
    fail('LIMIT_EXCEEDED', `${what} nested deeper than MAX_DEPTH (${LIMITS.MAX_DEPTH})`, at, { limit: 'MAX_DEPTH', value: depth, max: LIMITS.MAX_DEPTH });
}
/** Marshal bytes of code record `ci` after `prefix` bytes reserved at the front (for a pyc header). */
export function emitCode(core, ci, prefix = 0) {
    const e = new Emitter(core);
    e.need(prefix);
    e.buf.fill(0, 0, prefix);
    e.p = prefix;
    e.code(ci, 0);
    return e.result();
}
//# sourceMappingURL=emit.js.map