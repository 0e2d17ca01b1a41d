import type { Core } from './core.js';
/** UTF-8 bytes of a module name (ASCII without TextEncoder). */
export declare function nameBytes(name: string): Uint8Array;
/** Module record index of `name`, or -1. Linear probing from hash & (slots - 1). */
export declare function lookup(core: Core, name: string): number;
/** Module record indexes whose name starts with `prefix` bytes: [lo, hi). */
export declare function prefixRange(core: Core, prefix: Uint8Array): [number, number];
//# sourceMappingURL=module-index.d.ts.map