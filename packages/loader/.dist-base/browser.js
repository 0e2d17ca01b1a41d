/**
 * @pybundle/loader, browser entry: the whole reader over bytes in memory
 * (openBundleFromBuffer, e.g. on the ArrayBuffer of a fetch()), without
 * openBundle, which maps files. Nothing reachable from here imports a Node
 * built-in (test/loader/browser-entry.test.ts walks the import graph).
 */
export { openBundleFromBuffer } from './bundle.js';
export { Bundle } from './bundle.js';
export { BundleLayers, checkBase, layerBundles } from './layers.js';
export { CodeView, ModuleView } from './views.js';
export { decodeWire, encodeWire, isWire, readWireHeader } from './wire.js';
//# sourceMappingURL=browser.js.map