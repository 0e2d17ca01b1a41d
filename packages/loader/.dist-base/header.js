/**
 * §2 header and §3 section table: everything open checks. The work here is bounded
 * by the header (at most LIMITS.MAX_SECTIONS entries), never by the file.
 */
import { marshalVersionForPython, pythonForMagic } from '@pybundle/cpython';
import { fail } from '@pybundle/errors';
import { CODE, FILE_MAGIC, WIRE_MAGIC, FORMAT_MAJOR, HEADER, LIMITS, MIDX_HASH_FNV1A32, MIDX_HEADER, MIDX_SLOT, MODULE, FILE_ENTRY, OWNER, RESOURCE_SECTION, RESOURCE_SECTION_ORDER, SOURCE, SECTION, SECTION_ALIGN, SECTION_ENTRY, SECTION_ORDER, TABLE_ENTRY_SIZE, BASE_RECORD, HEADER_FLAG, LAYER_SECTION, resourcePathProblem, sectionName, } from '@pybundle/format-spec';
import { xxh64 } from './hash.js';
import { Section } from './mem.js';
const REQUIRED_FLAGS_MASK = 0xffff0000;
const WIRE_NOT_BUNDLE = 'this is a pybundle wire file (§18, made by `pybundle wire`), not a .pyb bundle: '
    + 'decode it with decodeWire() from @pybundle/loader first (`pybundle verify` and `inspect` do), or open the .pyb it was made from';
