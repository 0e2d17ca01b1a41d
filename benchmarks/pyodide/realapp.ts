/**
 * Case 9's real-app workload (issue 15 item 4): examples/realapp (jinja2, markdown,
 * pygments, yaml, attrs, six, pytz, certifi from Debian's python3-* packages) in
 * Pyodide, each start a fresh Node process (realapp-child.mjs), contenders
 * interleaved round by round, medians. Two figures from process start:
 * - imports done: `import app.main` (every library the app uses);
 * - workload done: then one fixed CPU workload (jinja2 rendering, markdown with three
 *   extensions, pygments, yaml; ROUNDS rounds), the same for every contender, whose
 *   digest must be equal for all of them.
 *
 * Contenders: stock Pyodide (the sources copied into /home/pyodide), a bare stock
 * snapshot (then the same sources), a bare snapshot with the app's .pyc zip as
 * stdLibURL (every module the bundle holds, as bundle.toPyc gives it, with its data
 * files and distribution metadata), a snapshot made by hand after importing the
 * modules pybundle's snapshot holds from that zip (and restored with it), and
 * pybundle with its own snapshot (examples/realapp/realapp-pyodide.toml plus
 * `[pyodide] snapshot = true`). Inputs are cached under benchmarks/.work/pyodide/realapp-KEY/.
 * Skipped, with the reason, when Debian's packages are absent (tools/install-debian-pkgs.sh).
 */
