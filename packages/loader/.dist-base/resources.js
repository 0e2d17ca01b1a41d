/**
 * §15 The resource sections (format 1.1): package data files (PKGS + FILE),
 * distribution metadata (DIST + FILE), module sources (SRCS) and build
 * provenance (INFO), with their names in RSTR and their bytes in DATA.
 *
 * Nothing here is read at open. A lookup binary-searches the sorted owner
 * records, then the owner's sorted file range: O(log n) records touched, never a
 * scan. Every path is checked against the resource-path rules (§15.1) before it
 * is handed out, and every payload is a bounds- and alignment-checked view into
 * the mapping.
 */
import { fail } from '@pybundle/errors';
import { DATA_ALIGN, FILE_ENTRY, LIMITS, OWNER, OWNER_FLAG, SOURCE, SOURCE_FLAG, resourcePathProblem, } from '@pybundle/format-spec';
import { Section } from './mem.js';
const strict = new TextDecoder('utf-8', { fatal: true });
const encoder = new TextEncoder();
/** UTF-8 of a caller's key, or undefined when it cannot name anything (lone surrogates). */
export function keyBytes(s) {
    if (typeof s !== 'string' || /[\uD800-\uDFFF]/u.test(s))
        return undefined;
    return encoder.encode(s);
}
function compare(a, b) {
    const n = Math.min(a.length, b.length);
    for (let i = 0; i < n; i++)
        if (a[i] !== b[i])
            return a[i] - b[i];
    return a.length - b.length;
}
export class Resources {
    mem;
    sec;
    packageCount;
    distCount;
    fileCount;
    info;
    constructor(mem, header) {
        this.mem = mem;
        const r = header.resources;
        const mk = (n) => new Section(mem, n, r[n].offset, r[n].size);
        this.sec = { PKGS: mk('PKGS'), DIST: mk('DIST'), FILE: mk('FILE'), SRCS: mk('SRCS'), RSTR: mk('RSTR'), INFO: mk('INFO'), DATA: mk('DATA') };
        this.packageCount = r.PKGS.size / OWNER.size;
        this.distCount = r.DIST.size / OWNER.size;
        this.fileCount = r.FILE.size / FILE_ENTRY.size;
    }
    clear() {
        this.info = undefined;
    }
    // --- RSTR ---------------------------------------------------------------------
    /** Bytes of a name or path in RSTR; `field` is the absolute offset of the offset field (for errors). */
    str(offset, length, field) {
        if (length > LIMITS.MAX_PATH_BYTES) {
            fail('LIMIT_EXCEEDED', `resource name of ${length} bytes, longer than MAX_PATH_BYTES (${LIMITS.MAX_PATH_BYTES})`, field, {
                limit: 'MAX_PATH_BYTES', value: length, max: LIMITS.MAX_PATH_BYTES,
            });
        }
        if (offset + length > this.sec.RSTR.size)
            fail('OUT_OF_BOUNDS', `name [${offset}, ${offset + length}) is outside RSTR (size ${this.sec.RSTR.size})`, field);
        return this.sec.RSTR.bytes(offset, length);
    }
    /** A path (or, `single`, a distribution name) decoded and checked against §15.1. */
    path(bytes, field, single = false) {
        let text;
        try {
            text = strict.decode(bytes);
        }
        catch {
            fail('MALFORMED', 'resource path is not valid UTF-8', field);
        }
        const why = resourcePathProblem(text, { single });
        if (why !== undefined)
            fail('MALFORMED', `resource path ${JSON.stringify(text.slice(0, 200))} is not allowed: ${why} (SPEC.md §15.1)`, field, { path: text });
        return text;
    }
    // --- PKGS / DIST ------------------------------------------------------------------
    ownerCount(kind) {
        return kind === 'PKGS' ? this.packageCount : this.distCount;
    }
    ownerField(kind, i, field) {
        return this.sec[kind].start + i * OWNER.size + OWNER.at[field];
    }
    ownerU32(kind, i, field) {
        return this.sec[kind].u32(i * OWNER.size + OWNER.at[field]);
    }
    ownerNameBytes(kind, i) {
        return this.str(this.ownerU32(kind, i, 'name_offset'), this.ownerU32(kind, i, 'name_length'), this.ownerField(kind, i, 'name_offset'));
    }
    /** The owner's FILE range [first, first + count), checked against FILE. */
    ownerFiles(kind, i) {
        const first = this.ownerU32(kind, i, 'first_file');
        const count = this.ownerU32(kind, i, 'file_count');
        if (first > this.fileCount || count > this.fileCount - first) {
            fail('BAD_INDEX', `${kind}[${i}] files [${first}, ${first + count}) outside FILE (${this.fileCount} entries)`, this.ownerField(kind, i, 'first_file'));
        }
        return [first, first + count];
    }
    /** Owner record index by name (binary search over the sorted records), or -1. */
    findOwner(kind, name) {
        let lo = 0;
        let hi = this.ownerCount(kind);
        while (lo < hi) {
            const mid = (lo + hi) >>> 1;
            const d = compare(this.ownerNameBytes(kind, mid), name);
            if (d === 0)
                return mid;
            if (d < 0)
                lo = mid + 1;
            else
                hi = mid;
        }
        return -1;
    }
    // --- FILE and DATA ------------------------------------------------------------------
    fileField(k, field) {
        return this.sec.FILE.start + k * FILE_ENTRY.size + FILE_ENTRY.at[field];
    }
    filePathBytes(k) {
        const rel = k * FILE_ENTRY.size;
        return this.str(this.sec.FILE.u32(rel + FILE_ENTRY.at.path_offset), this.sec.FILE.u32(rel + FILE_ENTRY.at.path_length), this.fileField(k, 'path_offset'));
    }
    filePath(k) {
        return this.path(this.filePathBytes(k), this.fileField(k, 'path_offset'));
    }
    fileData(k) {
        const rel = k * FILE_ENTRY.size;
        return this.payload(this.sec.FILE.u64(rel + FILE_ENTRY.at.data_offset), this.sec.FILE.u64(rel + FILE_ENTRY.at.data_size), this.fileField(k, 'data_offset'));
    }
    /** FILE index of `path` among [lo, hi) (sorted by path bytes), or -1. */
    findFile(lo, hi, path) {
        while (lo < hi) {
            const mid = (lo + hi) >>> 1;
            const d = compare(this.filePathBytes(mid), path);
            if (d === 0)
                return mid;
            if (d < 0)
                lo = mid + 1;
            else
                hi = mid;
        }
        return -1;
    }
    /** A zero-copy view of DATA [offset, offset + size), checked (§15.6). */
    payload(offset64, size64, field) {
        if (size64 > BigInt(LIMITS.MAX_DATA_FILE_SIZE)) {
            fail('LIMIT_EXCEEDED', `payload of ${size64} bytes, more than MAX_DATA_FILE_SIZE (${LIMITS.MAX_DATA_FILE_SIZE})`, field, {
                limit: 'MAX_DATA_FILE_SIZE', value: Number(size64), max: LIMITS.MAX_DATA_FILE_SIZE,
            });
        }
        if (offset64 % BigInt(DATA_ALIGN) !== 0n)
            fail('MISALIGNED', `payload at DATA+${offset64} is not ${DATA_ALIGN}-aligned`, field);
        if (offset64 + size64 > BigInt(this.sec.DATA.size)) {
            fail('OUT_OF_BOUNDS', `payload [${offset64}, ${offset64 + size64}) is outside DATA (size ${this.sec.DATA.size})`, field);
        }
        return this.sec.DATA.bytes(Number(offset64), Number(size64));
    }
    // --- SRCS ------------------------------------------------------------------------------
    /** Module m's stored source, or null (SRCS empty or the record not PRESENT). */
    source(m) {
        if (this.sec.SRCS.size === 0)
            return null;
        const rel = m * SOURCE.size;
        const flags = this.sec.SRCS.u32(rel + SOURCE.at.flags);
        const field = this.sec.SRCS.start + rel;
        if ((flags & ~SOURCE_FLAG.PRESENT) !== 0)
            fail('MALFORMED', `SRCS[${m}] has unknown flags 0x${flags.toString(16)}`, field + SOURCE.at.flags);
        if ((flags & SOURCE_FLAG.PRESENT) === 0)
            return null;
        return this.payload(this.sec.SRCS.u64(rel + SOURCE.at.data_offset), BigInt(this.sec.SRCS.u32(rel + SOURCE.at.data_size)), field + SOURCE.at.data_offset);
    }
    // --- INFO ------------------------------------------------------------------------------
    /** The parsed INFO JSON (cached), or null when INFO is empty. */
    buildInfo() {
        if (this.info !== undefined)
            return this.info;
        const sec = this.sec.INFO;
        if (sec.size === 0)
            return (this.info = null);
        const bad = (why) => fail('MALFORMED', `INFO: ${why}`, sec.start);
        let value;
        try {
            value = JSON.parse(strict.decode(sec.bytes(0, sec.size)));
        }
        catch (e) {
            bad(`not UTF-8 JSON (${e instanceof Error ? e.message : String(e)})`);
        }
        checkBuildInfo(value, bad);
        return (this.info = value);
    }
    /** Distribution flags, checked (for readers and verify). */
    distFlags(i) {
        const f = this.ownerU32('DIST', i, 'flags');
        if ((f & ~OWNER_FLAG.SINGLE_FILE) !== 0)
            fail('MALFORMED', `DIST[${i}] has unknown flags 0x${f.toString(16)}`, this.ownerField('DIST', i, 'flags'));
        return f;
    }
}
const isObject = (v) => v !== null && typeof v === 'object' && !Array.isArray(v);
const isStrings = (v) => Array.isArray(v) && v.every((x) => typeof x === 'string');
/** The shape Bundle.buildInfo() promises (§15.5); fields beyond it are kept as they are. */
function checkBuildInfo(v, bad) {
    if (!isObject(v))
        bad('not a JSON object');
    const o = v;
    if (!isObject(o.modules))
        bad('"modules" is not an object');
    for (const [name, m] of Object.entries(o.modules)) {
        if (!isObject(m) || typeof m.reason !== 'string')
            bad(`modules[${JSON.stringify(name)}] has no "reason" string`);
        const r = m;
        if (r.importedBy !== undefined && !isStrings(r.importedBy))
            bad(`modules[${JSON.stringify(name)}].importedBy is not a list of strings`);
        if (r.optional !== undefined && typeof r.optional !== 'boolean')
            bad(`modules[${JSON.stringify(name)}].optional is not a boolean`);
    }
    if (o.skippedData !== undefined) {
        if (!Array.isArray(o.skippedData))
            bad('"skippedData" is not a list');
        for (const s of o.skippedData) {
            if (!isObject(s) || typeof s.package !== 'string' || typeof s.path !== 'string' || typeof s.reason !== 'string')
                bad('a "skippedData" entry lacks package, path or reason');
        }
    }
}
//# sourceMappingURL=resources.js.map