import { FILE_ENTRY, OWNER, type BuildInfo, type ResourceSectionName } from '@pybundle/format-spec';
import type { Header } from './header.js';
import { Section, type Mem } from './mem.js';
export type OwnerKind = 'PKGS' | 'DIST';
/** UTF-8 of a caller's key, or undefined when it cannot name anything (lone surrogates). */
export declare function keyBytes(s: string): Uint8Array | undefined;
export declare class Resources {
    readonly mem: Mem;
    readonly sec: Readonly<Record<ResourceSectionName, Section>>;
    readonly packageCount: number;
    readonly distCount: number;
    readonly fileCount: number;
    private info;
    constructor(mem: Mem, header: Header);
    clear(): void;
    /** Bytes of a name or path in RSTR; `field` is the absolute offset of the offset field (for errors). */
    str(offset: number, length: number, field: number): Uint8Array;
    /** A path (or, `single`, a distribution name) decoded and checked against §15.1. */
    path(bytes: Uint8Array, field: number, single?: boolean): string;
    ownerCount(kind: OwnerKind): number;
    ownerField(kind: OwnerKind, i: number, field: keyof typeof OWNER.at): number;
    ownerU32(kind: OwnerKind, i: number, field: keyof typeof OWNER.at): number;
    ownerNameBytes(kind: OwnerKind, i: number): Uint8Array;
    /** The owner's FILE range [first, first + count), checked against FILE. */
    ownerFiles(kind: OwnerKind, i: number): [number, number];
    /** Owner record index by name (binary search over the sorted records), or -1. */
    findOwner(kind: OwnerKind, name: Uint8Array): number;
    fileField(k: number, field: keyof typeof FILE_ENTRY.at): number;
    filePathBytes(k: number): Uint8Array;
    filePath(k: number): string;
    fileData(k: number): Uint8Array;
    /** FILE index of `path` among [lo, hi) (sorted by path bytes), or -1. */
    findFile(lo: number, hi: number, path: Uint8Array): number;
    /** A zero-copy view of DATA [offset, offset + size), checked (§15.6). */
    payload(offset64: bigint, size64: bigint, field: number): Uint8Array;
    /** Module m's stored source, or null (SRCS empty or the record not PRESENT). */
    source(m: number): Uint8Array | null;
    /** The parsed INFO JSON (cached), or null when INFO is empty. */
    buildInfo(): BuildInfo | null;
    /** Distribution flags, checked (for readers and verify). */
    distFlags(i: number): number;
}
//# sourceMappingURL=resources.d.ts.map