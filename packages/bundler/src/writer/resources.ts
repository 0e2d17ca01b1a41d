/**
 * The resource sections of format 1.1 (§15): PKGS, DIST, FILE, SRCS, RSTR, INFO,
 * DATA. Planned after the modules are sorted (PKGS names module records), laid
 * out after BLOB, written into the same preallocated buffer. Present as a group
 * only when the input has data files, distributions, sources or build info.
 */
import { fail } from '@pybundle/errors'
import {
  FILE_ENTRY, LIMITS, NONE, OWNER, OWNER_FLAG, SOURCE, SOURCE_FLAG, resourcePathProblem,
} from '@pybundle/format-spec'
import type { BuildInfo, ResourceSectionName } from '@pybundle/format-spec'
import type { XXHashAPI } from 'xxhash-wasm'
import type { BundleInput, ModuleInput } from '../bundle-input.js'
import { checkU32, compareBytes, utf8 } from './bytes.js'
import { DataStore, type PayloadRef } from './data-store.js'
import { ResourceStrings, type StringRef } from './resource-strings.js'

/** What the writer's statistics say about the resource sections (all zero without them). */
export interface ResourceStats {
  /** Packages with data files, data files, and their bytes (before deduplication). */
  packages: number
  dataFiles: number
  dataBytes: number
  distributions: number
  distributionFiles: number
  distributionBytes: number
  /** Modules with a stored source, and the source bytes. */
  sources: number
  sourceBytes: number
  /** Bytes of the build provenance JSON (INFO). */
  infoBytes: number
  /** DATA as stored: every payload once, padded to DATA_ALIGN. */
  payloadBytes: number
}

export const NO_RESOURCES: ResourceStats = Object.freeze({
  packages: 0, dataFiles: 0, dataBytes: 0, distributions: 0, distributionFiles: 0, distributionBytes: 0,
  sources: 0, sourceBytes: 0, infoBytes: 0, payloadBytes: 0,
})

/** A sorted module as the resource planner needs it. */
export interface ModuleRef {
  readonly input: ModuleInput
  readonly nameBytes: Uint8Array
}

interface PlannedFile {
  path: string
  pathBytes: Uint8Array
  bytes: Uint8Array
  pathRef: StringRef
  data: PayloadRef
}

interface PlannedOwner {
  name: string
  nameBytes: Uint8Array
  nameRef: StringRef
  flags: number
  module: number
  files: PlannedFile[]
  firstFile: number
}

export interface PlannedResources {
  readonly sizes: Readonly<Record<ResourceSectionName, number>>
  readonly stats: ResourceStats
  write(out: Uint8Array, view: DataView, offsets: Readonly<Record<ResourceSectionName, number>>): void
}

const EMPTY_REF = Object.freeze({ offset: 0, length: 0 })

const manifest = (message: string, details?: Record<string, unknown>): never => fail('MANIFEST', message, undefined, details)

function checkPath(path: string, what: string, single = false): Uint8Array {
  const n = typeof path === 'string' ? utf8.encode(path).length : 0
  if (n > LIMITS.MAX_PATH_BYTES) {
    fail('LIMIT_EXCEEDED', `${what.slice(0, 200)}: a path of ${n} UTF-8 bytes, more than MAX_PATH_BYTES (${LIMITS.MAX_PATH_BYTES}) (SPEC.md §11.4)`, undefined, {
      limit: 'MAX_PATH_BYTES', max: LIMITS.MAX_PATH_BYTES, value: n,
    })
  }
  const why = resourcePathProblem(path, { single })
  if (why !== undefined) manifest(`${what}: path ${JSON.stringify(path)} is not allowed: ${why} (SPEC.md §15.1)`, { path })
  return utf8.encode(path)
}

function checkSize(bytes: Uint8Array, what: string): void {
  if (!(bytes instanceof Uint8Array)) manifest(`${what}: bytes must be a Uint8Array`)
  if (bytes.length > LIMITS.MAX_DATA_FILE_SIZE) {
    fail('LIMIT_EXCEEDED', `${what}: ${bytes.length} bytes, more than MAX_DATA_FILE_SIZE (${LIMITS.MAX_DATA_FILE_SIZE}) (SPEC.md §11.4)`, undefined, {
      limit: 'MAX_DATA_FILE_SIZE', max: LIMITS.MAX_DATA_FILE_SIZE, value: bytes.length,
    })
  }
}

