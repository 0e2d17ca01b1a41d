import { MODULE, MODULE_FLAG, NONE, OWNER_FLAG, SOURCE, SOURCE_FLAG } from '@pybundle/format-spec';
function compare(a, b) {
    const n = Math.min(a.length, b.length);
    for (let i = 0; i < n; i++)
        if (a[i] !== b[i])
            return a[i] - b[i];
    return a.length - b.length;
}
function sameBytes(a, b) {
    return a.length === b.length && compare(a, b) === 0;
}
/** Returns the number of records walked. */
export function verifyResources(c, r, add, guard) {
    let walked = 0;
    /** [start, end) of every payload in DATA, relative to DATA, for the zero-gap check. */
    const spans = [];
    const dataBase = c.mem.u8.byteOffset + r.sec.DATA.start;
    const noteSpan = (v) => {
        if (v.length > 0)
            spans.push([v.byteOffset - dataBase, v.byteOffset - dataBase + v.length]);
    };
    let nextFile = 0;
    const owners = (kind) => {
        let prev;
        for (let i = 0; i < r.ownerCount(kind); i++) {
            walked++;
            let path = `${kind}[${i}]`;
            guard(path, () => {
                const at = (f) => r.ownerField(kind, i, f);
                const nb = r.ownerNameBytes(kind, i);
                if (kind === 'DIST') {
                    path = `${kind}[${i}] ${r.path(nb, at('name_offset'), true)}`;
                }
                else {
                    path = `${kind}[${i}] ${new TextDecoder().decode(nb)}`;
                    if (nb.length === 0)
                        add('MALFORMED', at('name_offset'), path, 'empty package name');
                }
                if (prev !== undefined && compare(prev, nb) >= 0)
                    add('MALFORMED', at('name_offset'), path, `${kind} names are not sorted by UTF-8 bytes, or repeat`);
                prev = nb;
                const flags = r.ownerU32(kind, i, 'flags');
                const module = r.ownerU32(kind, i, 'module');
                const [first, end] = r.ownerFiles(kind, i);
                if (first !== nextFile)
                    add('MALFORMED', at('first_file'), path, `files start at FILE[${first}]; the previous owner ended at FILE[${nextFile}]`);
                nextFile = end;
                if (kind === 'PKGS') {
                    if (flags !== 0)
                        add('MALFORMED', at('flags'), path, `PKGS flags 0x${flags.toString(16)} (must be zero)`);
                    if (module >= c.moduleCount)
                        return add('BAD_INDEX', at('module'), path, `module ${module} of ${c.moduleCount}`);
                    if (!sameBytes(c.modNameBytes(module), nb))
                        add('MALFORMED', at('module'), path, `MODS[${module}] has another name`);
                    const mf = c.modU32(module, 'flags');
                    if (!(mf & MODULE_FLAG.PACKAGE) || mf & MODULE_FLAG.NAMESPACE) {
                        add('MALFORMED', c.sec.MODS.start + module * MODULE.size + MODULE.at.flags, path, 'data belongs to a module that is not a regular package');
                    }
                }
                else {
                    r.distFlags(i);
                    if (module !== NONE)
                        add('MALFORMED', at('module'), path, 'a distribution names a module');
                    if (flags & OWNER_FLAG.SINGLE_FILE) {
                        const single = end - first === 1 && sameBytes(r.filePathBytes(first), PKG_INFO);
                        if (!single)
                            add('MALFORMED', at('file_count'), path, 'a single-file distribution holds exactly one file, PKG-INFO');
                    }
                }
                let prevPath;
                for (let k = first; k < end; k++) {
                    walked++;
                    guard(`${path} FILE[${k}]`, () => {
                        const pb = r.filePathBytes(k);
                        const p = r.filePath(k);
                        if (prevPath !== undefined && compare(prevPath, pb) >= 0) {
                            add('MALFORMED', r.fileField(k, 'path_offset'), `${path} FILE[${k}] ${p}`, 'paths are not sorted by UTF-8 bytes, or repeat');
                        }
                        prevPath = pb;
                        noteSpan(r.fileData(k));
                    });
                }
            });
        }
    };
    owners('PKGS');
    owners('DIST');
    guard('FILE', () => {
        if (nextFile !== r.fileCount)
            add('MALFORMED', r.sec.FILE.start, 'FILE', `owners hold ${nextFile} file entries, FILE has ${r.fileCount}`);
    });
    if (r.sec.SRCS.size > 0) {
        for (let m = 0; m < c.moduleCount; m++) {
            walked++;
            guard(`SRCS[${m}]`, () => {
                const src = r.source(m);
                if (src !== null)
                    return noteSpan(src);
                const rel = m * SOURCE.size;
                if (r.sec.SRCS.u64(rel + SOURCE.at.data_offset) !== 0n || r.sec.SRCS.u32(rel + SOURCE.at.data_size) !== 0) {
                    add('MALFORMED', r.sec.SRCS.start + rel, `SRCS[${m}]`, `a record without ${Object.keys(SOURCE_FLAG)[0]} is not all zero`);
                }
            });
        }
    }
    guard('INFO', () => void r.buildInfo());
    guard('DATA', () => {
        spans.sort((a, b) => a[0] - b[0]);
        const u8 = r.sec.DATA.bytes(0, r.sec.DATA.size);
        let pos = 0;
        for (const [s, e] of [...spans, [u8.length, u8.length]]) {
            for (let i = pos; i < s; i++) {
                if (u8[i] !== 0)
                    return add('MALFORMED', r.sec.DATA.start + i, 'DATA', 'nonzero byte outside every payload');
            }
            pos = Math.max(pos, e);
        }
    });
    return walked;
}
const PKG_INFO = new TextEncoder().encode('PKG-INFO');
//# sourceMappingURL=verify-resources.js.map