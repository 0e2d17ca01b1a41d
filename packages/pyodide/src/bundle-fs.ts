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
 *
 * Bytes are produced when a file is stat'ed or opened and dropped again when
 * the last stream on it is closed, so nothing is held per module after import.
 */
import type { ModuleEntry, ModuleSource } from './module-source.js'
import { pycHeader } from './module-source.js'

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

type VNode =
  | { readonly dir: true; children(): Map<string, VNode> }
  | { readonly dir: false; bytes(): Uint8Array }

// Emscripten's errno numbering (ERRNO_CODES in pyodide.asm.mjs), not Linux's.
const ENOENT = 44
const EPERM = 63
const EINVAL = 28
const EISDIR = 31
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

/** Build the filesystem type to hand to `FS.mount(type, {}, mountpoint)`. */
export function createBundleFs(FS: EmscriptenFS, source: ModuleSource, options: BundleFsOptions = {}): unknown {
  const entries = new Map<string, ModuleEntry>()
  for (const m of source.modules()) entries.set(m.name, m)

  const marshal = (name: string): Uint8Array => {
    const bytes = source.marshal(name)
    options.onRead?.(name)
    return bytes
  }

  const file = (make: () => Uint8Array): VNode => ({ dir: false, bytes: make })
  const dir = (make: () => Map<string, VNode>): VNode => {
    let cache: Map<string, VNode> | undefined
    return { dir: true, children: () => (cache ??= make()) }
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
  const moduleFiles = new Map<string, VNode>()
  const mDir: VNode = {
    dir: true,
    children: () => moduleFiles,
  }
  const moduleFile = (name: string): VNode | undefined => {
    const m = entries.get(name)
    if (m === undefined || m.isNamespace) return undefined
    return file(() => marshal(name))
  }

  // `early/`: the package tree of .pyc files.
  const magic = source.pythonMagic
  const pyc = (name: string): Uint8Array => {
    if (source.pyc) {
      const bytes = source.pyc(name)
      options.onRead?.(name)
      return bytes
    }
    const body = marshal(name)
    const out = new Uint8Array(16 + body.length)
    out.set(pycHeader(magic), 0)
    out.set(body, 16)
    return out
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

  const text = (make: () => string): VNode => file(() => new TextEncoder().encode(make()))
  const root: VNode = dir(() => new Map<string, VNode>([
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
      if (pv === mDir) v = moduleFile(name)
      else if (pv !== undefined && pv.dir) v = pv.children().get(name)
      if (v === undefined) throw new FS.ErrnoError(ENOENT)
      return makeNode(parent, name, v)
    },
    readdir(node: FsNode): string[] {
      const v = node.v
      if (v === undefined || !v.dir || v === mDir) return ['.', '..']
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
