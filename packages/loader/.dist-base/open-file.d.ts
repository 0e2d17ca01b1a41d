import { type Bundle, type OpenOptions } from './bundle.js';
import { BundleLayers } from './layers.js';
/**
 * Map a .pyb file read-only and check its header and section table. Reopening a
 * file that has not changed (same device, inode, size and times) reuses its live
 * mapping (see mapping-cache.ts); a file replaced by rename is mapped anew.
 */
export declare function openBundle(path: string, options?: OpenOptions): Bundle;
/**
 * Open a bundle with the base it was built on (§16), both mapped: `base`
 * defaults to the name the app records, next to the app's file. A bundle that
 * is not layered comes back as a single layer. BASE_MISMATCH when the base is
 * not the one the app was built on.
 */
export declare function openLayered(path: string, options?: OpenOptions & {
    base?: string;
}): BundleLayers;
//# sourceMappingURL=open-file.d.ts.map