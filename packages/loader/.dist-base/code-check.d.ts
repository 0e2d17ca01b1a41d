import type { Core } from './core.js';
/** Throws MALFORMED (at the offending field) if CPython would reject code record ci. */
export declare function checkCodeObject(c: Core, ci: number): void;
/**
 * checkCodeObject for a record already bounds-checked at absolute offset `rec`:
 * the same checks with plain reads, the same errors (any failure is re-checked
 * by checkCodeObject, which throws it).
 */
export declare function checkCodeRecord(c: Core, ci: number, rec: number): void;
//# sourceMappingURL=code-check.d.ts.map