import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { dirname, join, posix, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { zipSync, unzipSync, type Zippable } from 'fflate'
import { buildBundle, createInterpreter } from '@pybundle/bundler'
import { openBundle, readSnapshotFile } from '@pybundle/loader'
import { median } from '../src/harness.js'
import { treeHash } from './tree-hash.mjs'

const HERE = dirname(fileURLToPath(import.meta.url))
const ROOT = resolve(HERE, '../..')
const APP_DIR = join(ROOT, 'examples/realapp')
const DIST_PACKAGES = '/usr/lib/python3/dist-packages'
const PYODIDE_DIR = join(ROOT, 'node_modules/pyodide')
/** The libraries the app imports from dist-packages (as test/e2e/realapp.ts). */
const THIRD_PARTY = ['attr', 'certifi', 'jinja2', 'markdown', 'markupsafe', 'pygments', 'pytz', 'six.py', 'yaml']
const APP_TOPS = ['app', 'appns']
/** Operating-system files the app's libraries read (pytz at import, certifi), as test/e2e/realapp.ts. */
const OS_FILES = ['/usr/share/zoneinfo/tzdata.zi', '/usr/share/zoneinfo/zone1970.tab', '/usr/share/zoneinfo/zone.tab', '/usr/share/zoneinfo/iso3166.tab', '/usr/share/zoneinfo/Europe/Paris', '/etc/ssl/certs/ca-certificates.crt']
/** Rounds of the CPU workload (realapp-child.mjs WORKLOAD). */
export const ROUNDS = 40

export type RealAppContender = 'stock' | 'stock-snapshot' | 'pyc-zip-snapshot' | 'hand-snapshot' | 'pybundle-snapshot'

const MODES: Record<RealAppContender, string> = {
  stock: 'stock', 'stock-snapshot': 'stock-snapshot', 'pyc-zip-snapshot': 'pyczip-snapshot', 'hand-snapshot': 'hand-snapshot', 'pybundle-snapshot': 'pybundle',
}

const DESCRIPTIONS: Record<RealAppContender, string> = {
  stock: 'stock Pyodide, the app\'s and its libraries\' sources copied into /home/pyodide',
  'stock-snapshot': 'Pyodide memory snapshot (bare), stock stdlib, then the same sources copied in',
  'pyc-zip-snapshot': 'Pyodide memory snapshot (bare) with the app\'s .pyc zip (every bundled module, data, metadata) as stdLibURL',
  'hand-snapshot': 'snapshot made by hand after importing the modules pybundle\'s snapshot holds from the .pyc zip, restored with it',
  'pybundle-snapshot': 'pybundle with its snapshot (realapp-pyodide.toml + [pyodide] snapshot = true), restored by loadPyodideWithBundle',
}

export interface RealAppRun {
  startupMs: number
  importsDoneMs: number
  workloadDoneMs: number
  workloadMs: number
  result: string
}

export interface RealAppResult {
  rounds: number
  runsPerContender: number
  snapshotImports: number
  contenders: { name: RealAppContender; description: string; runs: RealAppRun[]; startupMedianMs: number; importsDoneMedianMs: number; workloadDoneMedianMs: number; workloadMedianMs: number }[]
  targets: { id: string; description: string; value: string; met: boolean }[]
}

/** Why the case cannot run here, or null. */
export function realAppMissing(): string | null {
  for (const top of THIRD_PARTY) if (!existsSync(join(DIST_PACKAGES, top))) return `${join(DIST_PACKAGES, top)} is absent (run tools/install-debian-pkgs.sh)`
  for (const f of OS_FILES) if (!existsSync(f)) return `${f} is absent`
  return null
}


/** Every file stock Pyodide needs to import the app from sources: [host path, path in Pyodide's FS]. */
function sourceFiles(home: string): [string, string][] {
  const out: [string, string][] = []
  const walk = (from: string, to: string): void => {
    const st = statSync(from)
    if (st.isDirectory()) {
      for (const name of readdirSync(from).sort()) if (name !== '__pycache__' && !name.endsWith('.so')) walk(join(from, name), `${to}/${name}`)
    } else if (st.isFile()) out.push([from, to])
  }
  for (const top of APP_TOPS) walk(join(APP_DIR, top), `${home}/${top}`)
  for (const top of THIRD_PARTY) walk(join(DIST_PACKAGES, top), `${home}/${top}`)
  const tops = new Set(THIRD_PARTY.map((t) => t.replace(/\.py$/, '')))
  for (const name of readdirSync(DIST_PACKAGES).sort()) {
    const tl = join(DIST_PACKAGES, name, 'top_level.txt')
    if (/\.(dist|egg)-info$/.test(name) && existsSync(tl) && readFileSync(tl, 'utf8').split('\n').some((n) => tops.has(n.trim()))) walk(join(DIST_PACKAGES, name), `${home}/${name}`)
  }
  return out
}

/**
 * The app's .pyc zip: every module of the bundle as its .pyc (bundle.toPyc) at its
 * path, its packages' data files and its distributions' metadata, and every other
 * file of Pyodide's stdlib zip: what someone shipping a .pyc zip instead would ship.
 */
function pycZip(bundlePath: string, out: string): void {
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
    for (const pkg of bundle.dataPackages()) {
      const dir = posix.dirname(bundle.getModule(pkg)!.path)
      for (const f of bundle.dataFiles(pkg)) files[`${dir}/${f}`] = [bundle.getData(pkg, f)!, { level: 0 }]
    }
    for (const d of bundle.distributions()) {
      if (d.isFile) files[d.name] = [bundle.getDistributionFile(d.name, bundle.distributionFiles(d.name)[0] ?? '')!, { level: 0 }]
      else for (const f of bundle.distributionFiles(d.name)) files[`${d.name}/${f}`] = [bundle.getDistributionFile(d.name, f)!, { level: 0 }]
    }
    for (const [name, data] of Object.entries(stdlib)) if (!name.endsWith('/') && !bundled.has(name) && !(name in files)) files[name] = [data, { level: 0 }]
  } finally {
    bundle.close()
  }
  writeFileSync(out, zipSync(files))
}

interface Inputs { bundle: string; pycZip: string; stockSnapshot: string; pycZipSnapshot: string; handSnapshot: string; sources: [string, string][]; osFiles: [string, string][]; rounds: number }

