/**
 * A read-only Emscripten filesystem whose file bytes come from a bundle, made
 * on demand when Python opens a file. It is mounted from `fsInit`, so it exists
 * before the interpreter starts: the one channel from JavaScript to Python that
 * Pyodide's own startup imports can use (JS modules are registered later).
 *
 *   <mount>/index          module names, a NUL, then one "<kind><path>" per name (kind m, p or n)
 *   <mount>/m/<name>       marshal bytes of the module's top-level code object
 *   <mount>/early/...      the bundle as a tree of sourceless .pyc files, for the
 *                          few imports that run before `site` (encodings); put on
 *                          PYTHONPATH and taken off again by the boot module
 *   <mount>/s/<name>       the module's .py bytes (bundles built with sources = true)
 *   <mount>/dist/<entry>/  each distribution's *.dist-info / *.egg-info, as on sys.path
 *
 * A second kind of mount, createPackageFs, shows one bundled top-level package's
 * folder (<root>/<top>) as it is on disk: sub-package folders, data files and,
 * when stored, the .py sources.
 *
 * Bytes are produced when a file is stat'ed or opened and dropped again when
 * the last stream on it is closed, so nothing is held per module after import.
 */
import type { ModuleEntry, ModuleSource } from './module-source.js'
import { pycOf } from './module-source.js'

/** The parts of Emscripten's FS object this file uses. */
export interface EmscriptenFS {
  createNode(parent: FsNode | null, name: string, mode: number, rdev: number): FsNode
  ErrnoError: new (errno: number) => Error
  isDir(mode: number): boolean
  mkdirTree(path: string, mode?: number): void
  mount(type: unknown, opts: unknown, mountpoint: string): unknown
  writeFile(path: string, data: string | Uint8Array): void
  readFile(path: string, opts?: { encoding?: string }): Uint8Array | string
}

interface FsNode {
  id: number
  mode: number
  rdev: number
  name: string
  parent: FsNode
  node_ops: unknown
  stream_ops: unknown
  /** pybundle: what this node is. */
  v?: VNode
  /** pybundle: the file's bytes while in use. */
  data?: Uint8Array | undefined
  opens?: number
}

interface FsStream {
  node: FsNode
  position: number
}

type VNode = DirNode | { readonly dir: false; bytes(): Uint8Array }

interface DirNode {
  readonly dir: true
  children(): Map<string, VNode>
  /** A folder that is looked up by name and never listed (m/, s/). */
  find?(name: string): VNode | undefined
}

// Emscripten's errno numbering (ERRNO_CODES in pyodide.asm.mjs), not Linux's.
const ENOENT = 44
const EPERM = 63
const EINVAL = 28
const EISDIR = 31
const EMPTY = new Uint8Array(0)
const DIR_MODE = 0o40555
const FILE_MODE = 0o100444
const BOOT_TIME = new Date(0)

export interface BundleFsOptions {
  /** Called with each module name whose bytes are produced (for tests and profiles). */
  onRead?: (name: string) => void
  /** Contents of <mount>/config. */
  config?: string
  /** Contents of <mount>/ziplist, asked for on first read. */
  zipList?: () => string
  /** Extra files at the top of <mount>/early (the boot module and sitecustomize). */
  earlyFiles?: Record<string, () => Uint8Array>
}

export function kindLetter(m: ModuleEntry): 'm' | 'p' | 'n' {
  return m.isNamespace ? 'n' : m.isPackage ? 'p' : 'm'
}

// C0/C1 controls and format characters (bidi overrides, zero-width, BOM).
const BAD_CHAR = /[\p{Cc}\p{Cf}\\]/u

/**
 * The parts of a bundle path ("templates/mail/a.html"), or null when it is not
 * one this filesystem may show: it must be relative and '/'-separated, with no
 * empty, '.' or '..' part, and no backslash, control or format character (the
 * module-path rules, SPEC.md). A bundle that verify() passes has none of those;
 * checking again here means no bundle can show a file outside its folder.
 */
export function pathParts(path: string): string[] | null {
  if (path === '') return null
  const parts = path.split('/')
  for (const p of parts) {
    if (p === '' || p === '.' || p === '..' || BAD_CHAR.test(p)) return null
  }
  return parts
}

/** A folder tree assembled from paths; the first entry at a name wins. */
class Tree {
  readonly root = new Map<string, VNode>()

  dir(parts: readonly string[]): Map<string, VNode> | undefined {
    let at = this.root
    for (const p of parts) {
      let next = at.get(p)
      if (next === undefined) {
        const kids = new Map<string, VNode>()
        next = { dir: true, children: () => kids }
        at.set(p, next)
      }
      if (!next.dir) return undefined // a file already holds that name
      at = next.children()
    }
    return at
  }

  file(parts: readonly string[], bytes: () => Uint8Array): void {
    const at = this.dir(parts.slice(0, -1))
    const last = parts[parts.length - 1]
    if (at !== undefined && last !== undefined && !at.has(last)) at.set(last, { dir: false, bytes })
  }
}

