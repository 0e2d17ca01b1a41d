export declare class Mem {
    u8: Uint8Array;
    dv: DataView;
    closed: boolean;
    /** Bytes read (or handed out as views) through this reader since open or the last reset. */
    touched: number;
    constructor(bytes: Uint8Array);
    get size(): number;
    alive(): void;
    close(): void;
}
/** A bounds-checked window [start, start + size) of the file: one section, or the header. */
export declare class Section {
    readonly mem: Mem;
    readonly name: string;
    /** Absolute offset of the first byte. */
    readonly start: number;
    readonly size: number;
    constructor(mem: Mem, name: string, 
    /** Absolute offset of the first byte. */
    start: number, size: number);
    /** Absolute offset of [rel, rel + len) after checking it lies inside the section. */
    at(rel: number, len: number): number;
    u8(rel: number): number;
    u16(rel: number): number;
    u32(rel: number): number;
    i32(rel: number): number;
    u64(rel: number): bigint;
    i64(rel: number): bigint;
    /** A zero-copy view (same ArrayBuffer as the mapping). */
    bytes(rel: number, len: number): Uint8Array;
}
//# sourceMappingURL=mem.d.ts.map