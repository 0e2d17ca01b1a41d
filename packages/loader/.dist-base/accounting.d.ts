import type { Core } from './core.js';
/** The bytes of the file that belong to one module (MODS order). */
export interface ModuleBytes {
    /** Code objects (the module body and every nested function, class, comprehension). */
    codeObjects: number;
    /** co_code bytes of all of them. */
    bytecodeBytes: number;
    /** Its records, table entries and blobs, and the strings and constants it stores first. */
    bytes: number;
    /** String table entries of its code objects that store a record / that redirect to an earlier one. */
    stringsOwned: number;
    stringsShared: number;
    /** The same for constant table entries. */
    constsOwned: number;
    constsShared: number;
}
export interface BundleAccounting {
    modules: ModuleBytes[];
    /** Bytes of STRT+STRD, CNST+CDAT and BLOB that modules[] holds: the rest is shared data no module stores first. */
    attributed: {
        strings: number;
        consts: number;
        blobs: number;
    };
    sharing: {
        /** All sharing, against storing every entry (each redirect would store its own copy of its target's record). */
        savedVsNone: number;
        /** Cross-module sharing, against one .pyc per module (what each module reaches, counted per module, minus what the file stores). */
        savedVsPerModule: number;
    };
}
export declare function accountBundle(core: Core): BundleAccounting;
/** sharing.savedVsNone alone (a scan of the two tables). */
export declare function savedBySharing(core: Core): number;
//# sourceMappingURL=accounting.d.ts.map