/** Build (once per app, bundler, @pybundle/pyodide and Pyodide version) what the contenders start from. */
async function realAppInputs(log: (m: string) => void): Promise<{ file: string; inputs: Inputs; snapshotImports: number }> {
  const key = treeHash([join(APP_DIR, 'app'), join(APP_DIR, 'appns'), join(APP_DIR, 'realapp-pyodide.toml'), join(ROOT, 'packages/bundler/dist'),
    join(ROOT, 'packages/bundler/src/python'), join(ROOT, 'packages/pyodide/dist'), join(ROOT, 'packages/pyodide/src/python'), join(PYODIDE_DIR, 'package.json')],
  { skipDirs: ['__pycache__'], chars: 16 })
  const dir = join(ROOT, 'benchmarks/.work/pyodide', `realapp-${key}`)
  const file = join(dir, 'inputs.json')
  if (!existsSync(file)) {
    const tmp = `${dir}.${process.pid}.tmp`
    rmSync(tmp, { recursive: true, force: true })
    mkdirSync(tmp, { recursive: true })
    log('building the real app for Pyodide with [pyodide] snapshot = true (once)...')
    // The example's manifest, with absolute paths, plus the snapshot.
    const manifest = readFileSync(join(APP_DIR, 'realapp-pyodide.toml'), 'utf8')
      .replace(/^output = .*$/m, 'output = "realapp.pyb"')
      .replace(/^paths = \[.*\]$/m, `paths = [${JSON.stringify(APP_DIR)}, ${JSON.stringify(DIST_PACKAGES)}]`)
    writeFileSync(join(tmp, 'realapp.toml'), `${manifest}\n[pyodide]\nsnapshot = true\n`)
    const summary = await buildBundle(join(tmp, 'realapp.toml'), { output: join(tmp, 'realapp.pyb'), interpreter: createInterpreter('pyodide') })
    if (!summary.snapshot) throw new Error('the real app\'s build made no snapshot')
    log('making the real app\'s .pyc zip and stock snapshots (once)...')
    pycZip(join(tmp, 'realapp.pyb'), join(tmp, 'realapp.pyc.zip'))
    const inputs: Inputs = {
      bundle: join(dir, 'realapp.pyb'), pycZip: join(dir, 'realapp.pyc.zip'), stockSnapshot: join(dir, 'stock.snap'),
      pycZipSnapshot: join(dir, 'pyczip.snap'), handSnapshot: join(dir, 'hand.snap'), sources: sourceFiles('/home/pyodide'), osFiles: OS_FILES.map((f) => [f, f]), rounds: ROUNDS,
    }
    // Made in tmp, with tmp's paths; inputs.json names where they end up.
    const at = (p: string) => p.replace(dir, tmp)
    writeFileSync(join(tmp, 'make.json'), JSON.stringify({ ...inputs, pycZip: at(inputs.pycZip) }))
    const imports = readSnapshotFile(new Uint8Array(readFileSync(join(tmp, 'realapp.pyb.snapshot')))).info.imports
    writeFileSync(join(tmp, 'imports.json'), JSON.stringify(imports))
    const make = (out: string, imp?: string, zip = true) => {
      const cfg = zip ? join(tmp, 'make.json') : join(tmp, 'make-stock.json')
      if (!zip) writeFileSync(cfg, JSON.stringify({ ...inputs, pycZip: undefined }))
      const r = spawnSync(process.execPath, [join(HERE, 'realapp-child.mjs'), 'make-snapshot', cfg, at(out), ...(imp ? [imp] : [])], { cwd: ROOT, encoding: 'utf8' })
      if (r.status !== 0) throw new Error(`making ${out} failed: ${r.stderr.slice(-2000)}`)
    }
    make(inputs.stockSnapshot, undefined, false)
    make(inputs.pycZipSnapshot)
    make(inputs.handSnapshot, join(tmp, 'imports.json'))
    writeFileSync(join(tmp, 'inputs.json'), JSON.stringify(inputs))
    rmSync(dir, { recursive: true, force: true })
    renameSync(tmp, dir)
  }
  const inputs = JSON.parse(readFileSync(file, 'utf8')) as Inputs
  const snapshotImports = (JSON.parse(readFileSync(join(dir, 'imports.json'), 'utf8')) as string[]).length
  return { file, inputs, snapshotImports }
}

function runChild(mode: string, inputsFile: string): RealAppRun {
  const r = spawnSync(process.execPath, [join(HERE, 'realapp-child.mjs'), mode, inputsFile], { cwd: ROOT, encoding: 'utf8', maxBuffer: 1 << 20 })
  if (r.status !== 0) throw new Error(`real-app child ${mode} failed (${r.status}): ${r.stderr.slice(-2000)}`)
  const j = JSON.parse(r.stdout.trim().split('\n').pop()!) as RealAppRun
  return { startupMs: j.startupMs, importsDoneMs: j.importsDoneMs, workloadDoneMs: j.workloadDoneMs, workloadMs: j.workloadMs, result: j.result }
}

