/** Shared by the CLI tests: a fixture project, running the built executable, checking an extracted tree. */
import { spawn, execFileSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { openBundle } from '@pybundle/loader'
import { memoryContext, run } from '@pybundle/cli'

const HERE = path.dirname(fileURLToPath(import.meta.url))
export const REPO = path.resolve(HERE, '..', '..')
export const BIN = path.join(REPO, 'packages', 'cli', 'bin', 'pybundle.js')

export function tempDir(prefix = 'pybundle-cli-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix))
}

/** Run the CLI in-process through commander's parseAsync; returns exit code and output. */
export async function cli(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  const ctx = memoryContext()
  const code = await run(['node', 'pybundle', ...args], ctx)
  return { code, out: ctx.out, err: ctx.err }
}

/** Run bin/pybundle.js as a subprocess. */
export function binRun(args: string[], opts: { cwd?: string } = {}): Promise<{ code: number; out: string; err: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd: opts.cwd ?? REPO, stdio: ['ignore', 'pipe', 'pipe'] })
    const out: Buffer[] = []
    const err: Buffer[] = []
    child.stdout.on('data', (b: Buffer) => out.push(b))
    child.stderr.on('data', (b: Buffer) => err.push(b))
    child.on('error', reject)
    child.on('close', (code) => resolve({ code: code ?? -1, out: Buffer.concat(out).toString('utf8'), err: Buffer.concat(err).toString('utf8') }))
  })
}

export function write(file: string, text: string | Uint8Array): void {
  fs.mkdirSync(path.dirname(file), { recursive: true })
  fs.writeFileSync(file, text)
}

/**
 * A project with the hard cases: a package with subpackages and relative
 * imports, a namespace package (two levels), a non-ASCII module name, a module
 * with 70,000 constants, a sourceless .pyc, plus a built-in and an extension
 * module named in include (skipped, not errors).
 */
export function makeProject(root: string, python: string): { manifest: string; originals: Record<string, string> } {
  const src = path.join(root, 'src')
  write(path.join(src, 'pkg', '__init__.py'), 'from .core import greet\nfrom . import sub\nVERSION = (1, 2)\n')
  write(path.join(src, 'pkg', 'core.py'), 'def greet(name, *, punct="!"):\n    return f"hello {name}{punct}"\n\nclass K:\n    def m(self, a, /, b=2.5, **kw):\n        return [x * b for x in range(a) if x % 2]\n')
  write(path.join(src, 'pkg', 'sub', '__init__.py'), '')
  write(path.join(src, 'pkg', 'sub', 'deep.py'), 'from ..core import greet\nfrom . import __name__ as parent\nFROZEN = frozenset({1, 2.0, "x", b"y", (None, ...)})\nNEG = -0.0\nBIG = 2 ** 200\nC = 1 + 2j\nU = "\\u00e9\\U0001f600\\ud800"\n')
  write(path.join(src, 'ns', 'portion', 'mod.py'), 'VALUE = "namespace"\n')
  write(path.join(src, 'café.py'), 'NAME = "café"\nDONNÉES = {"ключ": "値"}\n')
  let big = ''
  for (let i = 0; i < 70_000; i++) big += `v = ${i}.5\n`
  write(path.join(src, 'big.py'), big)
  // A sourceless module: the .pyc beside where its source was (SourcelessFileLoader).
  const legacySrc = path.join(root, 'legacy_src', 'legacy.py')
  write(legacySrc, 'def old():\n    return "from a pyc"\n')
  const legacyPyc = path.join(src, 'legacy.pyc')
  execFileSync(python, ['-c', `import py_compile, sys; py_compile.compile(sys.argv[1], cfile=sys.argv[2], doraise=True)`, legacySrc, legacyPyc])
  const original = path.join(root, 'legacy-original.pyc')
  fs.copyFileSync(legacyPyc, original)
  const manifest = path.join(root, 'proj.toml')
  write(manifest, `[bundle]\noutput = "out/proj.pyb"\npython = ${JSON.stringify(python)}\n\n[modules]\npaths = ["src"]\ninclude = ["pkg.*", "ns.*", "café", "big", "legacy", "sys", "_json"]\n`)
  return { manifest, originals: { legacy: original } }
}

export interface CheckResult {
  checked: number
  imported: number
  mismatchCount: number
  mismatches: { name: string; where: string; detail: string }[]
}

/** Modules of a bundle, for the checker: name, kind, source path. */
export function bundleModules(file: string): { name: string; kind: string; path: string }[] {
  const b = openBundle(file)
  try {
    return [...b.modules()].map((m) => ({ name: m.name, kind: m.isNamespace ? 'namespace' : m.isPackage ? 'package' : 'module', path: m.path }))
  } finally {
    b.close()
  }
}

/** Run py/check_extracted.py with `python` over an extracted tree. */
export function checkExtracted(python: string, request: { dir: string; optimize?: number; import?: boolean; modules: { name: string; kind: string; path: string }[]; originals?: Record<string, string> }): Promise<CheckResult> {
  const dir = tempDir('pybundle-check-')
  const reqFile = path.join(dir, 'request.json')
  fs.writeFileSync(reqFile, JSON.stringify(request))
  return new Promise((resolve, reject) => {
    const child = spawn(python, [path.join(HERE, 'py', 'check_extracted.py'), reqFile], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1' } })
    const out: Buffer[] = []
    const err: Buffer[] = []
    child.stdout.on('data', (b: Buffer) => out.push(b))
    child.stderr.on('data', (b: Buffer) => err.push(b))
    child.on('error', reject)
    child.on('close', (code) => {
      fs.rmSync(dir, { recursive: true, force: true })
      if (code !== 0) reject(new Error(`check_extracted.py exited ${code}: ${Buffer.concat(err).toString('utf8').slice(-3000)}`))
      else resolve(JSON.parse(Buffer.concat(out).toString('utf8')) as CheckResult)
    })
  })
}