function sortFiles(files: PlannedFile[], owner: string): void {
  files.sort((a, b) => compareBytes(a.pathBytes, b.pathBytes))
  for (let i = 1; i < files.length; i++) {
    if (compareBytes(files[i - 1].pathBytes, files[i].pathBytes) === 0) manifest(`${owner}: file ${files[i].path} appears twice`, { path: files[i].path })
  }
}

/** Object keys sorted at every level, so the same provenance gives the same bytes (§14). */
export function canonicalJson(value: unknown): string {
  const text = JSON.stringify(value, (_k, v: unknown) => {
    if (typeof v === 'number' && !Number.isFinite(v)) manifest('buildInfo holds a non-finite number, which JSON cannot carry')
    if (v !== null && typeof v === 'object' && !Array.isArray(v)) {
      const o = v as Record<string, unknown>
      return Object.fromEntries(Object.keys(o).sort().map((k) => [k, o[k]]))
    }
    return v
  }) as string | undefined
  if (text === undefined) manifest('buildInfo is not JSON-serialisable')
  return text!
}

function checkBuildInfo(info: BuildInfo): void {
  if (info === null || typeof info !== 'object' || Array.isArray(info)) manifest('buildInfo must be an object')
  if (info.modules === null || typeof info.modules !== 'object' || Array.isArray(info.modules)) manifest('buildInfo.modules must be an object')
}

