/**
 * Pyodide, three ways (issue 7): stock Pyodide (its stdlib zip of .py sources,
 * compiled at every start), Pyodide given a .pyc zip as stdLibURL, and Pyodide
 * with imports served from a .pyb (@pybundle/pyodide).
 *
 * Two figures per contender, each measured in a fresh Node process (child.mjs),
 * contenders interleaved round by round (the order rotates), medians reported:
 * - startup: loadPyodide(...) called until it resolves (Python ready);
 * - import: `import decimal, argparse, email.parser, http.client, tarfile,
 *   unittest, xml.dom.minidom, pdb` right after (56 new modules).
 *
 * The bundle is examples/pyodide-stdlib.toml built with python = "pyodide"; the
 * .pyc zip is made from the same compiled code (bundle.toPyc for every module,
 * plus the stdlib zip's other files), so both contenders load identical code
 * objects. Both are cached under benchmarks/.work/pyodide/.
 *
 * With --snapshots (issue 15), also memory snapshots, each restored in a fresh process:
 * - stock snapshot: Pyodide's own (`_makeSnapshot`, bare: nothing imported), stock stdlib;
 * - stock snapshot + .pyc zip: the same made and restored with the .pyc zip as stdLibURL;
 * - hand snapshot + .pyc zip: as the last, made after importing the 56 modules (what
 *   someone writing a snapshot script by hand gets);
 * - pybundle with its snapshot: `makeBundleSnapshot` after the same imports (what
 *   `[pyodide] snapshot_imports` builds), restored by loadPyodideWithBundle.
 * `total` is from process start (performance.now()) to the import done.
 *
 * With --realapp, also examples/realapp measured from process start to its imports done
 * and to a fixed CPU workload done (realapp.ts has the contenders and the workload).
 *
 *   node --import tsx benchmarks/pyodide/pyodide.ts [--runs N] [--json] [--variants] [--snapshots] [--realapp [--realapp-runs N]] [--bundle PYB]
 *
 * The harness imports runPyodideCase() and gets plain data (medians in ms).
 */
