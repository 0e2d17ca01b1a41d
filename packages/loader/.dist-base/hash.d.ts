export declare function xxh64(bytes: Uint8Array): bigint;
/** xxh64 (seed 0) fed in pieces: the hasher's memory stays the size of a piece, not of the input. */
export declare function xxh64Stream(): {
    update(bytes: Uint8Array): unknown;
    digest(): bigint;
};
//# sourceMappingURL=hash.d.ts.map