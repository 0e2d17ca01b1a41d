/**
 * The verifier (flatbuffers-style "verify once, then read"): section checksums and a
 * full structural walk of every table entry, redirect, string, constant, code and
 * module record and MIDX slot. It never throws on bad bytes: each failure becomes a
 * problem {code, offset, section, path, message}, collection stops at maxProblems.
 * An error that is not a PyBundleError is a bug in the loader and propagates.
 * Work is bounded by the table counts, which open checked against section sizes.
 */
import { type ErrorCode } from '@pybundle/errors';
import { type Core } from './core.js';
export interface VerifyProblem {
    code: ErrorCode;
    /** Absolute byte offset in the file (-1 when unknown). */
    offset: number;
    /** Section the offset falls in ('header' before the first section, '' when unknown). */
    section: string;
    /** Which record: 'MODS[12] email.mime', 'CODE[40].consts[3]', 'CNST[77]'... */
    path: string;
    message: string;
    /** Machine-readable facts, e.g. {limit: 'MAX_DEPTH', value, max} for LIMIT_EXCEEDED. */
    details?: Record<string, unknown>;
}
export interface VerifyReport {
    ok: boolean;
    problems: VerifyProblem[];
    /** True when collection stopped at maxProblems. */
    truncated: boolean;
    /** Records walked. */
    checked: {
        sections: number;
        modules: number;
        codes: number;
        strings: number;
        consts: number;
        slots: number;
        resources: number;
    };
}
export interface VerifyOptions {
    /** Stop after this many problems (default 100). */
    maxProblems?: number;
}
export declare function verify(core: Core, options?: VerifyOptions): VerifyReport;
export declare function compareBytes(a: Uint8Array, b: Uint8Array): number;
//# sourceMappingURL=verify.d.ts.map