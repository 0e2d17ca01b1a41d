/** One range of the bundle and how it is stored on the wire (§18). */
export interface WireRange {
    readonly offset: number;
    readonly size: number;
    readonly transform: number;
    readonly param: number;
    readonly count: number;
}
/** True when `bytes` start with WIRE_MAGIC (a wire file, §18), not a bundle's FILE_MAGIC. */
export declare function isWire(bytes: Uint8Array): boolean;
/**
 * The wire form of `bundle` (§18). The bundle's header and section table are
 * checked (as openBundleFromBuffer does), not its sections: the wire form holds
 * whatever bytes the bundle has, and decodeWire gives them back exactly.
 */
export declare function encodeWire(bundle: Uint8Array): Uint8Array;
/** The bundle of a wire file, exactly as it was encoded (its checksums verify), or a PyBundleError with the byte offset at fault. */
export declare function decodeWire(wire: Uint8Array): Uint8Array;
export interface WireInfo {
    readonly wireMajor: number;
    readonly wireMinor: number;
    readonly headerSize: number;
    readonly bundleSize: number;
    /** The bundle's header_checksum (§2), as in the wire header. */
    readonly bundleHeaderChecksum: bigint;
    readonly bundleChecksum: bigint;
    readonly ranges: readonly WireRange[];
}
/** The wire header (§18), checked (magic, versions, sizes, its checksum, every range), without decoding the payload. */
export declare function readWireHeader(wire: Uint8Array): WireInfo;
//# sourceMappingURL=wire.d.ts.map