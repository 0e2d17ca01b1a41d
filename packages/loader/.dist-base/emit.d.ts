import type { Core } from './core.js';
/** Marshal bytes of code record `ci` after `prefix` bytes reserved at the front (for a pyc header). */
export declare function emitCode(core: Core, ci: number, prefix?: number): Uint8Array;
//# sourceMappingURL=emit.d.ts.map