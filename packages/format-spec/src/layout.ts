/**
 * The .pyb v1 layout: every constant, field offset and record size that the
 * writer (packages/bundler) and the loader (packages/loader) use. SPEC.md is
 * the prose; test/format-spec/spec.test.ts checks its tables against this file,
 * so the two cannot drift. Section numbers (§) refer to SPEC.md.
 *
 * All integers are little-endian and naturally aligned (a u32 on a multiple of
 * 4, a u64 on a multiple of 8, counted from the start of the file).
 */

export type FieldType = 'u8' | 'u16' | 'u32' | 'i32' | 'u64' | 'i64' | 'bytes'

export interface FieldDef {
  readonly name: string
  readonly type: FieldType
  readonly offset: number
  readonly size: number
}

export interface StructDef<N extends string = string> {
  readonly name: string
  readonly size: number
  readonly align: number
  readonly fields: readonly FieldDef[]
  /** Offsets by field name, for readers and writers: `S.at.argcount`. */
  readonly at: Readonly<Record<N, number>>
  /** Where each field ends (offset + size): `HEADER.end.header_checksum`. */
  readonly end: Readonly<Record<N, number>>
}

const SIZES: Record<Exclude<FieldType, 'bytes'>, number> = { u8: 1, u16: 2, u32: 4, i32: 4, u64: 8, i64: 8 }

/**
 * Lay fields out in order with no implicit padding: a field that would not be
 * naturally aligned is a mistake in this file, caught at import time. What a
 * field holds is its comment (and SPEC.md's table), not data: every reader
 * imports this file, a browser page too, and nothing reads descriptions at run
 * time (as strings they were 1.4 KB brotli of every page's JavaScript).
 */
function struct<const N extends string>(
  name: string,
  align: number,
  fields: readonly (readonly [N, FieldType] | readonly [N, 'bytes', number])[],
): StructDef<N> {
  let offset = 0
  const defs: FieldDef[] = []
  const at = {} as Record<N, number>
  const end = {} as Record<N, number>
  for (const f of fields) {
    const [fname, type] = f
    const size = type === 'bytes' ? (f[2] as number) : SIZES[type]
    const natural = type === 'bytes' ? 1 : size
    if (offset % natural !== 0) throw new Error(`layout: ${name}.${fname} at ${offset} is not ${natural}-aligned`)
    defs.push({ name: fname, type, offset, size })
    at[fname] = offset
    offset += size
    end[fname] = offset
  }
  if (offset % align !== 0) throw new Error(`layout: ${name} size ${offset} is not a multiple of ${align}`)
  return { name, size: offset, align, fields: defs, at, end }
}

// --- §2 file header ---------------------------------------------------------

/** "\x89PYB\r\n\x1a\n": the high byte catches 7-bit transfers, CRLF/LF and ^Z catch text-mode mangling (as in PNG). */
export const FILE_MAGIC = Uint8Array.of(0x89, 0x50, 0x59, 0x42, 0x0d, 0x0a, 0x1a, 0x0a)
export const FORMAT_MAJOR = 1
export const FORMAT_MINOR = 1
/** §16 The minor a layered bundle (one with a BASE section) is written with; every other file is written as 1.1. */
export const FORMAT_MINOR_LAYERED = 2

/** §2 header `flags` bits. Bits 16-31 are required: a reader that does not know one rejects the file. */
export const HEADER_FLAG = {
  /** §16 (1.2): the file is a layered bundle; its BASE section names the base bundle it needs. */
  LAYERED: 1 << 16,
} as const

export const HEADER = struct('header', 8, [
  ['magic', 'bytes', 8], // FILE_MAGIC
  ['format_major', 'u16'], // format major version; a reader rejects a major it does not know
  ['format_minor', 'u16'], // format minor version; a reader accepts any minor of its major
  ['header_size', 'u32'], // bytes from the start of the file to the end of the section table
  ['file_size', 'u64'], // size of the whole file in bytes
  ['python_magic', 'u16'], // the pyc magic number of the interpreter that compiled the code (e.g. 3495)
  ['python_major', 'u8'], // Python major version (3)
  ['python_minor', 'u8'], // Python minor version (8 to 14)
  ['marshal_version', 'u8'], // marshal.version of that interpreter (4, or 5 from 3.14)
  ['optimize', 'u8'], // optimization level the code was compiled with (0, 1, 2)
  ['section_count', 'u16'], // entries in the section table
  ['flags', 'u32'], // bits 0-15: informational, ignored if unknown; bits 16-31: required, a reader rejects any it does not know. None are defined in 1.0
  ['module_count', 'u32'], // records in MODS
  ['code_count', 'u32'], // records in CODE
  ['string_count', 'u32'], // entries in STRT
  ['const_count', 'u32'], // entries in CNST
  ['reserved', 'u32'], // zero
  ['header_checksum', 'u64'], // xxh64 (seed 0) of bytes [0, header_size) with this field read as zero
])

