/** /proc/<pid>/smaps: the entry of one mapped file, in bytes. */
export interface MappingMem {
  size: number
  rss: number
  pss: number
  sharedClean: number
  sharedDirty: number
  privateClean: number
  privateDirty: number
  /** How many mappings of the file the process has (a loader that maps once shows 1). */
  mappings: number
}

export function mappingOf(smaps: string, file: string): MappingMem | null {
  const lines = smaps.split('\n')
  const out: MappingMem = { size: 0, rss: 0, pss: 0, sharedClean: 0, sharedDirty: 0, privateClean: 0, privateDirty: 0, mappings: 0 }
  let inside = false
  const keys: Record<string, keyof MappingMem> = {
    Size: 'size', Rss: 'rss', Pss: 'pss', Shared_Clean: 'sharedClean', Shared_Dirty: 'sharedDirty', Private_Clean: 'privateClean', Private_Dirty: 'privateDirty',
  }
  for (const line of lines) {
    if (/^[0-9a-f]+-[0-9a-f]+ /.test(line)) {
      inside = line.endsWith(' ' + file) || line.endsWith('\t' + file)
      if (inside) out.mappings++
      continue
    }
    if (!inside) continue
    const m = /^(\w+):\s+(\d+) kB/.exec(line)
    if (m && keys[m[1]]) out[keys[m[1]]] += Number(m[2]) * 1024
  }
  return out.mappings ? out : null
}
