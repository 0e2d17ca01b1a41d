/**
 * What a memory snapshot restore needs under Node and in a page alike (snapshot.ts
 * chooses a snapshot file under Node, browser-snapshot.ts fetches one in a page):
 * whether a snapshot fits the running Pyodide, bundle and options, and the resume
 * hook that gives a restored process its own state. Imports no Node built-in.
 */
import type { PyodideAPI } from 'pyodide'
import { PyBundleError } from '@pybundle/errors'
// Types only: under Node the caller is snapshot.ts (@pybundle/loader), in a page browser-snapshot.ts (@pybundle/loader/page).
import type { SnapshotInfo } from '@pybundle/loader'

/** The Pyodide that would restore: its npm version, its BUILD_ID where known (Pyodide checks it again), and the stdlib zip it is given. */
export interface RunningPyodide {
  version: string
  buildId: string | undefined
  /** 'empty': the page's stdlibZip: 'empty' (SnapshotInfo.options.stdlibZip); 'pyodide': Pyodide's own python_stdlib.zip. */
  stdlibZip: 'pyodide' | 'empty'
}

/** A PyBundleError as the phrase a "not restored" warning ends with. */
export function problem(e: PyBundleError): string {
  return `${e.message} (byte ${e.offset ?? 0}, ${e.code})`
}

/**
 * Why the snapshot described by `info` cannot be restored here (a phrase), or
 * undefined when it fits: the Pyodide build, the app bundle it was made from
 * (`app`: its size and header checksum, bundleHeaderChecksum of @pybundle/loader;
 * undefined for a ModuleSource), the options that decide what the
 * heap holds, and PYTHON* variables a restored interpreter cannot read again.
 */
export function snapshotMismatch(info: SnapshotInfo, running: RunningPyodide, app: { size: number; headerChecksum: string } | undefined, wanted: SnapshotInfo['options'], env: Record<string, string>): string | undefined {
  if (info.pyodideVersion !== running.version) return `it was made by Pyodide ${info.pyodideVersion}, this is ${running.version}`
  if (running.buildId !== undefined && info.pyodideBuildId !== running.buildId) return `it was made by another build of Pyodide ${running.version} (BUILD_ID ${info.pyodideBuildId.slice(0, 12)}, this is ${running.buildId.slice(0, 12)})`
  if (app === undefined) return 'the bundle was given as a ModuleSource, whose identity cannot be checked'
  if (app.headerChecksum !== info.bundle.headerChecksum || app.size !== info.bundle.size) return 'it was made from another bundle (rebuild it with the bundle)'
  const o = info.options
  if (o.mountPoint !== wanted.mountPoint || o.stdlibRoot !== wanted.stdlibRoot || o.root !== wanted.root
    || JSON.stringify(sorted(o.roots)) !== JSON.stringify(sorted(wanted.roots))) {
    return `it was made with mountPoint ${o.mountPoint}, stdlibRoot ${o.stdlibRoot}, root ${o.root}${Object.keys(o.roots).length ? ' and roots' : ''}, not these options`
  }
  // The interpreter may have read the stdlib zip's directory into its heap: the zip it finds after a restore must be the one it was made with.
  const zip = o.stdlibZip ?? 'pyodide'
  if (zip !== running.stdlibZip) {
    return zip === 'empty'
      ? 'it was made with an empty stdlib zip ([pyodide] stdlib_zip = "empty"), for a page loading with stdlibZip: \'empty\''
      : 'it was made with Pyodide\'s python_stdlib.zip, and this start gives an empty one (stdlibZip: \'empty\'): rebuild the snapshot with [pyodide] stdlib_zip = "empty"'
  }
  // The interpreter read these while it started (sys.path, the hash secret, flags): a restored one cannot.
  const python = Object.keys(env).filter((k) => k.startsWith('PYTHON') && k !== 'PYTHONINSPECT').sort()
  if (python.length) return `the environment sets ${python.join(', ')}, which the interpreter reads only while it starts`
  return undefined
}

