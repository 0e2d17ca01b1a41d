/**
 * The example application examples/realapp and what running it needs: Debian's
 * python3-* packages (tools/install-debian-pkgs.sh) and, for the reference run
 * in stock Pyodide, the sources copied into Pyodide's filesystem.
 */
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const HERE = path.dirname(fileURLToPath(import.meta.url))
export const ROOT = path.resolve(HERE, '..', '..')
export const APP_DIR = path.join(ROOT, 'examples', 'realapp')
export const DIST_PACKAGES = '/usr/lib/python3/dist-packages'
export const DEBIAN_PYTHON = '/usr/bin/python3'

/** Top-level names the app imports from dist-packages (packages and single-file modules). */
export const THIRD_PARTY = ['attr', 'certifi', 'jinja2', 'markdown', 'markupsafe', 'pygments', 'pytz', 'six.py', 'yaml']
/** The app's own top-level names. */
export const APP_TOPS = ['app', 'appns']
/** Operating-system files outside any package that the app reads (pytz, certifi). */
export const OS_FILES = ['/usr/share/zoneinfo/tzdata.zi', '/usr/share/zoneinfo/zone1970.tab', '/usr/share/zoneinfo/zone.tab', '/usr/share/zoneinfo/iso3166.tab', '/usr/share/zoneinfo/Europe/Paris', '/etc/ssl/certs/ca-certificates.crt']

/** Why the example cannot run on this machine, or null when it can. */
export function missingPrerequisite(): string | null {
  if (!fs.existsSync(DEBIAN_PYTHON)) return `${DEBIAN_PYTHON} is absent`
  for (const top of THIRD_PARTY) {
    if (!fs.existsSync(path.join(DIST_PACKAGES, top))) {
      return `${path.join(DIST_PACKAGES, top)} is absent (run tools/install-debian-pkgs.sh)`
    }
  }
  for (const f of OS_FILES) if (!fs.existsSync(f)) return `${f} is absent`
  return null
}

/** The distribution folders of dist-packages that provide the third-party names. */
export function distributionEntries(): string[] {
  const tops = new Set(THIRD_PARTY.map((t) => t.replace(/\.py$/, '')))
  const out: string[] = []
  for (const name of fs.readdirSync(DIST_PACKAGES).sort()) {
    if (!/\.(dist|egg)-info$/.test(name)) continue
    const top = path.join(DIST_PACKAGES, name, 'top_level.txt')
    if (!fs.existsSync(top)) continue
    const names = fs.readFileSync(top, 'utf8').split('\n').map((s) => s.trim())
    if (names.some((n) => tops.has(n))) out.push(name)
  }
  return out
}

/** The parts of Pyodide's FS used to copy files in. */
export interface PyodideFs {
  mkdirTree(path: string): void
  writeFile(path: string, data: Uint8Array): void
}

/** Copy a host folder (following symlinks, skipping __pycache__ and extension modules) into Pyodide's FS. */
export function copyTree(FS: PyodideFs, from: string, to: string): void {
  const st = fs.statSync(from)
  if (st.isDirectory()) {
    FS.mkdirTree(to)
    for (const name of fs.readdirSync(from).sort()) {
      if (name === '__pycache__' || name.endsWith('.so')) continue
      copyTree(FS, path.join(from, name), `${to}/${name}`)
    }
  } else if (st.isFile()) {
    FS.writeFile(to, new Uint8Array(fs.readFileSync(from)))
  }
}

/** The operating-system files, at their own paths. */
export function copyOsFiles(FS: PyodideFs): void {
  for (const f of OS_FILES) {
    FS.mkdirTree(path.posix.dirname(f))
    FS.writeFile(f, new Uint8Array(fs.readFileSync(f)))
  }
}

/** Everything stock Pyodide needs to run the app from sources under `home` (on sys.path as ''). */
export function copySources(FS: PyodideFs, home: string): void {
  for (const top of APP_TOPS) copyTree(FS, path.join(APP_DIR, top), `${home}/${top}`)
  for (const top of THIRD_PARTY) copyTree(FS, path.join(DIST_PACKAGES, top), `${home}/${top}`)
  for (const dist of distributionEntries()) copyTree(FS, path.join(DIST_PACKAGES, dist), `${home}/${dist}`)
  copyOsFiles(FS)
}

/** Python that runs the app as `python -m app` would, in a process that is already running. */
export const RUN_APP = "import runpy; runpy.run_module('app', run_name='__main__', alter_sys=True)"