import { spawnSync } from 'node:child_process'
import { copyFileSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import { basename, dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { zipSync, unzipSync, type Zippable } from 'fflate'
import { buildBundle } from '@pybundle/bundler'
import { openBundle } from '@pybundle/loader'
import { formatRealApp, realAppMissing, runRealAppCase, type RealAppResult } from './realapp.js'
import { median } from '../src/harness.js'
import { treeHash } from './tree-hash.mjs'

const HERE = dirname(fileURLToPath(import.meta.url))
const ROOT = resolve(HERE, '../..')
const WORK = join(ROOT, 'benchmarks/.work/pyodide')
const MANIFEST = join(ROOT, 'examples/pyodide-stdlib.toml')
const PYODIDE_DIR = join(ROOT, 'node_modules/pyodide')

export type ContenderName = 'stock' | 'pyc-zip' | 'pybundle' | 'pybundle-startup' | 'pybundle-noprefetch' | 'pybundle-js'
  | 'stock-snapshot' | 'pyc-zip-snapshot' | 'pyc-zip-snapshot-imports' | 'pybundle-snapshot' | 'pybundle-snapshot-bare'

export interface Run {
  startupMs: number
  importMs: number
  /** From process start to the import done. */
  totalMs: number
  newModules: number
}

export interface ContenderResult {
  name: ContenderName
  description: string
  runs: Run[]
  startupMedianMs: number
  importMedianMs: number
  startupMinMs: number
  importMinMs: number
  totalMedianMs: number
}

export interface PyodideCaseResult {
  id: 'pyodide'
  runsPerContender: number
  newModules: number
  bundle: string
  pycZip: string
  contenders: ContenderResult[]
  ratios: {
    startupStockOverBundle: number
    startupPycZipOverBundle: number
    importStockOverBundle: number
    importPycZipOverBundle: number
  }
  targets: { id: string; description: string; value: string; met: boolean }[]
  /** With --realapp: the real-app workload (realapp.ts), or why it was skipped. */
  realapp?: RealAppResult | { skipped: string }
  /** With --snapshots: the issue-15 ratios. */
  snapshotRatios?: {
    startupBundleSnapshotOverStockSnapshot: number
    totalPycZipSnapshotOverBundleSnapshot: number
    totalBundleSnapshotOverHandSnapshot: number
    importPycZipSnapshotOverBundleNoPrefetch?: number
    importPycZipSnapshotOverBundleSnapshotBare?: number
  }
}

export interface PyodideCaseOptions {
  /** Runs per contender (fresh processes). Default 7. */
  runs?: number
  /** Also measure pybundle's variants: prefetch 'startup', prefetch 'none', channel 'js'. */
  variants?: boolean
  /** Also the memory snapshot contenders (issue 15). */
  snapshots?: boolean
  /** Also the real-app workload (realapp.ts): examples/realapp, from process start to its imports and to a fixed workload done. */
  realapp?: boolean
  /** Runs per contender of the real-app workload. Default: runs. */
  realappRuns?: number
  /** Use this Pyodide bundle instead of building examples/pyodide-stdlib.toml (it must hold the stdlib, _pyodide and pyodide). */
  bundle?: string
  onProgress?: (message: string) => void
}


/** The Pyodide stdlib bundle, built once per (manifest, bundler, pyodide) version. */
export async function pyodideBundle(onProgress?: (m: string) => void): Promise<string> {
  const key = treeHash([MANIFEST, join(ROOT, 'packages/bundler/dist'), join(ROOT, 'packages/bundler/src/python'), join(PYODIDE_DIR, 'package.json')], { chars: 16 })
  const out = join(WORK, `pyodide-stdlib-${key}.pyb`)
  if (!existsSync(out)) {
    mkdirSync(WORK, { recursive: true })
    onProgress?.('building the Pyodide stdlib bundle with python = "pyodide" (once)...')
    const tmp = `${out}.${process.pid}.tmp`
    await buildBundle(MANIFEST, { output: tmp })
    renameSync(tmp, out)
  }
  return out
}

/**
 * A .pyc zip of the same compiled code: every bundled module as its .pyc
 * (bundle.toPyc) at its path, plus every other file of Pyodide's stdlib zip
 * (data files, and the sources of the few modules the bundle leaves out, e.g.
 * _sysconfigdata__emscripten_wasm32-emscripten.py), so both contenders can import
 * the same modules.
 */
export function pycZipFromBundle(bundlePath: string): string {
  const out = bundlePath.replace(/\.pyb$/, '.v2.pyc.zip')
  if (existsSync(out)) return out
  const files: Zippable = {}
  const stdlib = unzipSync(new Uint8Array(readFileSync(join(PYODIDE_DIR, 'python_stdlib.zip'))))
  const bundle = openBundle(bundlePath)
  try {
    const bundled = new Set<string>()
    for (const m of bundle.modules()) {
      if (m.isNamespace || !m.path.endsWith('.py')) continue
      files[`${m.path}c`] = [bundle.toPyc(m.name), { level: 0 }]
      bundled.add(m.path)
    }
    for (const [name, data] of Object.entries(stdlib)) {
      if (!name.endsWith('/') && !bundled.has(name)) files[name] = [data, { level: 0 }]
    }
  } finally {
    bundle.close()
  }
  const tmp = `${out}.${process.pid}.tmp`
  writeFileSync(tmp, zipSync(files))
  renameSync(tmp, out)
  return out
}

function runChild(mode: string, arg?: string, arg2?: string): Run {
  const args = [join(HERE, 'child.mjs'), mode, ...(arg ? [arg] : []), ...(arg2 ? [arg2] : [])]
  const r = spawnSync(process.execPath, args, { cwd: ROOT, encoding: 'utf8', maxBuffer: 1 << 20 })
  if (r.status !== 0) throw new Error(`child ${mode} failed (${r.status}): ${r.stderr.slice(-2000)}`)
  const j = JSON.parse(r.stdout.trim().split('\n').pop()!)
  return { startupMs: j.startupMs, importMs: j.importMs, totalMs: j.totalMs, newModules: j.newModules }
}

const DESCRIPTIONS: Record<ContenderName, string> = {
  stock: 'stock Pyodide: stdlib zip of .py files, compiled on import',
  'pyc-zip': 'Pyodide with a .pyc zip (same code objects) as stdLibURL, via zipimport',
  pybundle: 'Pyodide with @pybundle/pyodide (defaults: bundle filesystem channel, prefetch "all" on a worker thread)',
  'pybundle-startup': 'as pybundle, prefetching only Pyodide\'s startup modules',
  'pybundle-noprefetch': 'as pybundle, no prefetch worker (every module emitted on the main thread when imported)',
  'pybundle-js': 'as pybundle, but after startup the finder reads through a JS call (channel "js")',
  'stock-snapshot': 'Pyodide memory snapshot (bare), stock stdlib zip',
  'pyc-zip-snapshot': 'Pyodide memory snapshot (bare) with the .pyc zip as stdLibURL',
  'pyc-zip-snapshot-imports': 'Pyodide memory snapshot made by hand after importing the 56 modules, .pyc zip',
  'pybundle-snapshot': 'pybundle with its snapshot (makeBundleSnapshot after the same 56 imports; prefetch off)',
  'pybundle-snapshot-bare': 'pybundle with a bare snapshot (nothing imported): the 56 modules served by the bundle after a restore, no worker',
}

const IMPORT_NAMES = ['decimal', 'argparse', 'email.parser', 'http.client', 'tarfile', 'unittest', 'xml.dom.minidom', 'pdb']

/** The snapshots, made once per bundle (its name carries the bundler's key) in fresh processes. */
async function snapshotInputs(bundle: string, pycZip: string, log: (m: string) => void): Promise<{ stock: string; zip: string; zipImports: string; bundleCopy: string; bundleBare: string }> {
  mkdirSync(WORK, { recursive: true })
  const base = join(WORK, basename(bundle).replace(/\.pyb$/, ''))
  const stock = `${base}.stock.snap`
  const zip = `${base}.pyczip.snap`
  const zipImports = `${base}.pyczip-imports.snap`
  const make = (out: string, zipArg: string, imports?: string) => {
    if (existsSync(out)) return
    log(`making ${basename(out)} (once)...`)
    const r = spawnSync(process.execPath, [join(HERE, 'child.mjs'), 'make-snapshot', zipArg, `${out}.tmp`, ...(imports ? [imports] : [])], { cwd: ROOT, encoding: 'utf8' })
    if (r.status !== 0) throw new Error(`making ${out} failed: ${r.stderr.slice(-2000)}`)
    renameSync(`${out}.tmp`, out)
  }
  make(stock, '-')
  make(zip, pycZip)
  make(zipImports, pycZip, IMPORT_NAMES.join(', '))
  // What makeBundleSnapshot writes depends on @pybundle/pyodide's code too (the resume hook, the description).
  const maker = treeHash([join(ROOT, 'packages/pyodide/dist'), join(ROOT, 'packages/pyodide/src/python')], { chars: 16 })
  const bundleCopy = `${base}.snap-${maker}.pyb`
  if (!existsSync(`${bundleCopy}.snapshot`)) {
    log(`making ${basename(bundleCopy)}.snapshot (once)...`)
    copyFileSync(bundle, bundleCopy)
    const { makeBundleSnapshot } = await import('@pybundle/pyodide')
    await makeBundleSnapshot(bundleCopy, { imports: IMPORT_NAMES })
  }
  const bundleBare = `${base}.snapbare-${maker}.pyb`
  if (!existsSync(`${bundleBare}.snapshot`)) {
    log(`making ${basename(bundleBare)}.snapshot (once)...`)
    copyFileSync(bundle, bundleBare)
    const { makeBundleSnapshot } = await import('@pybundle/pyodide')
    await makeBundleSnapshot(bundleBare, { imports: [] })
  }
  return { stock, zip, zipImports, bundleCopy, bundleBare }
}

export async function runPyodideCase(options: PyodideCaseOptions = {}): Promise<PyodideCaseResult> {
  const runs = options.runs ?? 7
  const log = options.onProgress ?? (() => {})
  const bundle = options.bundle ?? await pyodideBundle(log)
  const pycZip = pycZipFromBundle(bundle)
  const contenders: { name: ContenderName; mode: string; arg?: string; arg2?: string }[] = [
    { name: 'stock', mode: 'stock' },
    { name: 'pyc-zip', mode: 'pyczip', arg: pycZip },
    { name: 'pybundle', mode: 'pybundle', arg: bundle },
  ]
  if (options.variants) {
    contenders.push({ name: 'pybundle-startup', mode: 'pybundle-startup', arg: bundle })
    contenders.push({ name: 'pybundle-noprefetch', mode: 'pybundle-noprefetch', arg: bundle })
    contenders.push({ name: 'pybundle-js', mode: 'pybundle-js', arg: bundle })
  }
  if (options.snapshots) {
    const snap = await snapshotInputs(bundle, pycZip, log)
    contenders.push({ name: 'stock-snapshot', mode: 'stock-snapshot', arg: '-', arg2: snap.stock })
    contenders.push({ name: 'pyc-zip-snapshot', mode: 'pyczip-snapshot', arg: pycZip, arg2: snap.zip })
    contenders.push({ name: 'pyc-zip-snapshot-imports', mode: 'pyczip-snapshot', arg: pycZip, arg2: snap.zipImports })
    contenders.push({ name: 'pybundle-snapshot', mode: 'pybundle-snapshot', arg: snap.bundleCopy })
    contenders.push({ name: 'pybundle-snapshot-bare', mode: 'pybundle-snapshot', arg: snap.bundleBare })
    if (!options.variants) contenders.push({ name: 'pybundle-noprefetch', mode: 'pybundle-noprefetch', arg: bundle })
  }
  const samples = new Map<ContenderName, Run[]>(contenders.map((c) => [c.name, []]))
  // One warm-up run each (file cache, V8 code cache of the JS), not recorded.
  for (const c of contenders) runChild(c.mode, c.arg, c.arg2)
  for (let round = 0; round < runs; round++) {
    for (let k = 0; k < contenders.length; k++) {
      const c = contenders[(round + k) % contenders.length]
      const r = runChild(c.mode, c.arg, c.arg2)
      samples.get(c.name)!.push(r)
      log(`round ${round + 1}/${runs} ${c.name}: startup ${r.startupMs.toFixed(0)} ms, import ${r.importMs.toFixed(1)} ms, total ${r.totalMs.toFixed(0)} ms`)
    }
  }
  let realapp: PyodideCaseResult['realapp']
  if (options.realapp) {
    const missing = realAppMissing()
    realapp = missing !== null ? { skipped: missing } : await runRealAppCase(options.realappRuns ?? runs, log)
  }
  const results: ContenderResult[] = contenders.map((c) => {
    const rs = samples.get(c.name)!
    return {
      name: c.name,
      description: DESCRIPTIONS[c.name],
      runs: rs,
      startupMedianMs: median(rs.map((r) => r.startupMs)),
      importMedianMs: median(rs.map((r) => r.importMs)),
      startupMinMs: Math.min(...rs.map((r) => r.startupMs)),
      importMinMs: Math.min(...rs.map((r) => r.importMs)),
      totalMedianMs: median(rs.map((r) => r.totalMs)),
    }
  })
  const by = (n: ContenderName) => results.find((r) => r.name === n)!
  const ratios = {
    startupStockOverBundle: by('stock').startupMedianMs / by('pybundle').startupMedianMs,
    startupPycZipOverBundle: by('pyc-zip').startupMedianMs / by('pybundle').startupMedianMs,
    importStockOverBundle: by('stock').importMedianMs / by('pybundle').importMedianMs,
    importPycZipOverBundle: by('pyc-zip').importMedianMs / by('pybundle').importMedianMs,
  }
  const f = (x: number) => `${x.toFixed(2)}x`
  const has = (n: ContenderName) => results.some((r) => r.name === n)
  const snapshotRatios = has('pybundle-snapshot') ? {
    startupBundleSnapshotOverStockSnapshot: by('pybundle-snapshot').startupMedianMs / by('stock-snapshot').startupMedianMs,
    totalPycZipSnapshotOverBundleSnapshot: by('pyc-zip-snapshot').totalMedianMs / by('pybundle-snapshot').totalMedianMs,
    totalBundleSnapshotOverHandSnapshot: by('pybundle-snapshot').totalMedianMs / by('pyc-zip-snapshot-imports').totalMedianMs,
    importPycZipSnapshotOverBundleNoPrefetch: by('pyc-zip').importMedianMs / by('pybundle-noprefetch').importMedianMs,
    importPycZipSnapshotOverBundleSnapshotBare: by('pyc-zip-snapshot').importMedianMs / by('pybundle-snapshot-bare').importMedianMs,
  } : undefined
  const snapshotTargets = snapshotRatios ? [
    { id: 'snapshot-startup-vs-stock-snapshot', description: 'startup with pybundle\'s snapshot within 1.1x of a bare stock snapshot\'s', value: f(snapshotRatios.startupBundleSnapshotOverStockSnapshot), met: snapshotRatios.startupBundleSnapshotOverStockSnapshot <= 1.1 },
    { id: 'snapshot-total-vs-pyczip-snapshot', description: 'process start to imports done at least 1.25x faster than a bare stock snapshot with a .pyc zip', value: f(snapshotRatios.totalPycZipSnapshotOverBundleSnapshot), met: snapshotRatios.totalPycZipSnapshotOverBundleSnapshot >= 1.25 },
    { id: 'snapshot-total-vs-hand-snapshot', description: 'process start to imports done within 1.05x of a snapshot made by hand after the same imports', value: f(snapshotRatios.totalBundleSnapshotOverHandSnapshot), met: snapshotRatios.totalBundleSnapshotOverHandSnapshot <= 1.05 },
    { id: 'import-after-restore-vs-pyczip', description: 'imports served by the bundle after a restore at least 1.3x faster than the .pyc zip after a restore', value: f(snapshotRatios.importPycZipSnapshotOverBundleSnapshotBare), met: snapshotRatios.importPycZipSnapshotOverBundleSnapshotBare >= 1.3 },
    { id: 'import-noprefetch-vs-pyczip', description: 'imports served by the bundle (no worker) at least 1.3x faster than the .pyc zip, normal start', value: f(snapshotRatios.importPycZipSnapshotOverBundleNoPrefetch), met: snapshotRatios.importPycZipSnapshotOverBundleNoPrefetch >= 1.3 },
  ] : []
  const realappTargets = realapp && 'targets' in realapp ? realapp.targets : []
  return {
    ...(snapshotRatios ? { snapshotRatios } : {}),
    ...(realapp ? { realapp } : {}),
    id: 'pyodide',
    runsPerContender: runs,
    newModules: by('pybundle').runs[0]?.newModules ?? 0,
    bundle,
    pycZip,
    contenders: results,
    ratios,
    targets: [
      { id: 'pyodide-startup-vs-stock', description: 'startup at least 3x faster than stock Pyodide', value: f(ratios.startupStockOverBundle), met: ratios.startupStockOverBundle >= 3 },
      { id: 'pyodide-startup-vs-pyczip', description: 'startup no slower than the .pyc zip', value: f(ratios.startupPycZipOverBundle), met: ratios.startupPycZipOverBundle >= 1 },
      { id: 'pyodide-import-vs-stock', description: '56-module import at least 10x faster than stock', value: f(ratios.importStockOverBundle), met: ratios.importStockOverBundle >= 10 },
      { id: 'pyodide-import-vs-pyczip', description: '56-module import at least 1.5x faster than the .pyc zip', value: f(ratios.importPycZipOverBundle), met: ratios.importPycZipOverBundle >= 1.5 },
      ...snapshotTargets,
      ...realappTargets,
    ],
  }
}

export function formatPyodideCase(r: PyodideCaseResult): string {
  const rows = r.contenders.map((c) =>
    `| ${c.name} | ${c.startupMedianMs.toFixed(0)} | ${c.startupMinMs.toFixed(0)} | ${c.importMedianMs.toFixed(1)} | ${c.importMinMs.toFixed(1)} | ${c.totalMedianMs.toFixed(0)} |`)
  return [
    `Pyodide ${JSON.parse(readFileSync(join(PYODIDE_DIR, 'package.json'), 'utf8')).version}, ${r.runsPerContender} runs each (fresh processes, interleaved), ${r.newModules} new modules in the import`,
    '',
    '| contender | startup median ms | startup min ms | import median ms | import min ms | process start to import done, median ms |',
    '|---|---:|---:|---:|---:|---:|',
    ...rows,
    '',
    ...r.targets.filter((t) => !t.id.startsWith('realapp-')).map((t) => `- ${t.met ? 'met' : 'MISSED'}: ${t.description}: ${t.value}`),
    ...(r.realapp === undefined ? [] : ['', 'skipped' in r.realapp ? `Real app: skipped: ${r.realapp.skipped}` : formatRealApp(r.realapp)]),
  ].join('\n')
}

const isMain = process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)
if (isMain) {
  const argv = process.argv.slice(2)
  const runsArg = argv.indexOf('--runs')
  const result = await runPyodideCase({
    runs: runsArg >= 0 ? Number(argv[runsArg + 1]) : undefined,
    variants: argv.includes('--variants'),
    snapshots: argv.includes('--snapshots'),
    realapp: argv.includes('--realapp'),
    ...(argv.includes('--realapp-runs') ? { realappRuns: Number(argv[argv.indexOf('--realapp-runs') + 1]) } : {}),
    ...(argv.includes('--bundle') ? { bundle: resolve(argv[argv.indexOf('--bundle') + 1]) } : {}),
    onProgress: (m) => process.stderr.write(m + '\n'),
  })
  console.log(argv.includes('--json') ? JSON.stringify(result, null, 2) : formatPyodideCase(result))
}
