import type { BuildInfo } from '@pybundle/format-spec';
import type { Bundle } from './bundle.js';
import type { ModuleView } from './views.js';
/**
 * Check that `base` is the bundle `app` was built on (§16: same header
 * checksum, size and pyc magic); throws BASE_MISMATCH otherwise, or when `app`
 * is not a layered bundle. `names` label the two in messages when they have no file.
 */
export declare function checkBase(app: Bundle, base: Bundle, names?: {
    app?: string;
    base?: string;
}): void;
/**
 * An app bundle and its base, answering as one bundle: every lookup tries the
 * app, then the base (§16). Built with layerBundles() (or openLayered under Node).
 */
export declare class BundleLayers {
    /** App first. */
    readonly layers: readonly Bundle[];
    /** @internal */
    constructor(layers: readonly Bundle[]);
    get app(): Bundle;
    get magic(): number;
    get pythonVersion(): string;
    get moduleCount(): number;
    /** The first layer holding `name`. */
    private find;
    /** The bundle that serves module `name`, or undefined. */
    layerOf(name: string): Bundle | undefined;
    getModule(name: string): ModuleView | undefined;
    has(name: string): boolean;
    toPyc(name: string): Uint8Array;
    /** Every module name once, the app's first (each layer in its own sorted order). */
    moduleNames(): IterableIterator<string>;
    modules(): IterableIterator<ModuleView>;
    hasData(): boolean;
    /** The data files of `pkg` from the layer that holds the package. */
    dataFiles(pkg: string): string[];
    getData(pkg: string, path: string): Uint8Array | null;
    dataDirectories(pkg: string): string[];
    distributions(): {
        name: string;
        isFile: boolean;
    }[];
    private distLayer;
    distributionFiles(name: string): string[];
    getDistributionFile(name: string, path: string): Uint8Array | null;
    getSource(module: string): Uint8Array | null;
    /** The app's build provenance. */
    buildInfo(): BuildInfo | null;
    close(): void;
}
/** `app` read over `base` after checkBase (BASE_MISMATCH when they do not belong together). */
export declare function layerBundles(app: Bundle, base: Bundle, names?: {
    app?: string;
    base?: string;
}): BundleLayers;
//# sourceMappingURL=layers.d.ts.map