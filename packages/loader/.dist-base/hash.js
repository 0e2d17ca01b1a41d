/**
 * xxh64 (seed 0), the checksum of the header and of every section (§2, §3).
 *
 * xxhash-wasm compiles its WebAssembly asynchronously; the top-level await keeps
 * every loader API synchronous: by the time anyone can import the loader, the
 * hasher is ready.
 */
import xxhash from 'xxhash-wasm';
const api = await xxhash();
export function xxh64(bytes) {
    return api.h64Raw(bytes, 0n);
}
/** xxh64 (seed 0) fed in pieces: the hasher's memory stays the size of a piece, not of the input. */
export function xxh64Stream() {
    return api.create64(0n);
}
//# sourceMappingURL=hash.js.map