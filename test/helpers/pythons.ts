/**
 * The real CPython interpreters on this machine, for differential tests.
 *
 *   const { found, skipped, python3 } = findInterpreters()
 *   // found: [{ version: '3.11', minor: 11, full: '3.11.7', executable, magic: 3495, marshalVersion: 4 }, ...]
 *   // skipped: [{ version: '3.14', reason: 'no ~/.pyenv/versions/3.14.* here' }]
 *   // python3: the `python3` on PATH (also in found unless a pyenv one has the same version)
 *
 *   const py314 = findPyodide()  // Pyodide's CPython 3.14 (executable 'pyodide', in-process), or { skipped }
 *
 * Looks at ~/.pyenv/versions/3.8.* .. 3.14.* (newest patch of each) and `python3`; each
 * is probed once (version, magic, marshal.version) and the answer memoised.
 */
import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import { createRequire } from 'node:module'
import os from 'node:os'
import path from 'node:path'

export interface Interpreter {
  /** '3.11' */
  version: string
  minor: number
  /** '3.11.7' */
  full: string
  executable: string
  /** importlib.util.MAGIC_NUMBER as a u16. */
  magic: number
  marshalVersion: number
  /** MAX_MARSHAL_STACK_DEPTH of this build: 2000 natively here, 1500 in Pyodide (Emscripten). */
  marshalMaxDepth: number
}

export interface InterpreterSearch {
  found: Interpreter[]
  skipped: { version: string; reason: string }[]
  /** The `python3` on PATH, if it runs. */
  python3: Interpreter | undefined
}

// 3.14 is looked for too: where it is absent it shows up in `skipped` with the reason.
export const PYENV_MINORS = [8, 9, 10, 11, 12, 13, 14] as const

const PROBE = [
  'import sys, json, marshal, importlib.util',
  'print(json.dumps([sys.executable, "%d.%d.%d" % sys.version_info[:3], sys.version_info[1],',
  ' int.from_bytes(importlib.util.MAGIC_NUMBER[:2], "little"), marshal.version]))',
].join('\n')

function probe(executable: string): Interpreter | string {
  try {
    const out = execFileSync(executable, ['-E', '-c', PROBE], { encoding: 'utf8', timeout: 120_000, stdio: ['ignore', 'pipe', 'pipe'] })
    const [exe, full, minor, magic, marshalVersion] = JSON.parse(out) as [string, string, number, number, number]
    return { version: `3.${minor}`, minor, full, executable: exe || executable, magic, marshalVersion, marshalMaxDepth: 2000 }
  } catch (e) {
    return `does not run: ${(e as Error).message.split('\n')[0]}`
  }
}

function newestPatch(minor: number): string | undefined {
  const root = path.join(os.homedir(), '.pyenv', 'versions')
  let names: string[]
  try {
    names = fs.readdirSync(root)
  } catch {
    return undefined
  }
  const re = new RegExp(`^3\\.${minor}\\.(\\d+)$`)
  const best = names.filter((n) => re.test(n)).sort((a, b) => Number(re.exec(b)![1]) - Number(re.exec(a)![1]))[0]
  return best === undefined ? undefined : path.join(root, best, 'bin', 'python3')
}

let memo: InterpreterSearch | undefined

export function findInterpreters(): InterpreterSearch {
  if (memo) return memo
  const found: Interpreter[] = []
  const skipped: { version: string; reason: string }[] = []
  for (const minor of PYENV_MINORS) {
    const exe = newestPatch(minor)
    if (!exe || !fs.existsSync(exe)) {
      skipped.push({ version: `3.${minor}`, reason: `no ~/.pyenv/versions/3.${minor}.* interpreter here` })
      continue
    }
    const r = probe(exe)
    if (typeof r === 'string') skipped.push({ version: `3.${minor}`, reason: `${exe} ${r}` })
    else found.push(r)
  }
  const p3 = probe('python3')
  let python3: Interpreter | undefined
  if (typeof p3 === 'string') skipped.push({ version: 'python3', reason: `python3 ${p3}` })
  else {
    python3 = p3
    if (!found.some((f) => f.full === p3.full)) found.push(p3)
  }
  found.sort((a, b) => a.minor - b.minor)
  memo = { found, skipped, python3 }
  return memo
}

/**
 * CPython 3.14 as shipped in the npm package `pyodide`, run in-process through
 * @pybundle/bundler's Pyodide interpreter (executable 'pyodide' for runPython and
 * the other helpers). Kept out of findInterpreters().found because it is not a
 * command other tests can spawn. The version facts are Pyodide 314's; the stdlib
 * corpus script checks them against the running interpreter.
 */
export function findPyodide(): { interp: Interpreter } | { skipped: { version: string; reason: string } } {
  try {
    const require = createRequire(import.meta.url)
    const pkg = JSON.parse(fs.readFileSync(require.resolve('pyodide/package.json'), 'utf8')) as { version: string }
    const m = /^3(\d\d)\./.exec(pkg.version)
    if (!m || m[1] !== '14') return { skipped: { version: '3.14', reason: `pyodide ${pkg.version} is not CPython 3.14` } }
    return { interp: { version: '3.14', minor: 14, full: `3.14 (pyodide ${pkg.version})`, executable: 'pyodide', magic: 3627, marshalVersion: 5, marshalMaxDepth: 1500 } }
  } catch (e) {
    return { skipped: { version: '3.14', reason: `npm package pyodide not installed (${(e as Error).message.split('\n')[0]})` } }
  }
}
