/**
 * Run a Python helper script (test/helpers/py/) with an interpreter; resolves with stdout.
 * `executable` 'pyodide' runs it in-process in Pyodide (CPython 3.14 in WebAssembly),
 * through @pybundle/bundler's interpreter (host folders are visible at their own paths).
 */
import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import path from 'node:path'

export const PY_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), 'py')

export const PYODIDE = 'pyodide'

interface ScriptRunner {
  runScript(script: { path: string }, args: readonly string[]): Promise<{ stdout: Buffer; stderr: string; exitCode: number }>
}
let pyodide: Promise<ScriptRunner> | undefined

async function runInPyodide(script: string, args: string[]): Promise<string> {
  pyodide ??= import('@pybundle/bundler').then((b) => b.createInterpreter('pyodide') as ScriptRunner)
  const r = await (await pyodide).runScript({ path: path.join(PY_DIR, script) }, args)
  if (r.exitCode !== 0) throw new Error(`pyodide ${script} exited with ${r.exitCode}: ${r.stderr.slice(-2000)}`)
  return r.stdout.toString('utf8')
}

export function runPython(executable: string, script: string, args: string[], opts: { timeoutMs?: number } = {}): Promise<string> {
  if (executable === PYODIDE) return runInPyodide(script, args)
  return new Promise((resolve, reject) => {
    const child = spawn(executable, ['-X', 'utf8', '-E', path.join(PY_DIR, script), ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1' },
    })
    const out: Buffer[] = []
    const err: Buffer[] = []
    child.stdout.on('data', (b: Buffer) => out.push(b))
    child.stderr.on('data', (b: Buffer) => err.push(b))
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 600_000)
    child.on('error', (e) => {
      clearTimeout(timer)
      reject(e)
    })
    child.on('close', (code, signal) => {
      clearTimeout(timer)
      if (code === 0) resolve(Buffer.concat(out).toString('utf8'))
      else reject(new Error(`${executable} ${script} exited with ${code ?? signal}: ${Buffer.concat(err).toString('utf8').slice(-2000)}`))
    })
  })
}