/** Build the filesystem type to hand to `FS.mount(type, {}, mountpoint)`. */
export function createBundleFs(FS: EmscriptenFS, source: ModuleSource, options: BundleFsOptions = {}): unknown {
  const entries = new Map<string, ModuleEntry>()
  for (const m of source.modules()) entries.set(m.name, m)

  const marshal = (name: string): Uint8Array => {
    const bytes = source.marshal(name)
    options.onRead?.(name)
    return bytes
  }


  // Two parallel lists so Python builds its dict with C-level splits and zip.
  const indexText = (): Uint8Array => {
    const names: string[] = []
    const recs: string[] = []
    for (const m of entries.values()) {
      names.push(m.name)
      recs.push(kindLetter(m) + m.path)
    }
    return new TextEncoder().encode(`${names.join('\n')}\0${recs.join('\n')}`)
  }

  // `m/<name>`: looked up by name, never listed (nobody needs to list it).
  const mDir: DirNode = {
    dir: true,
    children: () => new Map(),
    find(name) {
      const m = entries.get(name)
      if (m === undefined || m.isNamespace) return undefined
      return file(() => marshal(name))
    },
  }

  // `early/`: the package tree of .pyc files.
  const magic = source.pythonMagic
  const pyc = (name: string): Uint8Array => {
    if (source.pyc) {
      const bytes = source.pyc(name)
      options.onRead?.(name)
      return bytes
    }
    return pycOf(magic, marshal(name))
  }
  let tree: Map<string, Map<string, VNode>> | undefined
  const earlyChildren = (pkg: string): Map<string, VNode> => {
    if (tree === undefined) {
      tree = new Map()
      for (const m of entries.values()) {
        const dot = m.name.lastIndexOf('.')
        const parent = dot < 0 ? '' : m.name.slice(0, dot)
        const last = m.name.slice(dot + 1)
        let kids = tree.get(parent)
        if (kids === undefined) tree.set(parent, (kids = new Map<string, VNode>()))
        if (m.isPackage) {
          const name = m.name
          kids.set(last, dir(() => earlyChildren(name)))
        } else {
          const name = m.name
          kids.set(`${last}.pyc`, file(() => pyc(name)))
        }
      }
    }
    const kids = new Map(tree.get(pkg) ?? [])
    const m = entries.get(pkg)
    if (m !== undefined && !m.isNamespace) kids.set('__init__.pyc', file(() => pyc(pkg)))
    return kids
  }

  const files = source.files
  // `s/<name>`: the module's source, looked up by name.
  const sDir: DirNode = {
    dir: true,
    children: () => new Map(),
    find(name) {
      if (files === undefined || !entries.has(name) || files.getSource(name) === null) return undefined
      return file(() => files.getSource(name) ?? EMPTY)
    },
  }
  // `dist/`: every distribution's folder (or old-style egg-info file).
  const distDir = dir(() => {
    const tree = new Tree()
    for (const d of files?.distributions() ?? []) {
      const name = d.name
      if (pathParts(name)?.length !== 1) continue
      if (d.isFile) {
        tree.file([name], () => files?.getDistributionFile(name, 'PKG-INFO') ?? EMPTY)
        continue
      }
      tree.dir([name])
      for (const rel of files?.distributionFiles(name) ?? []) {
        const parts = pathParts(rel)
        if (parts !== null) tree.file([name, ...parts], () => files?.getDistributionFile(name, rel) ?? EMPTY)
      }
    }
    return tree.root
  })

  const text = (make: () => string): VNode => file(() => new TextEncoder().encode(make()))
  const root: VNode = dir(() => new Map<string, VNode>([
    ['s', sDir],
    ['dist', distDir],
    ['index', file(indexText)],
    ['config', text(() => options.config ?? '')],
    ['ziplist', text(() => options.zipList?.() ?? '')],
    ['m', mDir],
    ['early', dir(() => {
      const kids = earlyChildren('')
      for (const [name, make] of Object.entries(options.earlyFiles ?? {})) kids.set(name, file(make))
      return kids
    })],
  ]))
  return mountType(FS, root)
}

/**
 * The filesystem type for one bundled top-level package's folder, mounted at
 * <root>/<top>: its sub-package folders, every bundled package's data files at
 * their paths, and the modules' .py files where the bundle stores sources.
 * Built on the first lookup; file bytes are views made when a file is opened.
 * Paths that break the rules of pathParts are never shown.
 */