/** Plan §15's sections for `modules` (already sorted by name bytes), or undefined when the input has no resources. */
export function planResources(input: BundleInput, modules: readonly ModuleRef[], xxh: XXHashAPI): PlannedResources | undefined {
  const data = input.data ?? []
  const dists = input.distributions ?? []
  const withSource = modules.filter((m) => m.input.sourceBytes !== undefined).length
  if (data.length === 0 && dists.length === 0 && withSource === 0 && input.buildInfo === undefined) return undefined

  const byName = new Map<string, number>()
  modules.forEach((m, i) => byName.set(m.input.name, i))

  // --- packages and their data files (§15.2, §15.3)
  const packages = new Map<string, PlannedOwner>()
  let dataBytes = 0
  for (const d of data) {
    if (typeof d.package !== 'string') manifest('a data file has no package name')
    const mi = byName.get(d.package)
    const what = `data file ${d.package}/${String(d.path)}`
    if (mi === undefined) manifest(`${what}: package ${d.package} is not a bundled module`, { package: d.package })
    const mod = modules[mi!].input
    if (!mod.isPackage || mod.isNamespace) manifest(`${what}: ${d.package} is not a regular package (data belongs to the nearest enclosing regular package)`, { package: d.package })
    const pathBytes = checkPath(d.path, what)
    checkSize(d.bytes, what)
    dataBytes += d.bytes.length
    let owner = packages.get(d.package)
    if (owner === undefined) {
      owner = { name: d.package, nameBytes: modules[mi!].nameBytes, nameRef: EMPTY_REF, flags: 0, module: mi!, files: [], firstFile: 0 }
      packages.set(d.package, owner)
    }
    owner.files.push({ path: d.path, pathBytes, bytes: d.bytes, pathRef: EMPTY_REF, data: EMPTY_REF })
  }
  const pkgList = [...packages.values()].sort((a, b) => compareBytes(a.nameBytes, b.nameBytes))
  for (const p of pkgList) sortFiles(p.files, `package ${p.name}`)

  // --- distributions (§15.2, §15.3)
  let distBytes = 0
  const distList: PlannedOwner[] = dists.map((d) => {
    const nameBytes = checkPath(d.name, 'distribution', true)
    if (!Array.isArray(d.files)) manifest(`distribution ${d.name}: files must be an array`)
    if (d.isFile && (d.files.length !== 1 || d.files[0].path !== 'PKG-INFO')) {
      manifest(`distribution ${d.name}: a single-file entry holds exactly one file, "PKG-INFO"`, { name: d.name })
    }
    const files = d.files.map((f) => {
      const what = `distribution ${d.name}, file ${String(f.path)}`
      const pathBytes = checkPath(f.path, what)
      checkSize(f.bytes, what)
      distBytes += f.bytes.length
      return { path: f.path, pathBytes, bytes: f.bytes, pathRef: EMPTY_REF, data: EMPTY_REF }
    })
    sortFiles(files, `distribution ${d.name}`)
    return { name: d.name, nameBytes, nameRef: EMPTY_REF, flags: d.isFile ? OWNER_FLAG.SINGLE_FILE : 0, module: NONE, files, firstFile: 0 }
  })
  distList.sort((a, b) => compareBytes(a.nameBytes, b.nameBytes))
  for (let i = 1; i < distList.length; i++) {
    if (compareBytes(distList[i - 1].nameBytes, distList[i].nameBytes) === 0) manifest(`distribution ${distList[i].name} appears twice`, { name: distList[i].name })
  }

  // --- sources (§15.4)
  let sourceBytes = 0
  for (const m of modules) {
    const src = m.input.sourceBytes
    if (src === undefined) continue
    checkSize(src, `source of ${m.input.name}`)
    sourceBytes += src.length
  }

  // --- INFO (§15.5)
  let info = new Uint8Array(0)
  if (input.buildInfo !== undefined) {
    checkBuildInfo(input.buildInfo)
    info = utf8.encode(canonicalJson(input.buildInfo))
    if (info.length > LIMITS.MAX_INFO_BYTES) {
      fail('LIMIT_EXCEEDED', `build info of ${info.length} bytes is more than MAX_INFO_BYTES (${LIMITS.MAX_INFO_BYTES}) (SPEC.md §11.4)`, undefined, {
        limit: 'MAX_INFO_BYTES', max: LIMITS.MAX_INFO_BYTES, value: info.length,
      })
    }
  }

  // --- strings and payloads, in file order (§14)
  const strings = new ResourceStrings()
  const payloads = new DataStore(xxh)
  const owners = [...pkgList, ...distList]
  let fileCount = 0
  for (const o of owners) {
    o.nameRef = strings.add(o.name)
    o.firstFile = fileCount
    fileCount += o.files.length
    for (const f of o.files) f.pathRef = strings.add(f.path)
  }
  checkU32(fileCount, 'FILE entry count')
  for (const o of owners) for (const f of o.files) f.data = payloads.add(f.bytes)
  const sources: (PayloadRef | undefined)[] = modules.map((m) => (m.input.sourceBytes === undefined ? undefined : payloads.add(m.input.sourceBytes)))

  const sizes: Record<ResourceSectionName, number> = {
    PKGS: pkgList.length * OWNER.size,
    DIST: distList.length * OWNER.size,
    FILE: fileCount * FILE_ENTRY.size,
    SRCS: withSource > 0 ? modules.length * SOURCE.size : 0,
    RSTR: strings.size,
    INFO: info.length,
    DATA: payloads.size,
  }
  const stats: ResourceStats = {
    packages: pkgList.length,
    dataFiles: data.length,
    dataBytes,
    distributions: distList.length,
    distributionFiles: distList.reduce((n, d) => n + d.files.length, 0),
    distributionBytes: distBytes,
    sources: withSource,
    sourceBytes,
    infoBytes: info.length,
    payloadBytes: payloads.size,
  }

  return {
    sizes,
    stats,
    write(out, view, offsets) {
      const owner = (base: number, list: readonly PlannedOwner[]): void => {
        list.forEach((o, i) => {
          const at = base + i * OWNER.size
          view.setUint32(at + OWNER.at.name_offset, o.nameRef.offset, true)
          view.setUint32(at + OWNER.at.name_length, o.nameRef.length, true)
          view.setUint32(at + OWNER.at.first_file, o.firstFile, true)
          view.setUint32(at + OWNER.at.file_count, o.files.length, true)
          view.setUint32(at + OWNER.at.flags, o.flags, true)
          view.setUint32(at + OWNER.at.module, o.module, true)
        })
      }
      owner(offsets.PKGS, pkgList)
      owner(offsets.DIST, distList)
      let k = 0
      for (const o of owners) {
        for (const f of o.files) {
          const at = offsets.FILE + k++ * FILE_ENTRY.size
          view.setUint32(at + FILE_ENTRY.at.path_offset, f.pathRef.offset, true)
          view.setUint32(at + FILE_ENTRY.at.path_length, f.pathRef.length, true)
          view.setBigUint64(at + FILE_ENTRY.at.data_offset, BigInt(f.data.offset), true)
          view.setBigUint64(at + FILE_ENTRY.at.data_size, BigInt(f.data.length), true)
        }
      }
      if (sizes.SRCS > 0) {
        sources.forEach((s, i) => {
          if (s === undefined) return // absent: the record stays all zero
          const at = offsets.SRCS + i * SOURCE.size
          view.setBigUint64(at + SOURCE.at.data_offset, BigInt(s.offset), true)
          view.setUint32(at + SOURCE.at.data_size, s.length, true)
          view.setUint32(at + SOURCE.at.flags, SOURCE_FLAG.PRESENT, true)
        })
      }
      strings.write(out, offsets.RSTR)
      out.set(info, offsets.INFO)
      payloads.write(out, offsets.DATA)
    },
  }
}