// --- §3 section table -------------------------------------------------------

export const SECTION_ENTRY = struct('section entry', 8, [
  ['id', 'u32'], // four ASCII characters, first character in the lowest byte
  ['flags', 'u32'], // zero in 1.0 and 1.1
  ['offset', 'u64'], // from the start of the file; a multiple of SECTION_ALIGN
  ['size', 'u64'], // bytes, without the padding that follows
  ['checksum', 'u64'], // xxh64 (seed 0) of the section bytes
])

function fourcc(s: string): number {
  return (s.charCodeAt(0) | (s.charCodeAt(1) << 8) | (s.charCodeAt(2) << 16) | (s.charCodeAt(3) << 24)) >>> 0
}

/** Section ids, in the order the writer places them (index first: open touches only the first pages). */
export const SECTION = {
  MIDX: fourcc('MIDX'),
  MODS: fourcc('MODS'),
  CODE: fourcc('CODE'),
  STRT: fourcc('STRT'),
  CNST: fourcc('CNST'),
  STRD: fourcc('STRD'),
  CDAT: fourcc('CDAT'),
  BLOB: fourcc('BLOB'),
} as const
export type SectionName = keyof typeof SECTION
export const SECTION_ORDER: readonly SectionName[] = ['MIDX', 'MODS', 'CODE', 'STRT', 'CNST', 'STRD', 'CDAT', 'BLOB']

export function sectionName(id: number): string {
  return String.fromCharCode(id & 0xff, (id >>> 8) & 0xff, (id >>> 16) & 0xff, (id >>> 24) & 0xff)
}

/**
 * §15 The resource sections (format 1.1): package data files, distribution
 * metadata, module sources and build provenance. Optional as a group: a file has
 * all seven or none (every 1.0 file has none). Writer order, after BLOB.
 */
export const RESOURCE_SECTION = {
  PKGS: fourcc('PKGS'),
  DIST: fourcc('DIST'),
  FILE: fourcc('FILE'),
  SRCS: fourcc('SRCS'),
  RSTR: fourcc('RSTR'),
  INFO: fourcc('INFO'),
  DATA: fourcc('DATA'),
} as const
export type ResourceSectionName = keyof typeof RESOURCE_SECTION
export const RESOURCE_SECTION_ORDER: readonly ResourceSectionName[] = ['PKGS', 'DIST', 'FILE', 'SRCS', 'RSTR', 'INFO', 'DATA']

/**
 * §16 The section of a layered bundle (format 1.2): present exactly when the
 * header flag LAYERED is set. Writer order: last, after the resource sections.
 */
export const LAYER_SECTION = {
  BASE: fourcc('BASE'),
} as const
export type LayerSectionName = keyof typeof LAYER_SECTION

/** Sections start on cache-line boundaries; the gap before one is zero bytes. */
export const SECTION_ALIGN = 64

// --- §4 module index (MIDX) --------------------------------------------------

export const MIDX_HEADER = struct('MIDX header', 8, [
  ['slot_count', 'u32'], // a power of two, at least 2 x module_count (0 when there are no modules)
  ['hash', 'u32'], // hash function id: 1 = FNV-1a 32-bit over the UTF-8 bytes of the dotted name
])
export const MIDX_SLOT = struct('MIDX slot', 4, [
  ['hash', 'u32'], // the name hash of the module in this slot
  ['module', 'u32'], // module record index + 1; 0 = empty slot
])
export const MIDX_HASH_FNV1A32 = 1
export const FNV32_OFFSET = 0x811c9dc5
export const FNV32_PRIME = 0x01000193

// --- §5 module records (MODS) ------------------------------------------------