export function createPackageFs(FS: EmscriptenFS, source: ModuleSource, top: string): unknown {
  const files = source.files
  const root = dir(() => {
    const tree = new Tree()
    const packages: [string, string[]][] = []
    for (const m of source.modules()) {
      const name = m.name
      if (name !== top && !name.startsWith(`${top}.`)) continue
      const sub = name.split('.').slice(1)
      if (m.isNamespace) {
        tree.dir(sub)
        continue
      }
      const parts = pathParts(m.path)
      // A module's source lies at its name's place below the folder (SPEC.md).
      if (parts === null || parts[0] !== top || parts.length < 2) continue
      const rel = parts.slice(1)
      if (m.isPackage) {
        const folder = rel.slice(0, -1)
        if (folder.join('.') !== sub.join('.')) continue
        tree.dir(folder)
        packages.push([name, folder])
      } else if (rel.slice(0, -1).join('.') !== sub.slice(0, -1).join('.')) {
        continue
      }
      if (files?.getSource(name) != null) tree.file(rel, () => files.getSource(name) ?? EMPTY)
    }
    for (const [pkg, folder] of packages) {
      for (const rel of files?.dataFiles(pkg) ?? []) {
        const parts = pathParts(rel)
        if (parts !== null) tree.file([...folder, ...parts], () => files?.getData(pkg, rel) ?? EMPTY)
      }
    }
    return tree.root
  })
  return mountType(FS, root)
}

/** Whether createPackageFs would show any file for `top`: a data file or a source of one of its modules. */
export function packageHasFiles(source: ModuleSource, top: string): boolean {
  const files = source.files
  if (files === undefined) return false
  for (const m of source.modules()) {
    if (m.name !== top && !m.name.startsWith(`${top}.`)) continue
    if (m.isNamespace) continue
    if ((m.isPackage && files.dataFiles(m.name).length > 0) || files.getSource(m.name) !== null) return true
  }
  return false
}

function file(make: () => Uint8Array): VNode {
  return { dir: false, bytes: make }
}

function dir(make: () => Map<string, VNode>): VNode {
  let cache: Map<string, VNode> | undefined
  return { dir: true, children: () => (cache ??= make()) }
}

/** The node and stream operations of a read-only tree of VNodes, as an Emscripten filesystem type. */
function mountType(FS: EmscriptenFS, root: VNode): unknown {
  const attr = (node: FsNode, size: number) => ({
    dev: 0x7079, ino: node.id, mode: node.mode, nlink: 1, uid: 0, gid: 0, rdev: 0,
    size, atime: BOOT_TIME, mtime: BOOT_TIME, ctime: BOOT_TIME, blksize: 4096, blocks: Math.ceil(size / 4096),
  })
  const readonly = (): never => { throw new FS.ErrnoError(EPERM) }

  const dirNodeOps = {
    getattr: (node: FsNode) => attr(node, 4096),
    setattr: readonly,
    lookup(parent: FsNode, name: string): FsNode {
      const pv = parent.v
      let v: VNode | undefined
      if (pv !== undefined && pv.dir) v = pv.find ? pv.find(name) : pv.children().get(name)
      if (v === undefined) throw new FS.ErrnoError(ENOENT)
      return makeNode(parent, name, v)
    },
    readdir(node: FsNode): string[] {
      const v = node.v
      if (v === undefined || !v.dir || v.find) return ['.', '..']
      return ['.', '..', ...v.children().keys()]
    },
    mknod: readonly, rename: readonly, unlink: readonly, rmdir: readonly, symlink: readonly,
  }
  const dirStreamOps = {
    // getdents keeps its place with SEEK_SET and SEEK_CUR.
    llseek(stream: FsStream, offset: number, whence: number): number {
      const pos = whence === 1 ? stream.position + offset : offset
      if (whence === 2 || pos < 0) throw new FS.ErrnoError(EINVAL)
      return pos
    },
  }
  const bytesOf = (node: FsNode): Uint8Array => {
    const v = node.v
    if (v === undefined || v.dir) throw new FS.ErrnoError(EISDIR)
    return (node.data ??= v.bytes())
  }
  const fileNodeOps = {
    getattr: (node: FsNode) => attr(node, bytesOf(node).length),
    setattr: readonly,
  }
  const fileStreamOps = {
    open(stream: FsStream) {
      const node = stream.node
      bytesOf(node)
      node.opens = (node.opens ?? 0) + 1
    },
    close(stream: FsStream) {
      const node = stream.node
      node.opens = (node.opens ?? 1) - 1
      if (node.opens <= 0) node.data = undefined
    },
    read(stream: FsStream, buffer: Uint8Array, offset: number, length: number, position: number): number {
      const data = bytesOf(stream.node)
      if (position >= data.length) return 0
      const n = Math.min(data.length - position, length)
      buffer.set(data.subarray(position, position + n), offset)
      return n
    },
    write: readonly,
    llseek(stream: FsStream, offset: number, whence: number): number {
      let pos = offset
      if (whence === 1) pos += stream.position
      else if (whence === 2) pos += bytesOf(stream.node).length
      if (pos < 0) throw new FS.ErrnoError(EINVAL)
      return pos
    },
  }

  function makeNode(parent: FsNode | null, name: string, v: VNode): FsNode {
    const node = FS.createNode(parent, name, v.dir ? DIR_MODE : FILE_MODE, 0)
    node.v = v
    node.node_ops = v.dir ? dirNodeOps : fileNodeOps
    node.stream_ops = v.dir ? dirStreamOps : fileStreamOps
    return node
  }

  return {
    mount: () => makeNode(null, '/', root),
  }
}
