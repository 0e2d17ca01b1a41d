/**
 * Full materialization: code record -> exact PyCode, in one pass per record.
 *
 * The lazy views re-check the bundle and each field's bounds on every getter and
 * build a LazyList per string list; this reads the 96-byte code record with one
 * bounds check, walks its string slice (checked once against STRT) through the
 * paged string cache, resolves constants through the paged constant cache, and
 * builds the PyCode directly. Strings, constants and code objects are shared:
 * every resolved STRT/CNST entry is one JS object per bundle (decoded once for the
 * whole file, where a .pyc reader decodes a string once per module), and a code
 * record materializes to one PyCode (cached per bundle, so CodeView.materialize
 * returns the same object as its parent's co_consts holds).
 *
 * The checks are the ones the view path makes: slice bounds, blob alignment and
 * bounds, CODE constants only in their parent's slice (Core.constRaw), the code
 * object checks CPython makes (checkCodeRecord, with checkCodeObject's errors), and
 * a nesting limit.
 */
import type { PyCode } from '@pybundle/cpython';
import { type Core } from './core.js';
/** The exact PyCode of code record `index` (the same object on every call while the bundle is open). */
export declare function materializeCode(core: Core, index: number): PyCode;
//# sourceMappingURL=materialize.d.ts.map