export const MODULE = struct('module record', 8, [
  ['name_offset', 'u32'], // dotted name, UTF-8, in BLOB
  ['name_length', 'u32'], // bytes
  ['path_offset', 'u32'], // source path relative to its search-path root, "/"-separated UTF-8, in BLOB
  ['path_length', 'u32'], // bytes (0: no path)
  ['flags', 'u32'], // MODULE_FLAG bits
  ['code', 'u32'], // index of the module's top-level code record, or NONE (namespace packages)
  ['code_count', 'u32'], // code records [code, code + code_count) belong to this module, in pre-order
  ['name_hash', 'u32'], // FNV-1a 32 of the name (the MIDX hash)
  ['source_size', 'u64'], // size of the source file in bytes when built (0: unknown)
  ['source_mtime_ns', 'i64'], // source modification time, ns since the epoch (0: unknown)
  ['source_hash', 'u64'], // xxh64 (seed 0) of the source bytes (0: unknown)
  ['reserved', 'u64'], // zero
])
export const MODULE_FLAG = {
  PACKAGE: 1 << 0,
  NAMESPACE: 1 << 1,
  /** Compiled from a .pyc with no source next to it. */
  SOURCELESS: 1 << 2,
} as const

/** "No record" in any u32 index field. */
export const NONE = 0xffffffff

// --- §6 code records (CODE) --------------------------------------------------

export const CODE = struct('code record', 8, [
  ['argcount', 'i32'], // co_argcount
  ['posonlyargcount', 'i32'], // co_posonlyargcount
  ['kwonlyargcount', 'i32'], // co_kwonlyargcount
  ['nlocals', 'i32'], // co_nlocals (3.8-3.10; 0 from 3.11)
  ['stacksize', 'i32'], // co_stacksize
  ['flags', 'u32'], // co_flags
  ['firstlineno', 'i32'], // co_firstlineno
  ['module', 'u32'], // index of the owning module record
  ['parent', 'u32'], // index of the code record whose constants hold this one, or NONE for a module body; always less than this record index
  ['str_start', 'u32'], // first STRT entry of this code object's string slice (§6.1)
  ['n_names', 'u32'], // len(co_names)
  ['n_locals', 'u32'], // len(co_varnames) (3.8-3.10) or len(co_localsplusnames) (3.11+)
  ['n_freevars', 'u32'], // len(co_freevars) (3.8-3.10; 0 from 3.11)
  ['n_cellvars', 'u32'], // len(co_cellvars) (3.8-3.10; 0 from 3.11)
  ['const_start', 'u32'], // first CNST entry of this code object's constant slice
  ['n_consts', 'u32'], // len(co_consts)
  ['code_offset', 'u32'], // bytecode in BLOB (8-aligned)
  ['code_length', 'u32'], // bytes
  ['linetable_offset', 'u32'], // co_lnotab (3.8/3.9) or co_linetable (3.10+) in BLOB
  ['linetable_length', 'u32'], // bytes
  ['exceptiontable_offset', 'u32'], // co_exceptiontable in BLOB (3.11+)
  ['exceptiontable_length', 'u32'], // bytes (0 before 3.11)
  ['kinds_offset', 'u32'], // co_localspluskinds in BLOB (3.11+)
  ['kinds_length', 'u32'], // bytes; equals n_locals from 3.11, 0 before
])

/**
 * §6.1 A code object's string slice: STRT entries [str_start, str_start + STRING_SLICE_FIXED
 * + n_names + n_locals + n_freevars + n_cellvars), in this order.
 */
export const STRING_SLICE = {
  FILENAME: 0,
  NAME: 1,
  /** 3.11+; before 3.11 the entry repeats the name and readers ignore it. */
  QUALNAME: 2,
} as const
export const STRING_SLICE_FIXED = 3

// --- §7 tables: STRT and CNST entries ---------------------------------------

/**
 * A table entry is a u32. Even: the offset of a record in the data section
 * (STRD for STRT, CDAT for CNST). Odd: a redirect to entry `value >>> 1`, which
 * must be strictly earlier and must not itself be a redirect (one hop, no cycles).
 */
export const TABLE_ENTRY_SIZE = 4
export const REDIRECT_BIT = 1

// --- §8 string records (STRD) -------------------------------------------------

export const STRING_RECORD = struct('string record', 4, [
  ['flags', 'u32'], // bits 0-1: kind (STRING_KIND); bit 2: interned; bit 3: holds a surrogate code point
  ['length', 'u32'], // length in code points
])
/** PEP 393 kinds: the narrowest that holds every code point (a writer must use the narrowest). */
export const STRING_KIND = { ASCII: 0, LATIN1: 1, UCS2: 2, UCS4: 3 } as const
export const STRING_KIND_WIDTH = [1, 1, 2, 4] as const
export const STRING_FLAG = { KIND_MASK: 0b11, INTERNED: 1 << 2, SURROGATES: 1 << 3 } as const
/** String records start on 4-byte boundaries, so UCS-2 and UCS-4 data is aligned for typed-array views. */
export const STRING_RECORD_ALIGN = 4

