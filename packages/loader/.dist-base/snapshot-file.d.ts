import { PyBundleError } from '@pybundle/errors';
export declare const SNAPSHOT_MAGIC = "PYBSNAP\0";
export declare const SNAPSHOT_FORMAT: {
    readonly major: 1;
    readonly minor: 0;
};
export declare const SNAPSHOT_HEADER_SIZE = 64;
/** The file name a bundle's snapshot has: the bundle's own name with this appended. */
export declare const SNAPSHOT_SUFFIX = ".snapshot";
/** What a snapshot file says about itself (the JSON part). */
export interface SnapshotInfo {
    /** The npm version of the Pyodide that made it ("314.0.7"). */
    pyodideVersion: string;
    /** Pyodide's BUILD_ID (its own hash of pyodide.asm.mjs + pyodide.asm.wasm), which restoreSnapshot checks too. */
    pyodideBuildId: string;
    /** sha256 (hex) of the pyodide.asm.wasm it was made with. */
    wasmSha256: string;
    /** The bundle it was made from: its size and header checksum (xxh64, hex), which covers every section's checksum. */
    bundle: {
        size: number;
        headerChecksum: string;
    };
    /** Modules imported before the snapshot was taken, in that order (what sys.modules holds beyond a bare start). */
    imports: string[];
    /** Names asked for that did not import, with the exception. */
    failed: {
        name: string;
        error: string;
    }[];
    /** sys.modules after the imports, sorted. */
    modules: string[];
    /**
     * The bundled top-level package folders a restore mounts (`top\tfolder`: those outside the stdlib zip
     * that show a file, as a normal start finds them), worked out when the snapshot was made: the bundle
     * and options are the same at every restore. Absent in files made before it was recorded.
     */
    packageMounts?: string[];
    /** The loadPyodideWithBundle options it was made with; a restore with others starts normally. */
    options: {
        mountPoint: string;
        stdlibRoot: string;
        root: string;
        roots: Record<string, string>;
    };
}
export interface SnapshotFile {
    formatVersion: string;
    info: SnapshotInfo;
    /** Pyodide's snapshot bytes (a view into the file's bytes). */
    snapshot: Uint8Array;
    snapshotChecksum: bigint;
    /** Where the snapshot's bytes start in the file. */
    snapshotOffset: number;
}
/** The whole file for `snapshot` made under `info`. */
export declare function encodeSnapshotFile(info: SnapshotInfo, snapshot: Uint8Array): Uint8Array;
/**
 * Read and check a snapshot file: header, sizes, all three checksums. Every problem
 * is a PyBundleError with the byte offset of the field that is wrong.
 */
export declare function readSnapshotFile(bytes: Uint8Array): SnapshotFile;
/**
 * As readSnapshotFile but without hashing the snapshot's own bytes (the 30 MiB
 * part): check them with checkSnapshotLater before anything uses them.
 */
export declare function readSnapshotHead(bytes: Uint8Array): SnapshotFile;
/**
 * Hash the snapshot's own bytes of a file read with readSnapshotHead, a piece at a
 * time with the event loop run between pieces (so the hashing fills time the
 * caller spends waiting, e.g. on Pyodide's WebAssembly compiling). Resolves to the
 * CHECKSUM_MISMATCH error readSnapshotFile would throw, or undefined when the
 * bytes are intact.
 */
export declare function checkSnapshotLater(file: SnapshotFile): Promise<PyBundleError | undefined>;
/**
 * A snapshot file mapped copy-on-write (Node; mmap through @pybundle/mmap-io):
 * its pages are read from the page cache when touched, not copied into a buffer
 * first, and a write (the Pyodide loader spoils a snapshot that failed its check
 * so Pyodide refuses it) changes only this process's page. Falls back to reading
 * the file where the addon is missing (NO_MMAP).
 */
export declare function mapSnapshotFile(path: string): Uint8Array;
/** xxh64 of a bundle's header as stored in it (what SnapshotInfo.bundle.headerChecksum records), hex. */
export declare function bundleHeaderChecksum(bundleBytes: Uint8Array): string;
/** Whether a snapshot was made from this bundle: its description records the bundle's size and header checksum (§17). */
export declare function snapshotMatchesBundle(info: SnapshotInfo, bundle: {
    readonly bytes: Uint8Array;
}): boolean;
//# sourceMappingURL=snapshot-file.d.ts.map