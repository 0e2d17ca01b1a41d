/**
 * A cache indexed by table entry (STRT or CNST index) whose memory follows what is
 * touched, not the table size: 256-slot pages are created on first use, and the
 * page directory itself only when the first page is. Open allocates nothing here;
 * touching k entries allocates at most k pages. (1,024-slot pages made the startup
 * working set allocate 456 KiB of mostly empty pages per open; 256 slots, 328 KiB.)
 */
export const PAGE_BITS = 8;
export const PAGE_SIZE = 1 << PAGE_BITS;
const MASK = PAGE_SIZE - 1;
export class PagedCache {
    count;
    dir;
    /** Pages allocated so far (diagnostics and tests). */
    pages = 0;
    constructor(
    /** Number of entries the index space has (entries are 0 .. count - 1). */
    count) {
        this.count = count;
    }
    get(i) {
        const d = this.dir;
        if (d === undefined)
            return undefined;
        const p = d[i >>> PAGE_BITS];
        return p === undefined ? undefined : p[i & MASK];
    }
    set(i, v) {
        const d = (this.dir ??= new Array((this.count + MASK) >>> PAGE_BITS));
        const k = i >>> PAGE_BITS;
        let p = d[k];
        if (p === undefined) {
            p = new Array(PAGE_SIZE); // holes read as undefined; filling them is a second pass
            d[k] = p;
            this.pages++;
        }
        p[i & MASK] = v;
    }
    clear() {
        this.dir = undefined;
        this.pages = 0;
    }
}
//# sourceMappingURL=paged.js.map