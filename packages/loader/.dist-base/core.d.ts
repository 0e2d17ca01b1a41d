/**
 * The resolving core shared by Bundle, ModuleView, CodeView, the emitter and the
 * verifier: table entries (§7) with their one-hop redirects, string records (§8),
 * constant records (§9), code and module records (§5, §6). Every index is checked
 * against its table and every offset against its section; nothing is sized by a
 * count the file could not hold.
 */
import { type CodeLayout, type PyCode, type PyStr, type PyValue } from '@pybundle/cpython';
import { CODE, MODULE, type SectionName } from '@pybundle/format-spec';
import type { Header } from './header.js';
import { Section, type Mem } from './mem.js';
import { PagedCache } from './paged.js';
import { Resources } from './resources.js';
import { type StrData } from './strings.js';
/** Encoded marshal payload of one string, cached per resolved STRT index. */
export interface StrPayload {
    /** The payload is src[start, start + length): the mapping itself for ASCII, an encoded copy otherwise. */
    readonly src: Uint8Array;
    readonly start: number;
    readonly length: number;
    readonly ascii: boolean;
    readonly interned: boolean;
}
/**
 * A CODE constant as constRaw returns it: one shared marker, with the target code
 * record in Core.lastCodeRef (an object per constant would be garbage at once).
 */
