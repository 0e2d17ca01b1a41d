/**
 * openBundle: a .pyb file mapped read-only (Node only: mmap through
 * @pybundle/mmap-io). Kept apart from bundle.ts so the browser entry
 * (browser.ts) reaches no Node built-in.
 */
import { PyBundleError } from '@pybundle/errors';
import { badArgument, opened, optionsArgument, stringArgument } from './bundle.js';
import { mapFileCached } from './mapping-cache.js';
import { dirname, join } from 'node:path';
import { BundleLayers, layerBundles } from './layers.js';
import { Mem } from './mem.js';
/**
 * Map a .pyb file read-only and check its header and section table. Reopening a
 * file that has not changed (same device, inode, size and times) reuses its live
 * mapping (see mapping-cache.ts); a file replaced by rename is mapped anew.
 */
export function openBundle(path, options = {}) {
    stringArgument(path, 'openBundle', 'path');
    if (path.length === 0)
        badArgument('openBundle(): path is empty; give the path of a .pyb file');
    if (path.includes('\0'))
        badArgument('openBundle(): path holds a NUL character; give the path of a .pyb file');
    optionsArgument(options, 'openBundle');
    const bytes = mapFileCached(path);
    try {
        return opened(new Mem(bytes), path, options);
    }
    catch (e) {
        if (e instanceof PyBundleError && e.file === undefined) {
            throw new PyBundleError(e.code, e.message, { offset: e.offset, file: path, details: e.details, cause: e.cause });
        }
        throw e;
    }
}
/**
 * Open a bundle with the base it was built on (§16), both mapped: `base`
 * defaults to the name the app records, next to the app's file. A bundle that
 * is not layered comes back as a single layer. BASE_MISMATCH when the base is
 * not the one the app was built on.
 */
export function openLayered(path, options = {}) {
    const { base: basePath, ...open } = options;
    const app = openBundle(path, open);
    const ref = app.base;
    if (ref === null) {
        if (basePath !== undefined) {
            app.close();
            throw new PyBundleError('BASE_MISMATCH', `${path} is not a layered bundle (it was built without [bundle] base): open it without a base`, { file: path });
        }
        return new BundleLayers([app]);
    }
    const file = basePath ?? join(dirname(path), ref.name);
    try {
        return layerBundles(app, openBundle(file, open));
    }
    catch (e) {
        app.close();
        throw e;
    }
}
//# sourceMappingURL=open-file.js.map