function sorted(r: Record<string, string>): [string, string][] {
  return Object.entries(r).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
}

/** The hook a snapshot keeps on the bundle finder (make-snapshot.ts defines it before the snapshot is taken). */
export const RESUME_ATTR = '_pybundle_resume'

/**
 * After a restore: the process gets its own environment, argv and `random` seed,
 * and sys.path loses the second '' Pyodide's finalizeSetup puts there (it ran
 * before the snapshot was taken, and runs again). No Python is compiled here:
 * the function was compiled into the snapshot. Returns the package folders to
 * mount ('top\tfolder' lines) and whether they were checked to show files: the
 * snapshot's own list (`mounts`) when it has one, else the boot module's.
 */
export function resumeAfterRestore(pyodide: PyodideAPI, args: readonly string[] | undefined, mountPoint: string, mounts?: readonly string[]): { lines: string; checked: boolean } {
  const mod = (pyodide as unknown as { _module: { getEnvStrings(): string[] } })._module
  const early = `${mountPoint}/early`
  const env: Record<string, string> = {}
  for (const kv of mod.getEnvStrings()) {
    const i = kv.indexOf('=')
    const k = kv.slice(0, i)
    // Our PYTHONPATH (the early folder) is not the caller's: install() takes it off in a normal start.
    if (k === 'PYTHONPATH' && kv.slice(i + 1) === early) continue
    env[k] = kv.slice(i + 1)
  }
  const program = typeof process !== 'undefined' && process.argv.length > 1 ? process.argv[1].replace(/\\/g, '/') : './this.program'
  const sys = pyodide.pyimport('sys')
  try {
    const meta = sys.meta_path
    let resume
    for (let i = 0; i < meta.length && resume === undefined; i++) {
      const f = meta.get(i)
      // copy(): the attribute is borrowed from f, which is destroyed right after.
      resume = f[RESUME_ATTR]?.copy()
      f.destroy?.()
    }
    meta.destroy()
    if (resume === undefined) throw new PyBundleError('INTERPRETER', 'the restored snapshot has no pybundle finder (was it made by makeBundleSnapshot?)')
    const pyEnv = pyodide.toPy(env)
    // As CPython: without arguments sys.argv is [''].
    const pyArgs = pyodide.toPy(args?.length ? [...args] : [''])
    const pyOrig = pyodide.toPy([program, ...(args ?? [])])
    try {
      // The JS filesystem is new: its package folders must be mounted again. Older snapshots
      // record no list: the boot module's package_mounts() (cold Python over every name) gives it.
      if (mounts !== undefined) {
        resume(pyEnv, pyArgs, pyOrig, false)
        return { lines: mounts.join('\n'), checked: true }
      }
      return { lines: String(resume(pyEnv, pyArgs, pyOrig) ?? ''), checked: false }
    } finally {
      pyEnv.destroy(); pyArgs.destroy(); pyOrig.destroy(); resume.destroy()
    }
  } finally {
    sys.destroy()
  }
}

/** Python of the resume hook, compiled while the snapshot is made (make-snapshot.ts). */
export const RESUME_SOURCE = String.raw`
def _pybundle_resume(env, argv, orig_argv, mounts=True, _finder=_finder):
    import sys, os
    # Set by Pyodide's own Python init, which a restore does not run again.
    for k in ('LD_LIBRARY_PATH',):
        if k in os.environ and k not in env:
            env[k] = os.environ[k]
    os.environ.clear()
    os.environ.update(env)
    sys.argv[:] = argv
    sys.orig_argv[:] = orig_argv
    if sys.path[:2] == ['', '']:
        del sys.path[0]
    # A snapshot holds the state of random's generator: reseed it from this process's urandom, as an import would have.
    r = sys.modules.get('random')
    if r is not None:
        r.seed()
    del _finder.${RESUME_ATTR}
    if not mounts:
        return ''
    mounts = type(_finder).find_spec.__globals__.get('package_mounts')
    return mounts() if mounts is not None else ''
_finder.${RESUME_ATTR} = _pybundle_resume
del _pybundle_resume
`