export declare const CODE_REF: {
    readonly kind: 'codeRef';
};
/** What a constant resolves to before it becomes a public value. */
export type RawConst = PyValue | typeof CODE_REF;
export declare class Core {
    readonly mem: Mem;
    readonly header: Header;
    readonly sec: Readonly<Record<SectionName, Section>>;
    readonly layout: CodeLayout;
    readonly moduleCount: number;
    readonly codeCount: number;
    readonly stringCount: number;
    readonly constCount: number;
    readonly slotCount: number;
    /**
     * Per resolved STRT index: decoded PyStr and marshal payload. Paged (256-slot
     * pages created on first touch, paged.ts), so neither open nor a small working set pays for
     * the size of the string table.
     */
    readonly strCache: PagedCache<PyStr>;
    readonly payloadCache: PagedCache<StrPayload>;
    /** What the marshal emitter keeps per bundle between emissions (emit.ts: ref tables, string cache, output buffer). */
    emitState: object | undefined;
    /** Per code record: its materialized PyCode (materialize.ts). */
    readonly codeCache: PagedCache<PyCode>;
    /** Per resolved CNST index: the value (paged like the string caches). */
    readonly constCache: PagedCache<PyValue>;
    /** Nesting height of cached containers (absent = 0), so a cached value still counts against MAX_DEPTH. */
    readonly constHeight: Map<number, number>;
    /** Materialized co_localspluskinds views by BLOB offset (materialize.ts). */
    kindsViews: Map<number, Uint8Array> | undefined;
    /** CodeViews by code record (views.ts), so each record has one. */
    codeViews: PagedCache<object> | undefined;
    /** Set by constRaw at depth > 0 (container items): the nesting height of the value it returned. */
    lastHeight: number;
    /** Set by resolveStr/resolveConst: the data-section offset of the resolved record. */
    lastOffset: number;
    /** Set by resolveConstFast on a cache hit. */
    private lastConst;
    /** Set by constRaw when it returns CODE_REF: the code record the constant names. */
    lastCodeRef: number;
    readonly strtStart: number;
    readonly strdStart: number;
    readonly strdSize: number;
    readonly cnstStart: number;
    readonly cdatStart: number;
    readonly cdatSize: number;
    readonly codeStart: number;
    readonly blobStart: number;
    readonly blobSize: number;
    /** §15 resource sections (format 1.1), or undefined when the file has none. */
    readonly res: Resources | undefined;
    constructor(mem: Mem, header: Header);
    /** Drop every cache (close). */
    clearCaches(): void;
    /** A zero-copy view of a BLOB range; `field` = absolute offset of the offset field (for errors). */
    blob(offset: number, length: number, field: number): Uint8Array;
    /** Absolute file offset of a checked BLOB range (no view allocated). */
    blobAbs(offset: number, length: number, field: number): number;
    modRel(m: number, field: keyof typeof MODULE.at): number;
    modU32(m: number, field: keyof typeof MODULE.at): number;
    modNameBytes(m: number): Uint8Array;
    checkCode(c: number, from: number): void;
    codeU32(c: number, field: keyof typeof CODE.at): number;
    codeI32(c: number, field: keyof typeof CODE.at): number;
    codeField(c: number, field: keyof typeof CODE.at): number;
    /** A blob field pair of a code record (`x_offset`, `x_length`). */
    codeBlob(c: number, which: 'code' | 'linetable' | 'exceptiontable' | 'kinds'): Uint8Array;
    /** STRT index of entry `k` of code record c's string slice (§6.1), checked against STRT. */
    codeStrIndex(c: number, k: number): number;
    /** Check the whole string slice of c lies in STRT (so list lengths can be trusted). */
    checkStrSlice(c: number): void;
    checkConstSlice(c: number): void;
    /**
     * Follow STRT/CNST entry i (one hop at most). Returns the resolved entry index and
     * leaves the record offset in `lastOffset`.
     */
    private resolve;
    resolveStr(i: number, from: number): number;
    resolveConst(i: number, from: number): number;
    /** The bounds-checked data of the string record at STRD offset `off`. */
    strData(off: number): StrData;
    /**
     * The PyStr of STRT entry i, one JS object per resolved entry. The common case
     * (open bundle, entry in range, a valid data entry or one good hop) is checked
     * inline; anything else goes through strSlow, which makes the same checks in
     * the order resolve() makes them and throws its errors.
     */
    str(i: number, from: number): PyStr;
    private strSlow;
    /**
     * The PyStr of the string record at STRD offset `off`. ASCII and Latin-1 records
     * (nearly all of them) are decoded here with one bounds check for the record
     * head and one for the data; the rest go through strData/decodeStr.
     */
    decodeRecord(off: number): PyStr;
    /**
     * What decodeRecord's fast path does not take: a closed bundle, a record head
     * or data outside STRD, or a kind other than plain ASCII/Latin-1. The head is
     * checked first, as the fast path reads it; strData/decodeStr make every other
     * check and throw their errors (a plain record only gets here when one fails).
     */
    private decodeRecordSlow;
    /** Marshal payload of STRT entry i; `lastResolved` holds the resolved index afterwards. */
    payload(i: number, from: number): StrPayload;
    lastResolved: number;
    /** Header u32 of the constant record at CDAT offset `off`: returns the tag, checks the reserved bits. */
    constTag(off: number): number;
    private constTagSlow;
    /**
     * The value of CNST entry i. `ctx.code` is the code record whose slice the entry
     * comes from (NONE inside containers); depth counts nesting for LIMITS.MAX_DEPTH.
     * Containers are cached per resolved entry, so a shared constant is one object.
     */
    constRaw(i: number, from: number, ctxCode: number, depth: number): RawConst;
    /**
     * resolveConst, with the common case (open, in range, a good entry or one good
     * hop) inline. A cached entry is returned at once: -1, the value in lastConst
     * and its height checked against MAX_DEPTH for `depth` (the cache holds only
     * resolved data entries, checked when they were built, so a hit needs no read
     * of the randomly placed redirect target).
     */
    private resolveConstFast;
    /** The original order: resolveConst (which throws what is wrong), then the cache. */
    private resolveConstCached;
    /** Height of cached CNST entry r into lastHeight, checked against MAX_DEPTH at `depth`. */
    private cachedHeight;
    /** A constant that holds no other constant (tag already checked by constTag). */
    private leaf;
    /** TUPLE, FROZENSET or SLICE record of CNST entry r: builds, caches and sets lastHeight. */
    private container;
    /** An element of a container constant at CDAT offset `at`: must name an entry before `r`, and not a code object. */
    private item;
    /** |value| words -> bigint, with the §9 rules: n >= 1, top word nonzero, outside int64. */
    bigint(off: number): bigint;
    /**
     * Target code record of a CODE constant (CNST entry r at CDAT offset off), checked:
     * only directly in code record ctx's own slice, and the target's parent is ctx.
     */
    codeTarget(r: number, off: number, ctx: number): number;
    private codeTargetSlow;
}
export declare function tagName(tag: number): string;
//# sourceMappingURL=core.d.ts.map