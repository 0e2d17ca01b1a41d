/**
 * verify() for the §15 resource sections: every owner record, file entry and
 * source record with the lazy checks of §11.2, plus the whole-file invariants of
 * §11.3 (sorted owners and paths, file runs tiling FILE, PKGS naming regular
 * package modules, zero bytes between payloads). Work is linear in the records
 * (plus a sort of the payload ranges); nothing is sized by a count the file
 * could not hold.
 */
import type { ErrorCode } from '@pybundle/errors';
import type { Core } from './core.js';
import type { Resources } from './resources.js';
type Add = (code: ErrorCode, offset: number, path: string, message: string, details?: Record<string, unknown>) => void;
type Guard = (path: string, fn: () => void) => boolean;
/** Returns the number of records walked. */
export declare function verifyResources(c: Core, r: Resources, add: Add, guard: Guard): number;
export {};
//# sourceMappingURL=verify-resources.d.ts.map