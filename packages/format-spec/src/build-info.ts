/**
 * §15.5 What INFO holds: build provenance as UTF-8 JSON. The writer stores it
 * with object keys sorted (so the same build gives the same bytes, §14); readers
 * get it back parsed (Bundle.buildInfo()). Fields beyond these are kept.
 */
export interface BuildInfo {
  /** Why each module is in the bundle. reason: 'include' | 'stdlib' | 'trace' | 'closure' | 'package' | 'parent'. */
  modules: Record<string, { reason: string; importedBy?: string[]; optional?: boolean }>
  /** Data files/dirs left out, with the reason ("symlink loop", "over the size limit (N bytes)", ...). */
  skippedData?: { package: string; path: string; reason: string }[]
}
