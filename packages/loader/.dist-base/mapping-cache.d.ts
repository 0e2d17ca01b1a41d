/** The mapping of `path`: a live cached one when the file is unchanged, else a new one (cached). */
export declare function mapFileCached(path: string): Uint8Array;
//# sourceMappingURL=mapping-cache.d.ts.map