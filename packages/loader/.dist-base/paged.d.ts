/**
 * A cache indexed by table entry (STRT or CNST index) whose memory follows what is
 * touched, not the table size: 256-slot pages are created on first use, and the
 * page directory itself only when the first page is. Open allocates nothing here;
 * touching k entries allocates at most k pages. (1,024-slot pages made the startup
 * working set allocate 456 KiB of mostly empty pages per open; 256 slots, 328 KiB.)
 */
export declare const PAGE_BITS = 8;
export declare const PAGE_SIZE: number;
export declare class PagedCache<T> {
    /** Number of entries the index space has (entries are 0 .. count - 1). */
    readonly count: number;
    private dir;
    /** Pages allocated so far (diagnostics and tests). */
    pages: number;
    constructor(
    /** Number of entries the index space has (entries are 0 .. count - 1). */
    count: number);
    get(i: number): T | undefined;
    set(i: number, v: T): void;
    clear(): void;
}
//# sourceMappingURL=paged.d.ts.map