/**
 * Map the whole file PROT_READ, MAP_SHARED. The file descriptor is closed again; the mapping stays.
 * Only regular files are opened: the path is stat'ed first, and opened O_NONBLOCK, so a FIFO (which
 * open(2) would block on until a writer appears) or a device never hangs the caller; the descriptor
 * is fstat'ed again in case the path was replaced in between.
 * `copyOnWrite`: MAP_PRIVATE and writable, read sequentially; a write changes this process's
 * copy of that page only (the snapshot file's loader spoils a damaged snapshot that way, §17).
 */
export declare function mapFile(path: string, copyOnWrite?: boolean): Uint8Array;
//# sourceMappingURL=mapping.d.ts.map