export function readHeader(mem) {
    const size = mem.size;
    if (size < HEADER.size)
        fail('TRUNCATED', `${size} bytes is shorter than the ${HEADER.size}-byte header`, size);
    const h = new Section(mem, 'header', 0, Math.min(size, HEADER.size + LIMITS.MAX_SECTIONS * SECTION_ENTRY.size));
    const magic = h.bytes(HEADER.at.magic, FILE_MAGIC.length);
    for (let i = 0; i < FILE_MAGIC.length; i++) {
        if (magic[i] !== FILE_MAGIC[i]) {
            // §18: a wire file served where the bundle was expected gets told what to do.
            if (WIRE_MAGIC.every((b, j) => magic[j] === b))
                fail('BAD_MAGIC', WIRE_NOT_BUNDLE, 0);
            fail('BAD_MAGIC', 'not a .pyb file (bad magic)', i);
        }
    }
    const formatMajor = h.u16(HEADER.at.format_major);
    if (formatMajor !== FORMAT_MAJOR) {
        fail('UNSUPPORTED_VERSION', `format major ${formatMajor}; this loader reads ${FORMAT_MAJOR}`, HEADER.at.format_major);
    }
    const formatMinor = h.u16(HEADER.at.format_minor);
    const headerSize = h.u32(HEADER.at.header_size);
    const fileSize64 = h.u64(HEADER.at.file_size);
    if (fileSize64 > BigInt(size))
        fail('TRUNCATED', `header says ${fileSize64} bytes, file has ${size}`, HEADER.at.file_size);
    if (fileSize64 < BigInt(size))
        fail('MALFORMED', `header says ${fileSize64} bytes, file has ${size}`, HEADER.at.file_size);
    const flags = h.u32(HEADER.at.flags);
    const unknownRequired = (flags & REQUIRED_FLAGS_MASK & ~HEADER_FLAG.LAYERED) >>> 0;
    if (unknownRequired !== 0) {
        fail('UNSUPPORTED_VERSION', `unknown required flags 0x${unknownRequired.toString(16)}`, HEADER.at.flags);
    }
    const sectionCount = h.u16(HEADER.at.section_count);
    if (sectionCount > LIMITS.MAX_SECTIONS) {
        fail('LIMIT_EXCEEDED', `${sectionCount} sections, more than MAX_SECTIONS (${LIMITS.MAX_SECTIONS})`, HEADER.at.section_count, {
            limit: 'MAX_SECTIONS',
            value: sectionCount,
            max: LIMITS.MAX_SECTIONS,
        });
    }
    const expectedHeader = HEADER.size + sectionCount * SECTION_ENTRY.size;
    if (headerSize !== expectedHeader) {
        fail('MALFORMED', `header_size ${headerSize}, expected ${expectedHeader} for ${sectionCount} sections`, HEADER.at.header_size);
    }
    if (headerSize > size)
        fail('TRUNCATED', `section table ends at ${headerSize}, file has ${size} bytes`, size);
    const checksum = h.u64(HEADER.at.header_checksum);
    const copy = Uint8Array.prototype.slice.call(h.bytes(0, headerSize)); // a copy even when the bytes are a Buffer
    copy.fill(0, HEADER.at.header_checksum, HEADER.end.header_checksum);
    const actual = xxh64(copy);
    if (actual !== checksum) {
        fail('CHECKSUM_MISMATCH', `header checksum ${hex(checksum)}, bytes hash to ${hex(actual)}`, HEADER.at.header_checksum);
    }
    const pythonMagic = h.u16(HEADER.at.python_magic);
    const pythonMajor = h.u8(HEADER.at.python_major);
    const pythonMinor = h.u8(HEADER.at.python_minor);
    const marshalVersion = h.u8(HEADER.at.marshal_version);
    const built = `built for Python ${pythonMajor}.${pythonMinor} (magic ${pythonMagic}, marshal ${marshalVersion})`;
    const pyDetails = { python: `${pythonMajor}.${pythonMinor}`, magic: pythonMagic, marshalVersion, supported: '3.8-3.14' };
    if (pythonMajor !== 3 || pythonMinor < 8 || pythonMinor > 14) {
        fail('UNSUPPORTED_VERSION', `bundle ${built}; this loader reads bundles for Python 3.8 to 3.14`, HEADER.at.python_major, pyDetails);
    }
    // §11.1: python_magic is one of the pyc magics of the declared version (its release magic or a pre-release one).
    const owner = pythonForMagic(pythonMagic);
    if (owner === undefined || owner.minor !== pythonMinor) {
        fail('MALFORMED', `bundle ${built}, but python_magic ${pythonMagic} is ${owner ? `a magic of Python ${owner.version}` : 'no magic of Python 3.8 to 3.14'}, not of Python 3.${pythonMinor}; the header is inconsistent (rebuild the bundle)`, HEADER.at.python_magic, { ...pyDetails, magicPython: owner?.version ?? null });
    }
    const expectedMarshal = marshalVersionForPython(pythonMinor); // range checked above
    if (marshalVersion !== expectedMarshal) {
        fail('UNSUPPORTED_VERSION', `bundle ${built}: marshal version ${marshalVersion} is not Python 3.${pythonMinor}'s (${expectedMarshal})`, HEADER.at.marshal_version, pyDetails);
    }
    const optimize = h.u8(HEADER.at.optimize);
    if (optimize > 2)
        fail('MALFORMED', `optimize level ${optimize}`, HEADER.at.optimize);
    const moduleCount = h.u32(HEADER.at.module_count);
    const codeCount = h.u32(HEADER.at.code_count);
    const stringCount = h.u32(HEADER.at.string_count);
    const constCount = h.u32(HEADER.at.const_count);
    // --- §3 section table
    const sections = {};
    const byId = new Map();
    for (const n of SECTION_ORDER)
        byId.set(SECTION[n], n);
    for (const n of RESOURCE_SECTION_ORDER)
        byId.set(RESOURCE_SECTION[n], n);
    byId.set(LAYER_SECTION.BASE, 'BASE');
    const list = [];
    const unknownIds = new Set();
    for (let i = 0; i < sectionCount; i++) {
        const e = HEADER.size + i * SECTION_ENTRY.size;
        const id = h.u32(e + SECTION_ENTRY.at.id);
        const known = byId.get(id);
        const name = known ?? sectionName(id);
        if (known !== undefined ? sections[known] !== undefined : unknownIds.has(id))
            fail('MALFORMED', `section ${JSON.stringify(name)} appears twice`, e);
        const sflags = h.u32(e + SECTION_ENTRY.at.flags);
        if (known !== undefined) {
            if (sflags !== 0)
                fail('MALFORMED', `section ${name} has flags 0x${sflags.toString(16)}`, e + SECTION_ENTRY.at.flags);
        }
        else {
            // §12: a section from a later minor version is ignored, unless it says an older reader must not ignore it
            unknownIds.add(id);
            if ((sflags & REQUIRED_FLAGS_MASK) !== 0) {
                fail('UNSUPPORTED_VERSION', `section 0x${id.toString(16)} (${JSON.stringify(name)}), unknown to this reader, has required flags 0x${(sflags & REQUIRED_FLAGS_MASK).toString(16)}`, e + SECTION_ENTRY.at.flags);
            }
        }
        const off64 = h.u64(e + SECTION_ENTRY.at.offset);
        const size64 = h.u64(e + SECTION_ENTRY.at.size);
        if (off64 % BigInt(SECTION_ALIGN) !== 0n)
            fail('MISALIGNED', `section ${name} at ${off64} is not ${SECTION_ALIGN}-aligned`, e + SECTION_ENTRY.at.offset);
        if (off64 < BigInt(headerSize) || off64 + size64 > BigInt(size)) {
            fail('OUT_OF_BOUNDS', `section ${name} [${off64}, ${off64 + size64}) is outside [${headerSize}, ${size})`, e + SECTION_ENTRY.at.offset);
        }
        const entry = {
            name,
            known: known !== undefined,
            id,
            entryOffset: e,
            offset: Number(off64),
            size: Number(size64),
            checksum: h.u64(e + SECTION_ENTRY.at.checksum),
        };
        if (known !== undefined)
            sections[known] = entry;
        list.push(entry);
    }
    for (const n of SECTION_ORDER) {
        if (sections[n] !== undefined)
            continue;
        // a damaged id is the likely cause: point at the first entry whose id this reader does not know
        const stray = list.find((x) => !x.known);
        if (stray === undefined)
            fail('MALFORMED', `required section ${n} is missing`, HEADER.at.section_count);
        fail('MALFORMED', `required section ${n} is missing; the entry at ${stray.entryOffset} has id 0x${stray.id.toString(16)} (${JSON.stringify(stray.name)}), unknown to this reader`, stray.entryOffset);
    }
    // §15: the resource sections come as a group (a reader can then trust every cross-reference between them)
    const present = RESOURCE_SECTION_ORDER.filter((n) => sections[n] !== undefined);
    if (present.length !== 0 && present.length !== RESOURCE_SECTION_ORDER.length) {
        const missing = RESOURCE_SECTION_ORDER.filter((n) => sections[n] === undefined);
        fail('MALFORMED', `resource sections ${missing.join(', ')} are missing (SPEC.md §15: all seven or none)`, sections[present[0]].entryOffset);
    }
    const allSections = [...list];
    list.sort((a, b) => a.offset - b.offset);
    for (let i = 1; i < list.length; i++) {
        const p = list[i - 1];
        const c = list[i];
        if (p.offset + p.size > c.offset)
            fail('MALFORMED', `sections ${p.name} and ${c.name} overlap`, c.entryOffset + SECTION_ENTRY.at.offset);
    }
    const s = sections;
    // --- sizes against the header counts
    const expectSize = (n, want, what) => {
        if (s[n].size !== want)
            fail('MALFORMED', `section ${n} is ${s[n].size} bytes; ${what} needs ${want}`, s[n].entryOffset + SECTION_ENTRY.at.size);
    };
    expectSize('MODS', moduleCount * MODULE.size, `${moduleCount} modules`);
    expectSize('CODE', codeCount * CODE.size, `${codeCount} code records`);
    expectSize('STRT', stringCount * TABLE_ENTRY_SIZE, `${stringCount} strings`);
    expectSize('CNST', constCount * TABLE_ENTRY_SIZE, `${constCount} constants`);
    const midx = new Section(mem, 'MIDX', s.MIDX.offset, s.MIDX.size);
    if (s.MIDX.size < MIDX_HEADER.size)
        fail('MALFORMED', `MIDX is ${s.MIDX.size} bytes, shorter than its header`, s.MIDX.entryOffset + SECTION_ENTRY.at.size);
    const slotCount = midx.u32(MIDX_HEADER.at.slot_count);
    const hashId = midx.u32(MIDX_HEADER.at.hash);
    if (moduleCount === 0 ? slotCount !== 0 && !isPow2(slotCount) : !isPow2(slotCount) || slotCount < 2 * moduleCount) {
        fail('MALFORMED', `MIDX slot_count ${slotCount} for ${moduleCount} modules (a power of two >= 2 x modules)`, s.MIDX.offset);
    }
    if (slotCount !== 0 && hashId !== MIDX_HASH_FNV1A32)
        fail('UNSUPPORTED_VERSION', `MIDX hash function ${hashId}`, s.MIDX.offset + MIDX_HEADER.at.hash);
    expectSize('MIDX', MIDX_HEADER.size + slotCount * MIDX_SLOT.size, `${slotCount} slots`);
    let resources;
    if (present.length > 0) {
        resources = sections;
        const multiple = (n, size, what) => {
            if (resources[n].size % size !== 0) {
                fail('MALFORMED', `section ${n} is ${resources[n].size} bytes, not a whole number of ${size}-byte ${what}`, resources[n].entryOffset + SECTION_ENTRY.at.size);
            }
        };
        multiple('PKGS', OWNER.size, 'owner records');
        multiple('DIST', OWNER.size, 'owner records');
        multiple('FILE', FILE_ENTRY.size, 'file entries');
        const srcs = resources.SRCS.size;
        if (srcs !== 0 && srcs !== moduleCount * SOURCE.size) {
            fail('MALFORMED', `section SRCS is ${srcs} bytes; it is empty or holds ${moduleCount} source records (${moduleCount * SOURCE.size} bytes)`, resources.SRCS.entryOffset + SECTION_ENTRY.at.size);
        }
        if (resources.INFO.size > LIMITS.MAX_INFO_BYTES) {
            fail('LIMIT_EXCEEDED', `INFO is ${resources.INFO.size} bytes, more than MAX_INFO_BYTES (${LIMITS.MAX_INFO_BYTES})`, resources.INFO.entryOffset + SECTION_ENTRY.at.size, {
                limit: 'MAX_INFO_BYTES', value: resources.INFO.size, max: LIMITS.MAX_INFO_BYTES,
            });
        }
    }
    const base = readBase(mem, sections.BASE, (flags & HEADER_FLAG.LAYERED) !== 0, pythonMagic);
    return {
        formatMajor,
        formatMinor,
        headerSize,
        fileSize: size,
        pythonMagic,
        pythonMajor,
        pythonMinor,
        marshalVersion,
        optimize,
        sectionCount,
        flags,
        moduleCount,
        codeCount,
        stringCount,
        constCount,
        checksum,
        sections: s,
        resources,
        allSections,
        slotCount,
        base,
    };
}
/** §16: BASE is present exactly when the LAYERED flag is set; its record and name are checked here (bounded by MAX_PATH_BYTES). */
function readBase(mem, e, layered, pythonMagic) {
    if (e === undefined) {
        if (layered)
            fail('MALFORMED', 'the header flag LAYERED is set but there is no BASE section (SPEC.md §16)', HEADER.at.flags);
        return undefined;
    }
    if (!layered)
        fail('MALFORMED', 'a BASE section without the header flag LAYERED (SPEC.md §16)', e.entryOffset);
    const sizeAt = e.entryOffset + SECTION_ENTRY.at.size;
    if (e.size < BASE_RECORD.size)
        fail('MALFORMED', `section BASE is ${e.size} bytes, shorter than its ${BASE_RECORD.size}-byte record`, sizeAt);
    const b = new Section(mem, 'BASE', e.offset, e.size);
    const nameLength = b.u32(BASE_RECORD.at.name_length);
    if (nameLength === 0 || nameLength > LIMITS.MAX_PATH_BYTES) {
        fail('MALFORMED', `BASE name_length ${nameLength} (1 to MAX_PATH_BYTES, ${LIMITS.MAX_PATH_BYTES})`, e.offset + BASE_RECORD.at.name_length);
    }
    if (e.size !== BASE_RECORD.size + nameLength) {
        fail('MALFORMED', `section BASE is ${e.size} bytes; its record and ${nameLength}-byte name need ${BASE_RECORD.size + nameLength}`, sizeAt);
    }
    if (b.u16(BASE_RECORD.at.reserved) !== 0)
        fail('MALFORMED', 'BASE reserved field is not zero', e.offset + BASE_RECORD.at.reserved);
    const magic = b.u16(BASE_RECORD.at.python_magic);
    if (magic !== pythonMagic) {
        fail('MALFORMED', `BASE says the base holds code for pyc magic ${magic}, this bundle's is ${pythonMagic}`, e.offset + BASE_RECORD.at.python_magic);
    }
    let name;
    try {
        name = new TextDecoder('utf-8', { fatal: true }).decode(b.bytes(BASE_RECORD.size, nameLength));
    }
    catch {
        fail('BAD_UTF8', 'the base bundle\'s name in BASE is not UTF-8', e.offset + BASE_RECORD.size);
    }
    const problem = resourcePathProblem(name);
    if (problem !== undefined)
        fail('MALFORMED', `the base bundle's name in BASE, ${JSON.stringify(name)}: ${problem}`, e.offset + BASE_RECORD.size);
    const fileSize = b.u64(BASE_RECORD.at.file_size);
    if (fileSize > BigInt(Number.MAX_SAFE_INTEGER))
        fail('MALFORMED', `BASE file_size ${fileSize}`, e.offset + BASE_RECORD.at.file_size);
    return { checksum: b.u64(BASE_RECORD.at.header_checksum), fileSize: Number(fileSize), pythonMagic: magic, name };
}
function isPow2(n) {
    return n > 0 && (n & (n - 1)) === 0;
}
export function hex(v) {
    return '0x' + v.toString(16).padStart(16, '0');
}
//# sourceMappingURL=header.js.map