import { type ResourceSectionName, type SectionName } from '@pybundle/format-spec';
import { type Mem } from './mem.js';
/** §16 A layered bundle's base: what the BASE section says it must be read with. */
export interface BaseRef {
    /** The base's header_checksum: its identity. */
    readonly checksum: bigint;
    readonly fileSize: number;
    readonly pythonMagic: number;
    /** Where to find it, relative to the app bundle ("stdlib.pyb"). */
    readonly name: string;
}
export interface SectionEntry {
    /** The section's id as four characters; a section this reader does not know (§12) keeps its id's text. */
    readonly name: SectionName | ResourceSectionName | string;
    /** False for a section id this reader does not know: it is bounds- and checksum-checked, and otherwise ignored (§12). */
    readonly known: boolean;
    readonly id: number;
    /** Absolute offset of the section table entry. */
    readonly entryOffset: number;
    readonly offset: number;
    readonly size: number;
    readonly checksum: bigint;
}
export interface Header {
    readonly formatMajor: number;
    readonly formatMinor: number;
    readonly headerSize: number;
    readonly fileSize: number;
    readonly pythonMagic: number;
    readonly pythonMajor: number;
    readonly pythonMinor: number;
    readonly marshalVersion: number;
    readonly optimize: number;
    readonly sectionCount: number;
    readonly flags: number;
    readonly moduleCount: number;
    readonly codeCount: number;
    readonly stringCount: number;
    readonly constCount: number;
    readonly checksum: bigint;
    readonly sections: Readonly<Record<SectionName, SectionEntry>>;
    /** The §15 resource sections (format 1.1): all seven, or undefined (every 1.0 file). */
    readonly resources: Readonly<Record<ResourceSectionName, SectionEntry>> | undefined;
    /** §16 The base of a layered bundle (format 1.2), or undefined. */
    readonly base: BaseRef | undefined;
    /** Every section entry, in section table order. */
    readonly allSections: readonly SectionEntry[];
    /** MIDX slot count (read at open: the one field needed to size-check MIDX). */
    readonly slotCount: number;
}
export declare function readHeader(mem: Mem): Header;
export declare function hex(v: bigint): string;
//# sourceMappingURL=header.d.ts.map