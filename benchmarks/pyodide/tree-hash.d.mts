/** Types for tree-hash.mjs. */
export function treeHash(paths: readonly string[], options?: { skipDirs?: readonly string[]; chars?: number }): string