// --- §9 constant records (CDAT) ----------------------------------------------

/** Every constant record starts with this u32: bits 0-7 tag, bits 8-15 tag flags, bits 16-31 zero. */
export const CONST_HEADER_SIZE = 4
export const CONST_RECORD_ALIGN = 8
export const CONST_TAG = {
  NONE: 0x01,
  FALSE: 0x02,
  TRUE: 0x03,
  ELLIPSIS: 0x04,
  STOP_ITERATION: 0x05,
  /** [hdr][u32 0][i64 value]: an int in int64 range. */
  INT: 0x10,
  /** [hdr, flag NEGATIVE][u32 n][u32 x n]: |value| in base 2**32, least significant first, n >= 1, top word nonzero; only for ints outside int64. */
  BIGINT: 0x11,
  /** [hdr][u32 0][u64 bits]. */
  FLOAT: 0x20,
  /** [hdr][u32 0][u64 real bits][u64 imag bits]. */
  COMPLEX: 0x21,
  /** [hdr][u32 STRT index]. */
  STR: 0x30,
  /** [hdr][u32 length][u32 BLOB offset][u32 0]. */
  BYTES: 0x31,
  /** [hdr][u32 n][u32 CNST index x n]: each index less than the referring entry's. */
  TUPLE: 0x40,
  /** Same as TUPLE, items in marshal order. */
  FROZENSET: 0x41,
  /** [hdr][u32 start][u32 stop][u32 step]: CNST indexes, each less than the referring entry's (3.14+). */
  SLICE: 0x42,
  /** [hdr][u32 CODE index]: only in a code object's own constant slice; the target's parent is that code object. */
  CODE: 0x50,
} as const
export type ConstTagName = keyof typeof CONST_TAG
export const CONST_FLAG_NEGATIVE = 1 << 8

/**
 * The field layout of each constant record (§9), for readers and writers: `CONST_INT.at.value`.
 * `head` is the common u32 header (tag, tag flags). TUPLE, FROZENSET and BIGINT records go on
 * after their struct with n u32 items (CONST_ITEM_SIZE each), from offset `size`.
 */
export const CONST_SINGLETON = struct('singleton constant', 8, [
  ['head', 'u32'], // tag NONE, FALSE, TRUE, ELLIPSIS or STOP_ITERATION
  ['reserved', 'u32'], // zero
])
export const CONST_INT = struct('INT constant', 8, [
  ['head', 'u32'], // tag INT
  ['reserved', 'u32'], // zero
  ['value', 'i64'], // the int, two's complement
])
export const CONST_BIGINT = struct('BIGINT constant', 8, [
  ['head', 'u32'], // tag BIGINT, flag CONST_FLAG_NEGATIVE if the value is negative
  ['count', 'u32'], // n >= 1: u32 digits of |value| in base 2**32 follow, least significant first (§9.1)
])
export const CONST_FLOAT = struct('FLOAT constant', 8, [
  ['head', 'u32'], // tag FLOAT
  ['reserved', 'u32'], // zero
  ['bits', 'u64'], // IEEE-754 binary64 bits
])
export const CONST_COMPLEX = struct('COMPLEX constant', 8, [
  ['head', 'u32'], // tag COMPLEX
  ['reserved', 'u32'], // zero
  ['real_bits', 'u64'], // binary64 bits of the real part
  ['imag_bits', 'u64'], // binary64 bits of the imaginary part
])
export const CONST_STR = struct('STR constant', 8, [
  ['head', 'u32'], // tag STR
  ['string', 'u32'], // STRT index
])
export const CONST_BYTES = struct('BYTES constant', 8, [
  ['head', 'u32'], // tag BYTES
  ['length', 'u32'], // bytes
  ['blob_offset', 'u32'], // the bytes in BLOB (§10)
  ['reserved', 'u32'], // zero
])
export const CONST_SEQUENCE = struct('TUPLE or FROZENSET constant', 8, [
  ['head', 'u32'], // tag TUPLE or FROZENSET
  ['count', 'u32'], // n: u32 CNST indexes follow, each less than the referring entry's
])
export const CONST_SLICE = struct('SLICE constant', 8, [
  ['head', 'u32'], // tag SLICE (marshal version 5, 3.14+)
  ['start', 'u32'], // CNST index, less than the referring entry's
  ['stop', 'u32'], // CNST index, less than the referring entry's
  ['step', 'u32'], // CNST index, less than the referring entry's
])
export const CONST_CODE = struct('CODE constant', 8, [
  ['head', 'u32'], // tag CODE
  ['code', 'u32'], // CODE index; the target's parent is the code object whose slice holds this entry
])
/** Bytes of one item of a TUPLE/FROZENSET record (a CNST index) or one BIGINT digit: a u32. */
export const CONST_ITEM_SIZE = 4

