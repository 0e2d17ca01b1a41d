/**
 * §16 Layered bundles: an app bundle read together with the base bundle it
 * was built on (typically the standard library), the app's first.
 */
import { PyBundleError } from '@pybundle/errors'
import type { BuildInfo } from '@pybundle/format-spec'
import type { Bundle } from './bundle.js'
import { hex } from './header.js'
import type { ModuleView } from './views.js'

function label(b: Bundle, fallback: string): string {
  return b.file ?? fallback
}

/**
 * Check that `base` is the bundle `app` was built on (§16: same header
 * checksum, size and pyc magic); throws BASE_MISMATCH otherwise, or when `app`
 * is not a layered bundle. `names` label the two in messages when they have no file.
 */
export function checkBase(app: Bundle, base: Bundle, names: { app?: string; base?: string } = {}): void {
  const appName = names.app ?? label(app, 'the app bundle')
  const baseName = names.base ?? label(base, 'the base bundle')
  const want = app.base
  if (want === null) {
    throw new PyBundleError('BASE_MISMATCH', `${appName} is not a layered bundle (it was built without [bundle] base): open it on its own`, { details: { app: appName } })
  }
  if (base.headerChecksum !== want.checksum || base.bytes.length !== want.fileSize || base.magic !== want.pythonMagic) {
    throw new PyBundleError('BASE_MISMATCH',
      `${appName} was built on the base bundle "${want.name}" (header checksum ${hex(want.checksum)}, ${want.fileSize} bytes), ` +
      `but ${baseName} is another bundle (header checksum ${hex(base.headerChecksum)}, ${base.bytes.length} bytes): ` +
      `give the base it was built on, or rebuild ${appName} against this base`,
      { details: { app: appName, base: baseName, expected: { checksum: hex(want.checksum), fileSize: want.fileSize, name: want.name }, actual: { checksum: hex(base.headerChecksum), fileSize: base.bytes.length } } })
  }
}

/**
 * An app bundle and its base, answering as one bundle: every lookup tries the
 * app, then the base (§16). Built with layerBundles() (or openLayered under Node).
 */
export class BundleLayers {
  /** App first. */
  readonly layers: readonly Bundle[]

  /** @internal */
  constructor(layers: readonly Bundle[]) {
    this.layers = layers
  }

  get app(): Bundle {
    return this.layers[0]
  }
  get magic(): number {
    return this.layers[0].magic
  }
  get pythonVersion(): string {
    return this.layers[0].pythonVersion
  }
  get moduleCount(): number {
    let n = 0
    for (const _ of this.moduleNames()) n++
    return n
  }

  /** The first layer holding `name`. */
  private find<T>(get: (b: Bundle) => T | null | undefined): T | undefined {
    for (const b of this.layers) {
      const v = get(b)
      if (v !== undefined && v !== null) return v
    }
    return undefined
  }

  /** The bundle that serves module `name`, or undefined. */
  layerOf(name: string): Bundle | undefined {
    return this.layers.find((b) => b.has(name))
  }
  getModule(name: string): ModuleView | undefined {
    return this.find((b) => b.getModule(name))
  }
  has(name: string): boolean {
    return this.layerOf(name) !== undefined
  }
  toPyc(name: string): Uint8Array {
    return (this.layerOf(name) ?? this.layers[0]).toPyc(name)
  }
  /** Every module name once, the app's first (each layer in its own sorted order). */
  *moduleNames(): IterableIterator<string> {
    for (const m of this.modules()) yield m.name
  }
  *modules(): IterableIterator<ModuleView> {
    const seen = new Set<string>()
    for (const b of this.layers) {
      for (const m of b.modules()) {
        if (seen.has(m.name)) continue
        seen.add(m.name)
        yield m
      }
    }
  }
  hasData(): boolean {
    return this.layers.some((b) => b.hasData())
  }
  /** The data files of `pkg` from the layer that holds the package. */
  dataFiles(pkg: string): string[] {
    return (this.layerOf(pkg) ?? this.layers[0]).dataFiles(pkg)
  }
  getData(pkg: string, path: string): Uint8Array | null {
    return (this.layerOf(pkg) ?? this.layers[0]).getData(pkg, path)
  }
  dataDirectories(pkg: string): string[] {
    return (this.layerOf(pkg) ?? this.layers[0]).dataDirectories(pkg)
  }
  distributions(): { name: string; isFile: boolean }[] {
    const seen = new Set<string>()
    const out: { name: string; isFile: boolean }[] = []
    for (const b of this.layers) {
      for (const d of b.distributions()) if (!seen.has(d.name)) { seen.add(d.name); out.push(d) }
    }
    return out
  }
  private distLayer(name: string): Bundle {
    return this.layers.find((b) => b.distributions().some((d) => d.name === name)) ?? this.layers[0]
  }
  distributionFiles(name: string): string[] {
    return this.distLayer(name).distributionFiles(name)
  }
  getDistributionFile(name: string, path: string): Uint8Array | null {
    return this.distLayer(name).getDistributionFile(name, path)
  }
  getSource(module: string): Uint8Array | null {
    return (this.layerOf(module) ?? this.layers[0]).getSource(module)
  }
  /** The app's build provenance. */
  buildInfo(): BuildInfo | null {
    return this.layers[0].buildInfo()
  }
  close(): void {
    for (const b of this.layers) b.close()
  }
}

/** `app` read over `base` after checkBase (BASE_MISMATCH when they do not belong together). */
export function layerBundles(app: Bundle, base: Bundle, names: { app?: string; base?: string } = {}): BundleLayers {
  checkBase(app, base, names)
  return new BundleLayers([app, base])
}
