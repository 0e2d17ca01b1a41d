import { type BuildInfo, type ResourceSectionName, type SectionName } from '@pybundle/format-spec';
import { type BundleAccounting } from './accounting.js';
import { Core } from './core.js';
import { type BaseRef } from './header.js';
import { Mem } from './mem.js';
import { type VerifyOptions, type VerifyReport } from './verify.js';
import { ModuleView } from './views.js';
export interface OpenOptions {
    /** Run verify() right after open and throw the first problem as a PyBundleError. Default false. */
    verify?: boolean;
}
export interface SectionStats {
    /** The section id's four characters (a section this reader does not know keeps its id's text). */
    name: SectionName | ResourceSectionName | string;
    offset: number;
    size: number;
    checksum: bigint;
}
export interface BundleStats {
    fileSize: number;
    headerSize: number;
    sections: SectionStats[];
    counts: {
        modules: number;
        codes: number;
        strings: number;
        consts: number;
        midxSlots: number;
    };
    /** Table entries that are one-hop redirects (scans STRT and CNST). */
    redirects: {
        strings: number;
        consts: number;
    };
    /** Module kinds (scans MODS). */
    modules: {
        packages: number;
        namespaces: number;
        sourceless: number;
    };
}
export declare class Bundle {
    /** @internal */
    readonly core: Core;
    private readonly header;
    private readonly modViews;
    /** The file the bundle was mapped from (undefined for openBundleFromBuffer). */
    readonly file: string | undefined;
    /** @internal */
    constructor(mem: Mem, file: string | undefined);
    /** Format version, "major.minor". */
    get formatVersion(): string;
    /** The header checksum (§2): the bundle's identity, what a layered bundle built on this one records (§16). */
    get headerChecksum(): bigint;
    /** A layered bundle's base (§16, format 1.2): its checksum, size, magic and where to look for it; null for any other bundle. */
    get base(): BaseRef | null;
    /** "3.11" */
    get pythonVersion(): string;
    /** The pyc magic number (e.g. 3495). */
    get magic(): number;
    get marshalVersion(): number;
    get optimize(): number;
    get moduleCount(): number;
    get codeCount(): number;
    get layout(): Core['layout'];
    get closed(): boolean;
    /** The whole mapping (zero-copy views handed out by CodeView share its ArrayBuffer). */
    get bytes(): Uint8Array;
    /** Diagnostic counter: bytes read through the loader's reader since open (or the last reset). */
    get bytesTouched(): number;
    resetBytesTouched(): void;
    private view;
    /** Module names in MODS order (sorted by UTF-8 bytes). */
    moduleNames(): IterableIterator<string>;
    /** Module views in MODS order. */
    modules(): IterableIterator<ModuleView>;
    /** O(1) lookup through MIDX; undefined when absent. */
    getModule(name: string): ModuleView | undefined;
    has(name: string): boolean;
    /**
     * Modules under package `pkg` (names starting with "pkg."), in sorted order:
     * every descendant, or only direct children with {direct: true}. O(log n + k).
     */
    submodules(pkg: string, options?: {
        direct?: boolean;
    }): ModuleView[];
    /** Checksums and a full structural walk. Never throws on bad bytes. */
    verify(options?: VerifyOptions): VerifyReport;
    /**
     * The module's .pyc: 16-byte header (this bundle's magic, flags 0, source mtime
     * in seconds and size, both masked to 32 bits) then the marshalled code object.
     */
    toPyc(name: string): Uint8Array;
    /** Section sizes and table counts, plus redirect and module-kind counts (these scan). */
    /** Where the bytes go: per module (MODS order), what is shared, what sharing saves (accounting.ts). Scans the tables. */
    accounting(): BundleAccounting;
    /** accounting().sharing.savedVsNone alone: what all sharing saves against storing every entry (one scan of STRT and CNST). */
    savedBySharing(): number;
    stats(): BundleStats;
    /** The file has the resource sections (data, distributions, sources, build info); false for every 1.0 file. */
    hasData(): boolean;
    /** FILE range of an owner by name, or undefined. O(log n). */
    private ownerRange;
    /** Dotted names of the packages that have data files, sorted by UTF-8 bytes (reads every PKGS record). */
    dataPackages(): string[];
    /** Sorted relative paths of package `pkg`'s data files ([] if none). O(log n + k). */
    dataFiles(pkg: string): string[];
    /** One data file of package `pkg` as a zero-copy view into the mapping, or null. O(log n). */
    getData(pkg: string, path: string): Uint8Array | null;
    /** Sorted relative folder paths implied by `pkg`'s data file paths ("templates", "templates/mail"). */
    dataDirectories(pkg: string): string[];
    /** The distributions, sorted by name ("Jinja2-3.1.2.dist-info"); isFile for a single-file "foo.egg-info". */
    distributions(): {
        name: string;
        isFile: boolean;
    }[];
    /** Sorted paths of a distribution's files ([] if no such distribution). */
    distributionFiles(name: string): string[];
    /** One file of a distribution as a zero-copy view, or null. O(log n). */
    getDistributionFile(name: string, path: string): Uint8Array | null;
    private ownerFile;
    /** The module's .py bytes stored with sources = true (a zero-copy view), or null. O(1). */
    getSource(module: string): Uint8Array | null;
    /** Build provenance (why each module is in, what data was skipped), parsed once; null when absent. */
    buildInfo(): BuildInfo | null;
    /**
     * Drop the mapping. Any later use of the bundle or of its views throws CLOSED.
     * (mmap-io unmaps when the mapping's Buffer is collected; zero-copy views a
     * caller still holds, and other bundles opened on the same unchanged file, which
     * share the mapping, keep it alive until then.)
     */
    close(): void;
}
/** @internal */
export declare function opened(mem: Mem, file: string | undefined, options: OpenOptions): Bundle;
/** Open a bundle held in memory (hosts without files). The bytes are not copied: do not mutate them. */
export declare function openBundleFromBuffer(bytes: Uint8Array, options?: OpenOptions): Bundle;
/** @internal */
export declare function badArgument(message: string): never;
/** @internal */
export declare function stringArgument(v: unknown, fn: string, what: string): asserts v is string;
/** @internal */
export declare function optionsArgument(v: unknown, fn: string): void;
//# sourceMappingURL=bundle.d.ts.map