/** Fixed record sizes by tag (TUPLE, FROZENSET and BIGINT are 8 + 4 x n, rounded up to 8). */
export const CONST_RECORD_SIZE: Partial<Record<ConstTagName, number>> = {
  NONE: 8, FALSE: 8, TRUE: 8, ELLIPSIS: 8, STOP_ITERATION: 8,
  INT: 16, FLOAT: 16, COMPLEX: 24, STR: 8, BYTES: 16, SLICE: 16, CODE: 8,
}

// --- §10 blobs (BLOB) ----------------------------------------------------------

/** Every blob (bytecode, line tables, bytes constants, names, paths) starts on an 8-byte boundary. */
export const BLOB_ALIGN = 8

// --- §15 resource sections (1.1) ---------------------------------------------------

/** §15.2 PKGS and DIST records: an owner (a package or a distribution) and its range of FILE entries. */
export const OWNER = struct('owner record', 4, [
  ['name_offset', 'u32'], // PKGS: dotted package name; DIST: the entry name on sys.path ("Jinja2-3.1.2.dist-info"); UTF-8 in RSTR
  ['name_length', 'u32'], // bytes
  ['first_file', 'u32'], // index of the first FILE entry of this owner
  ['file_count', 'u32'], // FILE entries [first_file, first_file + file_count) belong to this owner
  ['flags', 'u32'], // OWNER_FLAG bits
  ['module', 'u32'], // PKGS: the MODS index of the package; DIST: NONE
])
export const OWNER_FLAG = {
  /** DIST only: an old-style single-file "foo.egg-info" (its one FILE entry is "PKG-INFO"). */
  SINGLE_FILE: 1 << 0,
} as const

/** §15.3 One file of a package's data or of a distribution's metadata. */
export const FILE_ENTRY = struct('file entry', 8, [
  ['path_offset', 'u32'], // "/"-separated path relative to the owner's folder, UTF-8 in RSTR
  ['path_length', 'u32'], // bytes
  ['data_offset', 'u64'], // the file's bytes in DATA (a multiple of DATA_ALIGN; 0 when empty)
  ['data_size', 'u64'], // bytes (at most LIMITS.MAX_DATA_FILE_SIZE)
])

/** §15.4 SRCS: one record per module record, in MODS order (or SRCS is empty). */
export const SOURCE = struct('source record', 8, [
  ['data_offset', 'u64'], // the module's .py bytes in DATA (a multiple of DATA_ALIGN; 0 when empty or absent)
  ['data_size', 'u32'], // bytes (0 when absent)
  ['flags', 'u32'], // SOURCE_FLAG bits
])
export const SOURCE_FLAG = {
  /** The module's source is stored (a present source may be empty). */
  PRESENT: 1 << 0,
} as const

/** Every payload in DATA starts on an 8-byte boundary, so typed-array views of it are aligned. */
export const DATA_ALIGN = 8

// --- §16 layered bundles (1.2) ----------------------------------------------------

/** §16 BASE: the identity of the base bundle; its name (UTF-8, name_length bytes) follows the record. */
export const BASE_RECORD = struct('base record', 8, [
  ['header_checksum', 'u64'], // the base bundle's header_checksum (§2): its identity
  ['file_size', 'u64'], // the base bundle's file_size
  ['python_magic', 'u16'], // the base bundle's python_magic: equal to this file's
  ['reserved', 'u16'], // zero
  ['name_length', 'u32'], // bytes of the base's name, which follows this record (1 to MAX_PATH_BYTES)
])

// --- §11 limits a reader enforces ------------------------------------------------

