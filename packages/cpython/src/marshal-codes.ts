/**
 * marshal type codes and limits (Python/marshal.c), shared by the reader and
 * the writer so they are spelled in one place.
 */

export const TYPE_NULL = 0x30 // '0'
export const TYPE_NONE = 0x4e // 'N'
export const TYPE_FALSE = 0x46 // 'F'
export const TYPE_TRUE = 0x54 // 'T'
export const TYPE_STOPITER = 0x53 // 'S'
export const TYPE_ELLIPSIS = 0x2e // '.'
export const TYPE_INT = 0x69 // 'i'
/** Not written since 3.x, still read. */
export const TYPE_INT64 = 0x49 // 'I'
/** marshal versions 0-1: float as an ASCII repr with a u8 length. */
export const TYPE_FLOAT = 0x66 // 'f'
export const TYPE_BINARY_FLOAT = 0x67 // 'g'
export const TYPE_COMPLEX = 0x78 // 'x'
export const TYPE_BINARY_COMPLEX = 0x79 // 'y'
export const TYPE_LONG = 0x6c // 'l'
export const TYPE_STRING = 0x73 // 's' (bytes)
export const TYPE_INTERNED = 0x74 // 't'
export const TYPE_REF = 0x72 // 'r'
export const TYPE_TUPLE = 0x28 // '('
export const TYPE_LIST = 0x5b // '['
export const TYPE_DICT = 0x7b // '{'
export const TYPE_CODE = 0x63 // 'c'
export const TYPE_UNICODE = 0x75 // 'u'
export const TYPE_SET = 0x3c // '<'
export const TYPE_FROZENSET = 0x3e // '>'
/** marshal version 5 (3.14+). */
export const TYPE_SLICE = 0x3a // ':'
export const TYPE_ASCII = 0x61 // 'a'
export const TYPE_ASCII_INTERNED = 0x41 // 'A'
export const TYPE_SMALL_TUPLE = 0x29 // ')'
export const TYPE_SHORT_ASCII = 0x7a // 'z'
export const TYPE_SHORT_ASCII_INTERNED = 0x5a // 'Z'

export const FLAG_REF = 0x80

/** MAX_MARSHAL_STACK_DEPTH on non-Windows builds: every nested object (leaves and refs too) counts one level. */
export const MAX_DEPTH = 2000

/** Code flags that CPython's code constructor reads when validating (Include/cpython/code.h). */
export const CO_VARARGS = 0x04
export const CO_VARKEYWORDS = 0x08
/** localspluskinds bit of a plain local (3.11+). */
export const CO_FAST_LOCAL = 0x20
