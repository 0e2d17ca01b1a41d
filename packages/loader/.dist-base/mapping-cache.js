/**
 * A cache of file mappings (one per thread: a worker has its own instance of this
 * module and makes its own mappings), so opening an unchanged bundle again
 * (close + reopen, or several Bundle objects over one file) reuses the mapping
 * instead of mapping it anew. Each fresh mapping makes V8 count the whole file as
 * external memory, which triggers a scavenge about once per open; a reused one
 * costs one stat.
 *
 * Key: (dev, ino, size, mtime, ctime, birth time) from one stat of the path. A file
 * replaced by rename has a new inode, so a new key and a new mapping; a file
 * rewritten in place keeps its inode, and the MAP_SHARED mapping of that inode
 * already shows what any new mapping would (size and times are in the key, so a
 * mapping of the wrong length is never reused).
 *
 * Entries hold the mapping weakly (WeakRef to its ArrayBuffer), and the cache
 * keeps a strong reference only to the current mapping of the last RECENT paths
 * opened: a WeakRef alone does not survive close() + a collection, which
 * (between the asynchronous jobs of a host) would make every reopen map again.
 * When a path is found to name another file (new key), or falls out of the recent
 * paths, its old mapping is held weakly only; once no Bundle and no caller view
 * references it, the collector frees it (mmap-io unmaps in the Buffer's finalizer)
 * and the FinalizationRegistry drops the entry.
 */
import { statSync } from 'node:fs';
import { mapFile } from './mapping.js';
const cache = new Map();
/** Strong references: path -> (key, mapping) for the RECENT most recently opened paths (Map order = LRU). */
const RECENT = 4;
const recent = new Map();
function keep(path, key, buf) {
    const r = recent.get(path);
    if (r !== undefined) {
        recent.delete(path);
        if (r.key === key) {
            recent.set(path, r);
            return;
        }
    }
    recent.set(path, { key, buf });
    if (recent.size > RECENT)
        recent.delete(recent.keys().next().value);
}
const registry = new FinalizationRegistry(({ key, ref }) => {
    if (cache.get(key)?.ref === ref)
        cache.delete(key);
});
function identity(path) {
    let st;
    try {
        st = statSync(path, { bigint: true, throwIfNoEntry: false });
    }
    catch {
        return undefined; // let mapFile report it with its usual error
    }
    if (st === undefined || !st.isFile())
        return undefined;
    return `${st.dev}:${st.ino}:${st.size}:${st.mtimeNs}:${st.ctimeNs}:${st.birthtimeNs}`;
}
/** The mapping of `path`: a live cached one when the file is unchanged, else a new one (cached). */
export function mapFileCached(path) {
    const key = identity(path);
    if (key !== undefined) {
        const e = cache.get(key);
        if (e !== undefined) {
            const buf = e.ref.deref();
            if (buf !== undefined) {
                keep(path, key, buf);
                return new Uint8Array(buf, e.byteOffset, e.byteLength);
            }
            cache.delete(key);
        }
    }
    const bytes = mapFile(path);
    // Cache only when the path still names the file we stat'ed before mapping it.
    if (key !== undefined && identity(path) === key) {
        const ref = new WeakRef(bytes.buffer);
        cache.set(key, { ref, byteOffset: bytes.byteOffset, byteLength: bytes.byteLength });
        registry.register(bytes.buffer, { key, ref });
        keep(path, key, bytes.buffer);
    }
    else {
        recent.delete(path);
    }
    return bytes;
}
//# sourceMappingURL=mapping-cache.js.map