/**
 * The resolving core shared by Bundle, ModuleView, CodeView, the emitter and the
 * verifier: table entries (§7) with their one-hop redirects, string records (§8),
 * constant records (§9), code and module records (§5, §6). Every index is checked
 * against its table and every offset against its section; nothing is sized by a
 * count the file could not hold.
 */
import { PY_ELLIPSIS, PY_FALSE, PY_NONE, PY_STOP_ITERATION, PY_TRUE, } from '@pybundle/cpython';
import { fail } from '@pybundle/errors';
import { BLOB_ALIGN, CODE, CONST_BIGINT, CONST_BYTES, CONST_CODE, CONST_COMPLEX, CONST_FLAG_NEGATIVE, CONST_FLOAT, CONST_HEADER_SIZE, CONST_INT, CONST_ITEM_SIZE, CONST_RECORD_ALIGN, CONST_SEQUENCE, CONST_SLICE, CONST_STR, CONST_TAG, LIMITS, MODULE, NONE, STRING_FLAG, STRING_KIND, STRING_KIND_WIDTH, STRING_RECORD, STRING_RECORD_ALIGN, STRING_SLICE_FIXED, REDIRECT_BIT, TABLE_ENTRY_SIZE, } from '@pybundle/format-spec';
import { Section } from './mem.js';
import { PagedCache } from './paged.js';
import { Resources } from './resources.js';
import { ascii, decodeStr, latin1, strPayload } from './strings.js';
/**
 * A CODE constant as constRaw returns it: one shared marker, with the target code
 * record in Core.lastCodeRef (an object per constant would be garbage at once).
 */
