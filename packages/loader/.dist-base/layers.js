/**
 * §16 Layered bundles: an app bundle read together with the base bundle it
 * was built on (typically the standard library), the app's first.
 */
import { PyBundleError } from '@pybundle/errors';
import { hex } from './header.js';
function label(b, fallback) {
    return b.file ?? fallback;
}
/**
 * Check that `base` is the bundle `app` was built on (§16: same header
 * checksum, size and pyc magic); throws BASE_MISMATCH otherwise, or when `app`
 * is not a layered bundle. `names` label the two in messages when they have no file.
 */
export function checkBase(app, base, names = {}) {
    const appName = names.app ?? label(app, 'the app bundle');
    const baseName = names.base ?? label(base, 'the base bundle');
    const want = app.base;
    if (want === null) {
        throw new PyBundleError('BASE_MISMATCH', `${appName} is not a layered bundle (it was built without [bundle] base): open it on its own`, { details: { app: appName } });
    }
    if (base.headerChecksum !== want.checksum || base.bytes.length !== want.fileSize || base.magic !== want.pythonMagic) {
        throw new PyBundleError('BASE_MISMATCH', `${appName} was built on the base bundle "${want.name}" (header checksum ${hex(want.checksum)}, ${want.fileSize} bytes), ` +
            `but ${baseName} is another bundle (header checksum ${hex(base.headerChecksum)}, ${base.bytes.length} bytes): ` +
            `give the base it was built on, or rebuild ${appName} against this base`, { details: { app: appName, base: baseName, expected: { checksum: hex(want.checksum), fileSize: want.fileSize, name: want.name }, actual: { checksum: hex(base.headerChecksum), fileSize: base.bytes.length } } });
    }
}
/**
 * An app bundle and its base, answering as one bundle: every lookup tries the
 * app, then the base (§16). Built with layerBundles() (or openLayered under Node).
 */
export class BundleLayers {
    /** App first. */
    layers;
    /** @internal */
    constructor(layers) {
        this.layers = layers;
    }
    get app() {
        return this.layers[0];
    }
    get magic() {
        return this.layers[0].magic;
    }
    get pythonVersion() {
        return this.layers[0].pythonVersion;
    }
    get moduleCount() {
        let n = 0;
        for (const _ of this.moduleNames())
            n++;
        return n;
    }
    /** The first layer holding `name`. */
    find(get) {
        for (const b of this.layers) {
            const v = get(b);
            if (v !== undefined && v !== null)
                return v;
        }
        return undefined;
    }
    /** The bundle that serves module `name`, or undefined. */
    layerOf(name) {
        return this.layers.find((b) => b.has(name));
    }
    getModule(name) {
        return this.find((b) => b.getModule(name));
    }
    has(name) {
        return this.layerOf(name) !== undefined;
    }
    toPyc(name) {
        return (this.layerOf(name) ?? this.layers[0]).toPyc(name);
    }
    /** Every module name once, the app's first (each layer in its own sorted order). */
    *moduleNames() {
        for (const m of this.modules())
            yield m.name;
    }
    *modules() {
        const seen = new Set();
        for (const b of this.layers) {
            for (const m of b.modules()) {
                if (seen.has(m.name))
                    continue;
                seen.add(m.name);
                yield m;
            }
        }
    }
    hasData() {
        return this.layers.some((b) => b.hasData());
    }
    /** The data files of `pkg` from the layer that holds the package. */
    dataFiles(pkg) {
        return (this.layerOf(pkg) ?? this.layers[0]).dataFiles(pkg);
    }
    getData(pkg, path) {
        return (this.layerOf(pkg) ?? this.layers[0]).getData(pkg, path);
    }
    dataDirectories(pkg) {
        return (this.layerOf(pkg) ?? this.layers[0]).dataDirectories(pkg);
    }
    distributions() {
        const seen = new Set();
        const out = [];
        for (const b of this.layers) {
            for (const d of b.distributions())
                if (!seen.has(d.name)) {
                    seen.add(d.name);
                    out.push(d);
                }
        }
        return out;
    }
    distLayer(name) {
        return this.layers.find((b) => b.distributions().some((d) => d.name === name)) ?? this.layers[0];
    }
    distributionFiles(name) {
        return this.distLayer(name).distributionFiles(name);
    }
    getDistributionFile(name, path) {
        return this.distLayer(name).getDistributionFile(name, path);
    }
    getSource(module) {
        return (this.layerOf(module) ?? this.layers[0]).getSource(module);
    }
    /** The app's build provenance. */
    buildInfo() {
        return this.layers[0].buildInfo();
    }
    close() {
        for (const b of this.layers)
            b.close();
    }
}
/** `app` read over `base` after checkBase (BASE_MISMATCH when they do not belong together). */
export function layerBundles(app, base, names = {}) {
    checkBase(app, base, names);
    return new BundleLayers([app, base]);
}
//# sourceMappingURL=layers.js.map