/**
 * Mapping a .pyb file read-only with @pybundle/mmap-io (mmap-io 1.1.7 patched to
 * build on Node 20+ and to load in worker threads). It is a CommonJS native addon
 * and an optional dependency, loaded lazily, so that a host where it could not be
 * built can still use openBundleFromBuffer; openBundle there fails with NO_MMAP.
 */
import { closeSync, constants, fstatSync, openSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { PyBundleError, fail } from '@pybundle/errors';
const ADDON = '@pybundle/mmap-io';
const INSTEAD = 'or read the file into memory and use openBundleFromBuffer(readFileSync(path)) instead';
let lib;
/** Why the addon could not be loaded: the first failure is kept, every open reports it the same way. */
let unavailable;
/** Node's error code, when `e` has one. */
function codeOf(e) {
    const code = e?.code;
    return typeof code === 'string' ? code : undefined;
}
/** What went wrong, in words a person can act on (never the raw dlopen text alone). */
function whyUnavailable(e) {
    const code = codeOf(e);
    const text = e instanceof Error ? e.message.split('\n')[0] : String(e);
    if (code === 'MODULE_NOT_FOUND' && text.includes(`'${ADDON}'`)) {
        return `openBundle maps files with the native addon ${ADDON}, which is not installed: it is an optional dependency of @pybundle/loader, ` +
            `and npm leaves it out where it cannot be compiled (it needs Python 3 and a C++ compiler, or was omitted with --omit=optional); ` +
            `install a compiler and run \`npm install ${ADDON}\`, ${INSTEAD}`;
    }
    if (code === 'MODULE_NOT_FOUND') {
        return `the native addon ${ADDON} is installed but was never built (its install script was skipped: --ignore-scripts, ` +
            `or npm's allowScripts policy does not cover it yet): run \`npm install-scripts approve ${ADDON}\` if npm listed it as not covered, ` +
            `then \`npm rebuild ${ADDON}\` (needs Python 3 and a C++ compiler), ${INSTEAD}`;
    }
    if (text.includes('did not self-register')) {
        return `the native addon ${ADDON} cannot be loaded in this thread (${text}): this build of it is not context-aware, ` +
            `so it loads once per process and not in worker threads; reinstall ${ADDON} (its current version loads in every thread), ${INSTEAD}`;
    }
    return `the native addon ${ADDON} cannot be loaded (${text}): it was probably built for another Node.js or platform; ` +
        `run \`npm rebuild ${ADDON}\` with this Node.js (${process.version}), ${INSTEAD}`;
}
function mmapIo() {
    if (lib !== undefined)
        return lib;
    if (unavailable === undefined) {
        try {
            const require = createRequire(import.meta.url);
            const mod = require(ADDON);
            lib = mod.default ?? mod;
            return lib;
        }
        catch (cause) {
            unavailable = { message: whyUnavailable(cause), cause };
        }
    }
    throw new PyBundleError('NO_MMAP', unavailable.message, { cause: unavailable.cause, details: { addon: ADDON } });
}
/** mmap-io passes the size through a C int. */
const MAX_MAP_SIZE = 0x7fffffff;
/** What a path that is not a regular file is, for the error message. */
function kindOf(st) {
    if (st.isDirectory())
        return 'a directory (folder)';
    if (st.isFIFO())
        return 'a FIFO (named pipe)';
    if (st.isSocket())
        return 'a socket';
    if (st.isCharacterDevice())
        return 'a character device';
    if (st.isBlockDevice())
        return 'a block device';
    return 'not a regular file';
}
function notRegular(path, st) {
    throw new PyBundleError('IO', `cannot open ${path}: it is ${kindOf(st)}, not a .pyb file (give the path of a bundle file written by pybundle build)`, {
        file: path,
        details: { kind: kindOf(st) },
    });
}
/**
 * Map the whole file PROT_READ, MAP_SHARED. The file descriptor is closed again; the mapping stays.
 * Only regular files are opened: the path is stat'ed first, and opened O_NONBLOCK, so a FIFO (which
 * open(2) would block on until a writer appears) or a device never hangs the caller; the descriptor
 * is fstat'ed again in case the path was replaced in between.
 * `copyOnWrite`: MAP_PRIVATE and writable, read sequentially; a write changes this process's
 * copy of that page only (the snapshot file's loader spoils a damaged snapshot that way, §17).
 */
export function mapFile(path, copyOnWrite = false) {
    let st;
    try {
        st = statSync(path);
    }
    catch (cause) {
        throw new PyBundleError('IO', `cannot open ${path}: ${cause.message}`, { file: path, cause });
    }
    if (!st.isFile())
        notRegular(path, st);
    let fd;
    try {
        fd = openSync(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
    }
    catch (cause) {
        throw new PyBundleError('IO', `cannot open ${path}: ${cause.message}`, { file: path, cause });
    }
    try {
        const fst = fstatSync(fd);
        if (!fst.isFile())
            notRegular(path, fst);
        const size = fst.size;
        // mmap of 0 bytes fails with EINVAL: say what is actually wrong.
        if (size === 0)
            fail('TRUNCATED', 'empty file: not a .pyb bundle', 0);
        if (size > MAX_MAP_SIZE) {
            fail('LIMIT_EXCEEDED', `file of ${size} bytes is larger than MAX_MAP_SIZE (${MAX_MAP_SIZE} bytes, what mmap-io can map); use openBundleFromBuffer`, 0, {
                limit: 'MAX_MAP_SIZE',
                value: size,
                max: MAX_MAP_SIZE,
            });
        }
        const m = mmapIo();
        try {
            const buf = copyOnWrite
                ? m.map(size, m.PROT_READ | m.PROT_WRITE, m.MAP_PRIVATE, fd, 0, m.MADV_SEQUENTIAL)
                : m.map(size, m.PROT_READ, m.MAP_SHARED, fd, 0, m.MADV_RANDOM);
            return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
        }
        catch (cause) {
            throw new PyBundleError('IO', `cannot map ${path}: ${cause.message}`, { file: path, cause });
        }
    }
    catch (e) {
        if (e instanceof PyBundleError && e.file === undefined) {
            throw new PyBundleError(e.code, e.message, { offset: e.offset, file: path, details: e.details, cause: e.cause });
        }
        throw e;
    }
    finally {
        closeSync(fd);
    }
}
//# sourceMappingURL=mapping.js.map