export const CODE_REF = Object.freeze({ kind: 'codeRef' });
// Field offsets of the constant records (layout.ts), hoisted out of the per-constant paths.
const K_BIGINT_COUNT = CONST_BIGINT.at.count;
const K_BIGINT_SIZE = CONST_BIGINT.size;
const K_BYTES_BLOB_OFFSET = CONST_BYTES.at.blob_offset;
const K_BYTES_LENGTH = CONST_BYTES.at.length;
const K_CODE_CODE = CONST_CODE.at.code;
const K_CODE_SIZE = CONST_CODE.size;
const K_COMPLEX_IMAG_BITS = CONST_COMPLEX.at.imag_bits;
const K_COMPLEX_REAL_BITS = CONST_COMPLEX.at.real_bits;
const K_FLOAT_BITS = CONST_FLOAT.at.bits;
const K_INT_VALUE = CONST_INT.at.value;
const K_SEQUENCE_COUNT = CONST_SEQUENCE.at.count;
const K_SEQUENCE_SIZE = CONST_SEQUENCE.size;
const K_SLICE_START = CONST_SLICE.at.start;
const K_SLICE_STEP = CONST_SLICE.at.step;
const K_SLICE_STOP = CONST_SLICE.at.stop;
const K_STR_STRING = CONST_STR.at.string;
const REDIRECT = REDIRECT_BIT;
const K_HEADER_SIZE = CONST_HEADER_SIZE;
const K_ITEM_SIZE = CONST_ITEM_SIZE;
const TAG_NAMES = new Map(Object.entries(CONST_TAG).map(([k, v]) => [v, k]));
export class Core {
    mem;
    header;
    sec;
    layout;
    moduleCount;
    codeCount;
    stringCount;
    constCount;
    slotCount;
    /**
     * Per resolved STRT index: decoded PyStr and marshal payload. Paged (256-slot
     * pages created on first touch, paged.ts), so neither open nor a small working set pays for
     * the size of the string table.
     */
    strCache;
    payloadCache;
    /** What the marshal emitter keeps per bundle between emissions (emit.ts: ref tables, string cache, output buffer). */
    emitState = undefined;
    /** Per code record: its materialized PyCode (materialize.ts). */
    codeCache;
    /** Per resolved CNST index: the value (paged like the string caches). */
    constCache;
    /** Nesting height of cached containers (absent = 0), so a cached value still counts against MAX_DEPTH. */
    constHeight = new Map();
    /** Materialized co_localspluskinds views by BLOB offset (materialize.ts). */
    kindsViews = undefined;
    /** CodeViews by code record (views.ts), so each record has one. */
    codeViews = undefined;
    /** Set by constRaw at depth > 0 (container items): the nesting height of the value it returned. */
    lastHeight = 0;
    /** Set by resolveStr/resolveConst: the data-section offset of the resolved record. */
    lastOffset = 0;
    /** Set by resolveConstFast on a cache hit. */
    lastConst = PY_NONE;
    /** Set by constRaw when it returns CODE_REF: the code record the constant names. */
    lastCodeRef = 0;
    // Section geometry, fixed at open, hoisted out of the per-entry paths.
    strtStart;
    strdStart;
    strdSize;
    cnstStart;
    cdatStart;
    cdatSize;
    codeStart;
    blobStart;
    blobSize;
    /** §15 resource sections (format 1.1), or undefined when the file has none. */
    res;
    constructor(mem, header) {
        this.mem = mem;
        this.header = header;
        const s = header.sections;
        const mk = (n) => new Section(mem, n, s[n].offset, s[n].size);
        this.sec = {
            MIDX: mk('MIDX'),
            MODS: mk('MODS'),
            CODE: mk('CODE'),
            STRT: mk('STRT'),
            CNST: mk('CNST'),
            STRD: mk('STRD'),
            CDAT: mk('CDAT'),
            BLOB: mk('BLOB'),
        };
        const minor = header.pythonMinor;
        this.layout = minor <= 9 ? '3.8' : minor === 10 ? '3.10' : '3.11';
        this.moduleCount = header.moduleCount;
        this.codeCount = header.codeCount;
        this.stringCount = header.stringCount;
        this.constCount = header.constCount;
        this.slotCount = header.slotCount;
        this.strCache = new PagedCache(this.stringCount);
        this.payloadCache = new PagedCache(this.stringCount);
        this.constCache = new PagedCache(this.constCount);
        this.codeCache = new PagedCache(this.codeCount);
        this.strtStart = s.STRT.offset;
        this.strdStart = s.STRD.offset;
        this.strdSize = s.STRD.size;
        this.cnstStart = s.CNST.offset;
        this.cdatStart = s.CDAT.offset;
        this.cdatSize = s.CDAT.size;
        this.codeStart = s.CODE.offset;
        this.blobStart = s.BLOB.offset;
        this.blobSize = s.BLOB.size;
        this.res = header.resources ? new Resources(mem, header) : undefined;
    }
    /** Drop every cache (close). */
    clearCaches() {
        this.strCache.clear();
        this.payloadCache.clear();
        this.constCache.clear();
        this.codeCache.clear();
        this.constHeight.clear();
        this.codeViews = undefined;
        this.kindsViews = undefined;
        this.emitState = undefined;
        this.res?.clear();
    }
    // --- §10 blobs -------------------------------------------------------------
    /** A zero-copy view of a BLOB range; `field` = absolute offset of the offset field (for errors). */
    blob(offset, length, field) {
        const a = this.blobAbs(offset, length, field);
        return this.mem.u8.subarray(a, a + length);
    }
    /** Absolute file offset of a checked BLOB range (no view allocated). */
    blobAbs(offset, length, field) {
        if (offset % BLOB_ALIGN !== 0)
            fail('MISALIGNED', `blob at BLOB+${offset} is not ${BLOB_ALIGN}-aligned`, field);
        if (offset + length > this.sec.BLOB.size) {
            fail('OUT_OF_BOUNDS', `blob [${offset}, ${offset + length}) is outside BLOB (size ${this.sec.BLOB.size})`, field);
        }
        return this.sec.BLOB.at(offset, length);
    }
    // --- §5 module records -----------------------------------------------------
    modRel(m, field) {
        return m * MODULE.size + MODULE.at[field];
    }
    modU32(m, field) {
        return this.sec.MODS.u32(m * MODULE.size + MODULE.at[field]);
    }
    modNameBytes(m) {
        const len = this.modU32(m, 'name_length');
        const off = this.modU32(m, 'name_offset');
        const field = this.sec.MODS.start + this.modRel(m, 'name_offset');
        if (len > LIMITS.MAX_NAME_BYTES) {
            fail('LIMIT_EXCEEDED', `module name of ${len} bytes, longer than MAX_NAME_BYTES (${LIMITS.MAX_NAME_BYTES})`, field, {
                limit: 'MAX_NAME_BYTES',
                value: len,
                max: LIMITS.MAX_NAME_BYTES,
            });
        }
        return this.blob(off, len, field);
    }
    // --- §6 code records -------------------------------------------------------
    checkCode(c, from) {
        if (!(c >= 0 && c < this.codeCount))
            fail('BAD_INDEX', `code record ${c} of ${this.codeCount}`, from);
    }
    codeU32(c, field) {
        return this.sec.CODE.u32(c * CODE.size + CODE.at[field]);
    }
    codeI32(c, field) {
        return this.sec.CODE.i32(c * CODE.size + CODE.at[field]);
    }
    codeField(c, field) {
        return this.sec.CODE.start + c * CODE.size + CODE.at[field];
    }
    /** A blob field pair of a code record (`x_offset`, `x_length`). */
    codeBlob(c, which) {
        const off = this.codeU32(c, `${which}_offset`);
        const len = this.codeU32(c, `${which}_length`);
        return this.blob(off, len, this.codeField(c, `${which}_offset`));
    }
    /** STRT index of entry `k` of code record c's string slice (§6.1), checked against STRT. */
    codeStrIndex(c, k) {
        const start = this.codeU32(c, 'str_start');
        const i = start + k;
        if (i >= this.stringCount)
            fail('BAD_INDEX', `string slice entry ${i} of ${this.stringCount}`, this.codeField(c, 'str_start'));
        return i;
    }
    /** Check the whole string slice of c lies in STRT (so list lengths can be trusted). */
    checkStrSlice(c) {
        const start = this.codeU32(c, 'str_start');
        const end = start + STRING_SLICE_FIXED + this.codeU32(c, 'n_names') + this.codeU32(c, 'n_locals') + this.codeU32(c, 'n_freevars') + this.codeU32(c, 'n_cellvars');
        if (end > this.stringCount)
            fail('BAD_INDEX', `string slice [${start}, ${end}) beyond STRT (${this.stringCount})`, this.codeField(c, 'str_start'));
    }
    checkConstSlice(c) {
        const start = this.codeU32(c, 'const_start');
        const end = start + this.codeU32(c, 'n_consts');
        if (end > this.constCount)
            fail('BAD_INDEX', `constant slice [${start}, ${end}) beyond CNST (${this.constCount})`, this.codeField(c, 'const_start'));
    }
    // --- §7 tables --------------------------------------------------------------
    /**
     * Follow STRT/CNST entry i (one hop at most). Returns the resolved entry index and
     * leaves the record offset in `lastOffset`.
     */
    resolve(table, count, i, from, align, data) {
        if (!(i >= 0 && i < count))
            fail('BAD_INDEX', `${table.name} index ${i} of ${count}`, from);
        // open checked the table holds exactly `count` entries: entry i is inside it.
        const m = this.mem;
        if (m.closed)
            fail('CLOSED', 'the bundle was closed');
        m.touched += TABLE_ENTRY_SIZE;
        let v = m.dv.getUint32(table.start + i * TABLE_ENTRY_SIZE, true);
        let r = i;
        if (v & REDIRECT) {
            const j = v >>> 1;
            const at = table.start + i * TABLE_ENTRY_SIZE;
            if (j >= i)
                fail('BAD_REDIRECT', `${table.name}[${i}] redirects to ${j}, not an earlier entry`, at);
            v = table.u32(j * TABLE_ENTRY_SIZE);
            if (v & REDIRECT)
                fail('BAD_REDIRECT', `${table.name}[${i}] redirects to ${j}, itself a redirect`, at);
            r = j;
        }
        if (v % align !== 0)
            fail('MISALIGNED', `${table.name}[${r}] offset ${v} is not ${align}-aligned`, table.start + r * TABLE_ENTRY_SIZE);
        if (v >= data.size)
            fail('OUT_OF_BOUNDS', `${table.name}[${r}] offset ${v} is outside ${data.name} (size ${data.size})`, table.start + r * TABLE_ENTRY_SIZE);
        this.lastOffset = v;
        return r;
    }
    resolveStr(i, from) {
        return this.resolve(this.sec.STRT, this.stringCount, i, from, STRING_RECORD_ALIGN, this.sec.STRD);
    }
    resolveConst(i, from) {
        return this.resolve(this.sec.CNST, this.constCount, i, from, CONST_RECORD_ALIGN, this.sec.CDAT);
    }
    // --- §8 strings -------------------------------------------------------------
    /** The bounds-checked data of the string record at STRD offset `off`. */
    strData(off) {
        const strd = this.sec.STRD;
        const flags = strd.u32(off + STRING_RECORD.at.flags);
        const length = strd.u32(off + STRING_RECORD.at.length);
        if ((flags & ~(STRING_FLAG.KIND_MASK | STRING_FLAG.INTERNED | STRING_FLAG.SURROGATES)) !== 0) {
            fail('MALFORMED', `string record flags 0x${flags.toString(16)}`, strd.start + off);
        }
        const kind = flags & STRING_FLAG.KIND_MASK;
        const abs = strd.at(off + STRING_RECORD.size, length * STRING_KIND_WIDTH[kind]);
        return {
            u8: this.mem.u8,
            dv: this.mem.dv,
            abs,
            kind,
            length,
            interned: (flags & STRING_FLAG.INTERNED) !== 0,
            surrogates: (flags & STRING_FLAG.SURROGATES) !== 0,
        };
    }
    /**
     * The PyStr of STRT entry i, one JS object per resolved entry. The common case
     * (open bundle, entry in range, a valid data entry or one good hop) is checked
     * inline; anything else goes through strSlow, which makes the same checks in
     * the order resolve() makes them and throws its errors.
     */
    str(i, from) {
        const m = this.mem;
        if (m.closed || !(i >= 0 && i < this.stringCount))
            return this.strSlow(i, from);
        const dv = m.dv;
        const base = this.strtStart;
        let v = dv.getUint32(base + i * TABLE_ENTRY_SIZE, true);
        let r = i;
        if (v & REDIRECT) {
            r = v >>> 1;
            if (r >= i)
                return this.strSlow(i, from);
        }
        // The cache holds only resolved data entries, checked when they were decoded: a
        // hit at r needs no second read of the (randomly placed) target entry.
        let s = this.strCache.get(r);
        if (s !== undefined) {
            m.touched += r === i ? TABLE_ENTRY_SIZE : 2 * TABLE_ENTRY_SIZE;
            return s;
        }
        if (r !== i) {
            v = dv.getUint32(base + r * TABLE_ENTRY_SIZE, true);
            if (v & REDIRECT)
                return this.strSlow(i, from);
            m.touched += 2 * TABLE_ENTRY_SIZE;
        }
        else {
            m.touched += TABLE_ENTRY_SIZE;
        }
        if ((v & (STRING_RECORD_ALIGN - 1)) !== 0 || v >= this.strdSize)
            return this.strSlow(i, from);
        this.lastOffset = v;
        s = this.decodeRecord(v);
        this.strCache.set(r, s);
        return s;
    }
    strSlow(i, from) {
        const r = this.resolveStr(i, from);
        let s = this.strCache.get(r);
        if (s === undefined) {
            s = this.decodeRecord(this.lastOffset);
            this.strCache.set(r, s);
        }
        return s;
    }
    /**
     * The PyStr of the string record at STRD offset `off`. ASCII and Latin-1 records
     * (nearly all of them) are decoded here with one bounds check for the record
     * head and one for the data; the rest go through strData/decodeStr.
     */
    decodeRecord(off) {
        const size = this.strdSize;
        const m = this.mem;
        if (!m.closed && off >= 0 && off + STRING_RECORD.size <= size) {
            const a = this.strdStart + off;
            const dv = m.dv;
            const flags = dv.getUint32(a + STRING_RECORD.at.flags, true);
            // ASCII or Latin-1, no surrogate flag, no unknown bits: nearly every record
            if ((flags & ~(STRING_KIND.LATIN1 | STRING_FLAG.INTERNED)) === 0) {
                const length = dv.getUint32(a + STRING_RECORD.at.length, true);
                if (off + STRING_RECORD.size + length <= size) {
                    m.touched += STRING_RECORD.size + length;
                    const text = (flags & STRING_FLAG.KIND_MASK) === STRING_KIND.ASCII ? ascii(m.u8, a + STRING_RECORD.size, length) : latin1(m.u8, a + STRING_RECORD.size, length);
                    return { kind: 'str', text, codePoints: undefined, interned: (flags & STRING_FLAG.INTERNED) !== 0 };
                }
            }
        }
        return this.decodeRecordSlow(off);
    }
    /**
     * What decodeRecord's fast path does not take: a closed bundle, a record head
     * or data outside STRD, or a kind other than plain ASCII/Latin-1. The head is
     * checked first, as the fast path reads it; strData/decodeStr make every other
     * check and throw their errors (a plain record only gets here when one fails).
     */
    decodeRecordSlow(off) {
        this.sec.STRD.at(off, STRING_RECORD.size);
        return decodeStr(this.strData(off));
    }
    /** Marshal payload of STRT entry i; `lastResolved` holds the resolved index afterwards. */
    payload(i, from) {
        const r = this.resolveStr(i, from);
        this.lastResolved = r;
        let p = this.payloadCache.get(r);
        if (p === undefined) {
            const d = this.strData(this.lastOffset);
            const bytes = strPayload(d);
            p =
                d.kind === 0
                    ? { src: this.mem.u8, start: d.abs, length: d.length, ascii: true, interned: d.interned }
                    : { src: bytes, start: 0, length: bytes.length, ascii: false, interned: d.interned };
            this.payloadCache.set(r, p);
        }
        return p;
    }
    lastResolved = 0;
    // --- §9 constants -----------------------------------------------------------
    /** Header u32 of the constant record at CDAT offset `off`: returns the tag, checks the reserved bits. */
    constTag(off) {
        const m = this.mem;
        if (!m.closed && off >= 0 && off + K_HEADER_SIZE <= this.cdatSize) {
            const hdr = m.dv.getUint32(this.cdatStart + off, true);
            if ((hdr & 0xffffff00) === 0) {
                m.touched += K_HEADER_SIZE;
                return hdr;
            }
        }
        return this.constTagSlow(off);
    }
    constTagSlow(off) {
        const cdat = this.sec.CDAT;
        const hdr = cdat.u32(off);
        const tag = hdr & 0xff;
        const flags = hdr & 0xff00;
        if (hdr >>> 16 !== 0)
            fail('MALFORMED', `constant header 0x${hdr.toString(16)}: bits 16-31 must be zero`, cdat.start + off);
        if (flags !== 0 && !(tag === CONST_TAG.BIGINT && flags === CONST_FLAG_NEGATIVE)) {
            fail('MALFORMED', `constant flags 0x${(flags >>> 8).toString(16)} on tag ${tagName(tag)}`, cdat.start + off);
        }
        return tag;
    }
    /**
     * The value of CNST entry i. `ctx.code` is the code record whose slice the entry
     * comes from (NONE inside containers); depth counts nesting for LIMITS.MAX_DEPTH.
     * Containers are cached per resolved entry, so a shared constant is one object.
     */
    constRaw(i, from, ctxCode, depth) {
        // Nested tuples recurse through here and container() only, up to MAX_DEPTH levels
        // on Node's default stack, cold (interpreted) too: both keep few locals, and the
        // rest (resolving, leaves) happens in calls that return before the recursion.
        if (depth > LIMITS.MAX_DEPTH)
            tooDeep(depth, from);
        const r = this.resolveConstFast(i, from, depth);
        if (r < 0)
            return this.lastConst; // a cache hit, its height checked
        const off = this.lastOffset;
        const tag = this.constTag(off);
        if (tag === CONST_TAG.CODE) {
            this.lastCodeRef = this.codeTarget(r, off, ctxCode);
            return CODE_REF;
        }
        if (tag === CONST_TAG.TUPLE || tag === CONST_TAG.FROZENSET || tag === CONST_TAG.SLICE)
            return this.container(r, off, tag, depth);
        const v = this.leaf(tag, off);
        this.constCache.set(r, v);
        this.lastHeight = 0;
        return v;
    }
    /**
     * resolveConst, with the common case (open, in range, a good entry or one good
     * hop) inline. A cached entry is returned at once: -1, the value in lastConst
     * and its height checked against MAX_DEPTH for `depth` (the cache holds only
     * resolved data entries, checked when they were built, so a hit needs no read
     * of the randomly placed redirect target).
     */
    resolveConstFast(i, from, depth) {
        const m = this.mem;
        if (m.closed || !(i >= 0 && i < this.constCount))
            return this.resolveConstCached(i, from, depth);
        const dv = m.dv;
        const base = this.cnstStart;
        let v = dv.getUint32(base + i * TABLE_ENTRY_SIZE, true);
        let r = i;
        let hops = 1;
        if (v & REDIRECT) {
            r = v >>> 1;
            if (r >= i)
                return this.resolveConstCached(i, from, depth);
            hops = 2;
        }
        const hit = this.constCache.get(r);
        if (hit !== undefined) {
            // At depth 0 a cached value cannot exceed MAX_DEPTH (it was built within the
            // limit at some depth >= 0) and no caller reads lastHeight: skip the lookup.
            if (depth !== 0)
                this.cachedHeight(r, hit, depth, from);
            m.touched += hops * TABLE_ENTRY_SIZE;
            this.lastConst = hit;
            return -1;
        }
        if (r !== i)
            v = dv.getUint32(base + r * TABLE_ENTRY_SIZE, true);
        // an odd v here is a redirect to a redirect: resolveConst reports it
        if ((v & (CONST_RECORD_ALIGN - 1)) !== 0 || v >= this.cdatSize)
            return this.resolveConstCached(i, from, depth);
        m.touched += hops * TABLE_ENTRY_SIZE;
        this.lastOffset = v;
        return r;
    }
    /** The original order: resolveConst (which throws what is wrong), then the cache. */
    resolveConstCached(i, from, depth) {
        const r = this.resolveConst(i, from);
        const cached = this.constCache.get(r);
        if (cached === undefined)
            return r;
        this.cachedHeight(r, cached, depth, from);
        this.lastConst = cached;
        return -1;
    }
    /** Height of cached CNST entry r into lastHeight, checked against MAX_DEPTH at `depth`. */
    cachedHeight(r, v, depth, from) {
        const k = v.kind;
        const h = k === 'tuple' || k === 'frozenset' || k === 'slice' ? (this.constHeight.get(r) ?? 0) : 0;
        if (depth + h > LIMITS.MAX_DEPTH)
            tooDeep(depth + h, from);
        this.lastHeight = h;
    }
    /** A constant that holds no other constant (tag already checked by constTag). */
    leaf(tag, off) {
        const cdat = this.sec.CDAT;
        switch (tag) {
            case CONST_TAG.NONE:
                return PY_NONE;
            case CONST_TAG.FALSE:
                return PY_FALSE;
            case CONST_TAG.TRUE:
                return PY_TRUE;
            case CONST_TAG.ELLIPSIS:
                return PY_ELLIPSIS;
            case CONST_TAG.STOP_ITERATION:
                return PY_STOP_ITERATION;
            case CONST_TAG.INT:
                return { kind: 'int', value: cdat.i64(off + K_INT_VALUE) };
            case CONST_TAG.BIGINT:
                return { kind: 'int', value: this.bigint(off) };
            case CONST_TAG.FLOAT:
                return { kind: 'float', bits: cdat.u64(off + K_FLOAT_BITS) };
            case CONST_TAG.COMPLEX:
                return { kind: 'complex', realBits: cdat.u64(off + K_COMPLEX_REAL_BITS), imagBits: cdat.u64(off + K_COMPLEX_IMAG_BITS) };
            case CONST_TAG.STR:
                return this.str(cdat.u32(off + K_STR_STRING), cdat.start + off + K_STR_STRING);
            case CONST_TAG.BYTES: {
                const len = cdat.u32(off + K_BYTES_LENGTH);
                return { kind: 'bytes', value: this.blob(cdat.u32(off + K_BYTES_BLOB_OFFSET), len, cdat.start + off + K_BYTES_BLOB_OFFSET) };
            }
            default:
                return fail('MALFORMED', `unknown constant tag 0x${tag.toString(16)}`, cdat.start + off);
        }
    }
    /** TUPLE, FROZENSET or SLICE record of CNST entry r: builds, caches and sets lastHeight. */
    container(r, off, tag, depth) {
        const cdat = this.sec.CDAT;
        let height = 0;
        let v;
        if (tag === CONST_TAG.SLICE) {
            if (this.header.marshalVersion < 5)
                fail('MALFORMED', 'slice constant in a bundle for marshal version < 5', cdat.start + off);
            const start = this.item(r, off + K_SLICE_START, depth);
            height = this.lastHeight;
            const stop = this.item(r, off + K_SLICE_STOP, depth);
            height = Math.max(height, this.lastHeight);
            const step = this.item(r, off + K_SLICE_STEP, depth);
            height = Math.max(height, this.lastHeight) + 1;
            v = { kind: 'slice', start, stop, step };
        }
        else {
            const n = cdat.u32(off + K_SEQUENCE_COUNT);
            // the whole item list must be inside CDAT before anything is allocated; then plain reads
            const first = cdat.at(off + K_SEQUENCE_SIZE, K_ITEM_SIZE * n);
            const items = new Array(n);
            for (let k = 0; k < n; k++) {
                // item() inline: one frame less per nesting level
                const at = first + K_ITEM_SIZE * k;
                const j = this.mem.dv.getUint32(at, true);
                if (j >= r)
                    fail('BAD_INDEX', `container CNST[${r}] refers to CNST[${j}], not an earlier entry`, at);
                const x = this.constRaw(j, at, NONE, depth + 1);
                if (x === CODE_REF)
                    fail('MALFORMED', `code constant CNST[${j}] inside a container`, at);
                items[k] = x;
                height = Math.max(height, this.lastHeight + 1);
            }
            v = tag === CONST_TAG.TUPLE ? { kind: 'tuple', items } : { kind: 'frozenset', items };
        }
        this.constCache.set(r, v);
        if (height > 0)
            this.constHeight.set(r, height);
        this.lastHeight = height;
        return v;
    }
    /** An element of a container constant at CDAT offset `at`: must name an entry before `r`, and not a code object. */
    item(r, at, depth) {
        const cdat = this.sec.CDAT;
        const j = cdat.u32(at);
        if (j >= r)
            fail('BAD_INDEX', `container CNST[${r}] refers to CNST[${j}], not an earlier entry`, cdat.start + at);
        const v = this.constRaw(j, cdat.start + at, NONE, depth + 1);
        if (v === CODE_REF)
            fail('MALFORMED', `code constant CNST[${j}] inside a container`, cdat.start + at);
        return v;
    }
    /** |value| words -> bigint, with the §9 rules: n >= 1, top word nonzero, outside int64. */
    bigint(off) {
        const cdat = this.sec.CDAT;
        const neg = (cdat.u32(off) & CONST_FLAG_NEGATIVE) !== 0;
        const n = cdat.u32(off + K_BIGINT_COUNT);
        if (n === 0)
            fail('MALFORMED', 'BIGINT with no words', cdat.start + off + K_BIGINT_COUNT);
        const digits = off + K_BIGINT_SIZE;
        cdat.at(digits, K_ITEM_SIZE * n);
        let v = 0n;
        for (let k = n - 1; k >= 0; k--)
            v = (v << 32n) | BigInt(cdat.u32(digits + K_ITEM_SIZE * k));
        const top = digits + K_ITEM_SIZE * (n - 1);
        if (cdat.u32(top) === 0)
            fail('MALFORMED', 'BIGINT with a zero top word', cdat.start + top);
        if (neg)
            v = -v;
        if (v >= -(1n << 63n) && v < 1n << 63n)
            fail('MALFORMED', 'BIGINT for a value in int64 range', cdat.start + off);
        return v;
    }
    /**
     * Target code record of a CODE constant (CNST entry r at CDAT offset off), checked:
     * only directly in code record ctx's own slice, and the target's parent is ctx.
     */
    codeTarget(r, off, ctx) {
        const m = this.mem;
        // ctx < codeCount also excludes NONE; the record lies in CODE (open checked its size)
        if (!m.closed && ctx < this.codeCount && off + K_CODE_SIZE <= this.cdatSize) {
            const dv = m.dv;
            const rec = this.codeStart + ctx * CODE.size;
            const start = dv.getUint32(rec + CODE.at.const_start, true);
            const t = dv.getUint32(this.cdatStart + off + K_CODE_CODE, true);
            if (r >= start && r < start + dv.getUint32(rec + CODE.at.n_consts, true) && t < this.codeCount && t > ctx) {
                if (dv.getUint32(this.codeStart + t * CODE.size + CODE.at.parent, true) === ctx) {
                    m.touched += 16;
                    return t;
                }
            }
        }
        return this.codeTargetSlow(r, off, ctx);
    }
    codeTargetSlow(r, off, ctx) {
        const cdat = this.sec.CDAT;
        const at = cdat.start + off;
        if (ctx === NONE)
            fail('MALFORMED', `code constant CNST[${r}] outside a code object's constant slice`, at);
        const start = this.codeU32(ctx, 'const_start');
        const n = this.codeU32(ctx, 'n_consts');
        if (r < start || r >= start + n)
            fail('MALFORMED', `code constant CNST[${r}] is not in the slice of code record ${ctx}`, at);
        const t = cdat.u32(off + K_CODE_CODE);
        this.checkCode(t, at + K_CODE_CODE);
        if (this.codeU32(t, 'parent') !== ctx || t <= ctx) {
            fail('MALFORMED', `code constant CNST[${r}] names code record ${t}, whose parent is not ${ctx}`, at + K_CODE_CODE);
        }
        return t;
    }
}
/** LIMIT_EXCEEDED for constants nested past LIMITS.MAX_DEPTH, naming the limit (SPEC §11.4). */
function tooDeep(depth, at) {
    fail('LIMIT_EXCEEDED', `constants nested deeper than MAX_DEPTH (${LIMITS.MAX_DEPTH})`, at, { limit: 'MAX_DEPTH', value: depth, max: LIMITS.MAX_DEPTH });
}
export function tagName(tag) {
    return TAG_NAMES.get(tag) ?? `0x${tag.toString(16)}`;
}
//# sourceMappingURL=core.js.map