export const LIMITS = {
  /** Section table entries. */
  MAX_SECTIONS: 64,
  /** Nesting of constants inside constants and code objects inside code objects, as marshal's MAX_MARSHAL_STACK_DEPTH. */
  MAX_DEPTH: 2000,
  /** Probes in MIDX before a lookup gives up (a full table cannot loop). */
  MAX_PROBES: 1 << 20,
  /** Longest module name, in bytes. */
  MAX_NAME_BYTES: 4096,
  /** Longest resource path or name (package data, distribution names and files), in bytes (§15). */
  MAX_PATH_BYTES: 4096,
  /** Largest single data file, distribution file or module source, in bytes; larger files are skipped at build time (§15). */
  MAX_DATA_FILE_SIZE: 64 * 1024 * 1024,
  /** Largest INFO section (build provenance JSON), in bytes (§15.5). */
  MAX_INFO_BYTES: 64 * 1024 * 1024,
} as const

/** Each tag's record struct (§9); its size is the record size for the fixed-size tags. */
export const CONST_RECORD: Readonly<Record<ConstTagName, StructDef>> = {
  NONE: CONST_SINGLETON, FALSE: CONST_SINGLETON, TRUE: CONST_SINGLETON, ELLIPSIS: CONST_SINGLETON, STOP_ITERATION: CONST_SINGLETON,
  INT: CONST_INT, BIGINT: CONST_BIGINT, FLOAT: CONST_FLOAT, COMPLEX: CONST_COMPLEX, STR: CONST_STR, BYTES: CONST_BYTES,
  TUPLE: CONST_SEQUENCE, FROZENSET: CONST_SEQUENCE, SLICE: CONST_SLICE, CODE: CONST_CODE,
}

// --- §18 the wire form of a bundle, for HTTP ----------------------------------------

/** "\x89PYW\r\n\x1a\n": like FILE_MAGIC with W for B, so neither file is taken for the other. */
export const WIRE_MAGIC = Uint8Array.of(0x89, 0x50, 0x59, 0x57, 0x0d, 0x0a, 0x1a, 0x0a)
export const WIRE_MAJOR = 1
export const WIRE_MINOR = 0
/** §18 Most ranges a wire header may declare (a bundle has at most LIMITS.MAX_SECTIONS sections, each with a gap before it). */
export const WIRE_MAX_RANGES = 256

export const WIRE_HEADER = struct('wire header', 8, [
  ['magic', 'bytes', 8], // WIRE_MAGIC
  ['major', 'u16'], // WIRE_MAJOR; a decoder rejects a major it does not know
  ['minor', 'u16'], // WIRE_MINOR; a decoder rejects a minor newer than its own (a new transform code)
  ['range_count', 'u32'], // wire ranges that follow this header (1 to WIRE_MAX_RANGES)
  ['bundle_size', 'u64'], // size of the bundle; the wire file is exactly header_size + bundle_size bytes
  ['bundle_header_checksum', 'u64'], // the bundle's header_checksum (§2): its identity, readable without decoding
  ['bundle_checksum', 'u64'], // xxh64 (seed 0) of the whole bundle, checked after decoding
  ['header_size', 'u32'], // 64 + 32 x range_count: where the transformed bundle starts
  ['reserved', 'u32'], // zero
  ['reserved2', 'u64'], // zero
  ['header_checksum', 'u64'], // xxh64 (seed 0) of bytes [0, header_size) with this field read as zero
])

export const WIRE_RANGE = struct('wire range', 8, [
  ['offset', 'u64'], // start of the range in the bundle: the end of the previous range (0 for the first)
  ['size', 'u64'], // bytes of the range; the ranges cover the bundle exactly
  ['transform', 'u32'], // a WIRE_TRANSFORM code
  ['param', 'u32'], // SHUFFLE: the stride (2 to 65536); others: 0
  ['count', 'u32'], // STRINGS: the string records in the range; SHUFFLE: a mask of u32 columns coded as differences (bit k: the u32 at 4k); others: 0
  ['reserved', 'u32'], // zero
])

/** §18 How a range's bytes are stored on the wire; every transform keeps the length. */
export const WIRE_TRANSFORM = {
  /** As in the bundle. */
  RAW: 0,
  /** Byte planes of `param`-byte records: every record's byte 0, then every byte 1, ...; a tail shorter than a record as is. Columns in the `count` mask first become differences from the previous record. */
  SHUFFLE: 1,
  /** u32 table entries (STRT, CNST): a data entry (even) as its difference from the previous data entry, mod 2^32; a redirect (odd) as is. */
  TABLE: 2,
  /** STRD: the `count` 8-byte record headers (shuffled by 8), then every record's text and padding, in order. */
  STRINGS: 3,
} as const
