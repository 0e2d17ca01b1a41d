/**
 * Counts what the data sections would hold if records were shared only inside
 * a module (as separate .pyc files share them through marshal references), so
 * the writer can report what cross-module sharing saves. See BundleStats.sharing.
 */
export class SharingCounter {
  private seen = new Set<string | number>()
  /** Bytes of the records first referenced in each module, summed over modules. */
  perModuleBytes = 0

  beginModule(): void {
    this.seen.clear()
  }

  /**
   * A record with this key and padded size was referenced by the current
   * module. True when this is the module's first reference to it.
   */
  note(key: string | number, size: number): boolean {
    if (this.seen.has(key)) return false
    this.seen.add(key)
    this.perModuleBytes += size
    return true
  }
}
