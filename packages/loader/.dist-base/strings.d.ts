/**
 * §8 string records -> PyStr and -> marshal payloads, straight from PEP 393 data.
 * No UTF-8 decoding on the way in: ASCII and Latin-1 are built with
 * String.fromCharCode over chunks, UCS-2/UCS-4 from aligned typed-array views
 * when the absolute offset allows (DataView reads otherwise).
 *
 * Every function validates what it relies on and throws MALFORMED at the
 * absolute offset of the offending code unit.
 */
import { type PyStr } from '@pybundle/cpython';
/** Data of one string record, already bounds-checked: `abs` = absolute offset of the first code unit. */
export interface StrData {
    readonly u8: Uint8Array;
    readonly dv: DataView;
    readonly abs: number;
    readonly kind: number;
    readonly length: number;
    readonly interned: boolean;
    readonly surrogates: boolean;
}
/**
 * Text of n Latin-1 bytes at u8[start]. Short strings through one fromCharCode
 * call, longer ones by fromCharCode over chunks (never TextDecoder('latin1'),
 * which is windows-1252). ASCII records go through ascii(), which checks them.
 */
export declare function latin1(u8: Uint8Array, start: number, n: number): string;
/**
 * Text of an ASCII record's n bytes at u8[start]; MALFORMED at the first byte >= 0x80.
 * Longer strings through TextDecoder('utf-8'), identical to Latin-1 on ASCII and faster.
 */
export declare function ascii(u8: Uint8Array, start: number, n: number): string;
/** Offset of the first byte >= 0x80 in u8[start, start + n), or -1. */
export declare function firstNonAscii(u8: Uint8Array, start: number, n: number): number;
export declare function failAscii(u8: Uint8Array, at: number): never;
/** The PyStr of a record. */
export declare function decodeStr(d: StrData): PyStr;
/**
 * The marshal payload of a record: for ASCII the bytes themselves (a view into the
 * mapping), otherwise UTF-8 with surrogatepass (each code point encoded on its own,
 * so lone surrogates take 3 bytes, as CPython writes them).
 */
export declare function strPayload(d: StrData): Uint8Array;
/**
 * Verifier check: the record uses the narrowest kind (§8) and its surrogate flag
 * is right. Returns a message, or undefined when fine.
 */
export declare function checkNarrowest(d: StrData): string | undefined;
//# sourceMappingURL=strings.d.ts.map