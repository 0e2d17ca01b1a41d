/**
 * Lazy handles: a view is (core, record index); getters read the mapping on each
 * call, lists resolve entries on demand. Every public member checks the bundle is
 * still open first (cached values must not outlive close() either).
 */
import type { PyCode, PyStr, PyValue } from '@pybundle/cpython';
import { type Core } from './core.js';
export declare function decodeName(bytes: Uint8Array, field: number): string;
/** A constant as CodeView.consts hands it out: code objects stay lazy. */
export type ConstValue = Exclude<PyValue, PyCode> | CodeView;
/** A read-only list that resolves entries on demand. */
export interface LazyList<T> extends Iterable<T> {
    readonly length: number;
    get(i: number): T;
    toArray(): T[];
}
export interface SourceInfo {
    /** Source size in bytes (0: unknown). */
    readonly size: number;
    /** Source mtime, ns since the epoch (0n: unknown). */
    readonly mtimeNs: bigint;
    /** xxh64 of the source (0n: unknown). */
    readonly hash: bigint;
}
export declare class ModuleView {
    private readonly core;
    /** Module record index (position in the sorted MODS). */
    readonly index: number;
    /** @internal */
    constructor(core: Core, 
    /** Module record index (position in the sorted MODS). */
    index: number);
    get name(): string;
    get flags(): number;
    get isPackage(): boolean;
    get isNamespace(): boolean;
    get isSourceless(): boolean;
    get path(): string;
    get source(): SourceInfo;
    /** Index of the top-level code record, or NONE. */
    get codeIndex(): number;
    get codeCount(): number;
    /** The module body, or null for a namespace package. */
    get code(): CodeView | null;
    toString(): string;
}
/** The one CodeView of code record `index` (so identity is stable, like the cached constants). */
export declare function codeView(core: Core, index: number): CodeView;
export declare class CodeView {
    private readonly core;
    /** Code record index. */
    readonly index: number;
    private namesList;
    private localsList;
    private freeList;
    private cellList;
    private constList;
    /** @internal */
    constructor(core: Core, 
    /** Code record index. */
    index: number);
    private i32;
    get argcount(): number;
    get posonlyargcount(): number;
    get kwonlyargcount(): number;
    get nlocals(): number;
    get stacksize(): number;
    get flags(): number;
    get firstlineno(): number;
    /** Index of the owning module record. */
    get moduleIndex(): number;
    /** Index of the parent code record, or NONE for a module body. */
    get parentIndex(): number;
    /** co_code: a zero-copy view into the mapping. */
    get bytecode(): Uint8Array;
    /** co_lnotab (3.8/3.9) or co_linetable (3.10+): zero-copy. */
    get linetable(): Uint8Array;
    /** co_exceptiontable (3.11+; empty before): zero-copy. */
    get exceptiontable(): Uint8Array;
    /** co_localspluskinds (3.11+; empty before): zero-copy. */
    get localspluskinds(): Uint8Array;
    private fixedStr;
    get filename(): PyStr;
    get name(): PyStr;
    /** co_qualname (3.11+); null before. */
    get qualname(): PyStr | null;
    private strList;
    get names(): LazyList<PyStr>;
    /** co_varnames (3.8-3.10). */
    get varnames(): LazyList<PyStr>;
    /** co_freevars (3.8-3.10). */
    get freevars(): LazyList<PyStr>;
    /** co_cellvars (3.8-3.10). */
    get cellvars(): LazyList<PyStr>;
    /** co_localsplusnames (3.11+). */
    get localsplusnames(): LazyList<PyStr>;
    private empty;
    get consts(): LazyList<ConstValue>;
    /** The exact PyCode, recursively (the same object on every call). */
    materialize(): PyCode;
    /** Marshal bytes of this code object (no pyc header). */
    toMarshal(): Uint8Array;
    toString(): string;
}
//# sourceMappingURL=views.d.ts.map