/** The real-app contenders, `runs` fresh processes each, interleaved (one unrecorded warm-up each first). */
export async function runRealAppCase(runs: number, log: (m: string) => void = () => {}): Promise<RealAppResult> {
  const { file, snapshotImports } = await realAppInputs(log)
  const names = Object.keys(MODES) as RealAppContender[]
  const samples = new Map<RealAppContender, RealAppRun[]>(names.map((n) => [n, []]))
  for (const n of names) runChild(MODES[n], file)
  for (let round = 0; round < runs; round++) {
    for (let k = 0; k < names.length; k++) {
      const n = names[(round + k) % names.length]
      const r = runChild(MODES[n], file)
      samples.get(n)!.push(r)
      log(`real app round ${round + 1}/${runs} ${n}: startup ${r.startupMs.toFixed(0)} ms, imports done ${r.importsDoneMs.toFixed(0)} ms, workload done ${r.workloadDoneMs.toFixed(0)} ms`)
    }
  }
  const digests = new Set([...samples.values()].flat().map((r) => r.result))
  if (digests.size !== 1) throw new Error(`the real-app workload computed different results in different contenders: ${[...digests].join(', ')}`)
  const contenders = names.map((name) => {
    const rs = samples.get(name)!
    return {
      name, description: DESCRIPTIONS[name], runs: rs,
      startupMedianMs: median(rs.map((r) => r.startupMs)), importsDoneMedianMs: median(rs.map((r) => r.importsDoneMs)),
      workloadDoneMedianMs: median(rs.map((r) => r.workloadDoneMs)), workloadMedianMs: median(rs.map((r) => r.workloadMs)),
    }
  })
  const by = (n: RealAppContender) => contenders.find((c) => c.name === n)!
  const f = (x: number) => `${x.toFixed(2)}x`
  const startup = by('pybundle-snapshot').startupMedianMs / by('stock-snapshot').startupMedianMs
  const vsZip = by('pyc-zip-snapshot').importsDoneMedianMs / by('pybundle-snapshot').importsDoneMedianMs
  const vsHand = by('pybundle-snapshot').importsDoneMedianMs / by('hand-snapshot').importsDoneMedianMs
  const vsStock = by('stock').importsDoneMedianMs / by('pybundle-snapshot').importsDoneMedianMs
  const workVsZip = by('pyc-zip-snapshot').workloadDoneMedianMs / by('pybundle-snapshot').workloadDoneMedianMs
  const workVsHand = by('pybundle-snapshot').workloadDoneMedianMs / by('hand-snapshot').workloadDoneMedianMs
  return {
    rounds: ROUNDS,
    runsPerContender: runs,
    snapshotImports,
    contenders,
    targets: [
      { id: 'realapp-startup-vs-stock-snapshot', description: 'real app: startup with pybundle\'s snapshot within 1.1x of a bare stock snapshot\'s', value: f(startup), met: startup <= 1.1 },
      { id: 'realapp-imports-vs-pyczip-snapshot', description: 'real app: process start to the app\'s imports done at least 1.25x faster than a bare stock snapshot with a .pyc zip', value: f(vsZip), met: vsZip >= 1.25 },
      { id: 'realapp-imports-vs-hand-snapshot', description: 'real app: process start to the app\'s imports done within 1.05x of a snapshot made by hand after the same imports', value: f(vsHand), met: vsHand <= 1.05 },
      { id: 'realapp-imports-vs-stock', description: 'real app: process start to the app\'s imports done at least 8x faster than stock Pyodide', value: f(vsStock), met: vsStock >= 8 },
      { id: 'realapp-workload-vs-pyczip-snapshot', description: 'real app: process start to the workload done at least 1.25x faster than a bare stock snapshot with a .pyc zip', value: f(workVsZip), met: workVsZip >= 1.25 },
      { id: 'realapp-workload-vs-hand-snapshot', description: 'real app: process start to the workload done within 1.05x of the hand snapshot', value: f(workVsHand), met: workVsHand <= 1.05 },
    ],
  }
}

export function formatRealApp(r: RealAppResult): string {
  return [
    `Real app (examples/realapp: ${r.snapshotImports} modules in pybundle's snapshot), ${r.runsPerContender} runs each (fresh processes, interleaved); workload = ${r.rounds} rounds of jinja2 + markdown + pygments + yaml, the same digest in every contender`,
    '',
    '| contender | startup median ms | process start to imports done, median ms | workload median ms | process start to workload done, median ms |',
    '|---|---:|---:|---:|---:|',
    ...r.contenders.map((c) => `| ${c.name} | ${c.startupMedianMs.toFixed(0)} | ${c.importsDoneMedianMs.toFixed(0)} | ${c.workloadMedianMs.toFixed(0)} | ${c.workloadDoneMedianMs.toFixed(0)} |`),
    '',
    ...r.targets.map((t) => `- ${t.met ? 'met' : 'MISSED'}: ${t.description}: ${t.value}`),
  ].join('\n')
}
