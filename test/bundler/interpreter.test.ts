/**
 * Issue 11 §6: interpreter steps are bounded. Fake interpreters (small shell
 * scripts) that hang, flood their output, start children, exit 0 silently, are
 * a Python 2, are no Python at all, or are a pyenv shim without its version:
 * each ends the build with one INTERPRETER error that says what is wrong, and
 * leaves no process behind. No test here waits on a clock: timeouts are what
 * is being tested, and every wait is for an event (a file appearing, an exit).
 */
import { spawn } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { buildBundle, compileModules, createInterpreter, MAX_STDERR, SubprocessInterpreter } from '@pybundle/bundler'
import { PyBundleError } from '@pybundle/errors'
import { alive, sleep } from '../faults/helpers.js'

const BIN = path.resolve('packages/cli/bin/pybundle.js')
const root = fs.mkdtempSync(path.join(os.tmpdir(), 'pybundle-interp-'))
afterAll(() => fs.rmSync(root, { recursive: true, force: true }))

let n = 0
/** A folder with an executable `python` script (sh) and a manifest naming it. */
function project(script: string, bundle = ''): { dir: string; manifest: string; python: string } {
  const dir = path.join(root, `p${n++}`)
  fs.mkdirSync(dir)
  const python = path.join(dir, 'python')
  fs.writeFileSync(python, `#!/bin/sh\n${script}\n`, { mode: 0o755 })
  const manifest = path.join(dir, 'm.toml')
  fs.writeFileSync(manifest, `[bundle]\npython = "./python"\n${bundle}\n[modules]\ninclude = ["json"]\n`)
  return { dir, manifest, python }
}

async function buildError(manifest: string): Promise<PyBundleError> {
  const e = await buildBundle(manifest).then(() => null, (x) => x)
  expect(e).toBeInstanceOf(PyBundleError)
  return e as PyBundleError
}

/** Wait for an event: a file that a fake interpreter writes once it runs. */
async function waitForFile(file: string): Promise<string> {
  for (;;) {
    const text = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : ''
    if (text.endsWith('\n')) return text
    await sleep(20)
  }
}

/**
 * After a timeout: the processes the fake started (if it got that far on a
 * loaded machine before the timeout) are gone.
 */
async function expectStartedGone(pidFile: string): Promise<void> {
  const text = fs.existsSync(pidFile) ? fs.readFileSync(pidFile, 'utf8') : ''
  if (!text.endsWith('\n')) {
    console.log('the fake interpreter was killed before it started its child (a busy machine); nothing else to check')
    return
  }
  await expectGone(text.trim().split(' ').map(Number))
}

/** Processes get SIGKILL; poll until the kernel has them gone (a zombie counts as gone). */
async function expectGone(pids: number[]): Promise<void> {
  for (let i = 0; i < 3000 && pids.some(alive); i++) await sleep(20)
  expect(pids.filter(alive), 'interpreter processes left running').toEqual([])
}

// A shell script that starts a child (its own `sleep`), writes "<shell pid> <child pid>\n" and waits forever.
const HANG = 'sleep 100000 &\necho "$$ $!" > "$(dirname "$0")/pids"\necho "still working" >&2\nwait'

describe('[bundle] timeout', () => {
  it('kills a hanging interpreter and the processes it started, and names the step', async () => {
    const p = project(HANG, 'timeout = 3')
    const e = await buildError(p.manifest)
    expect(e.code).toBe('INTERPRETER')
    expect(e.message).toMatch(/did not finish resolving modules within 3 s \(\[bundle\] timeout\)/)
    await expectStartedGone(path.join(p.dir, 'pids'))
  })

  it('bounds a compile worker too', async () => {
    const p = project(HANG)
    const file = path.join(p.dir, 'a.py')
    fs.writeFileSync(file, 'x = 1\n')
    const e = await compileModules(new SubprocessInterpreter(p.python), [{ file, kind: 'source' }], { optimize: 0, timeout: 3 }).then(() => null, (x) => x)
    expect(e).toBeInstanceOf(PyBundleError)
    expect(e.code).toBe('INTERPRETER')
    expect(e.message).toMatch(/did not finish compiling modules within 3 s/)
    await expectStartedGone(path.join(p.dir, 'pids'))
  })

  it('is checked: a positive number of seconds', async () => {
    for (const bad of ['0', '-1', '"60"', '1e12', 'inf', 'nan']) {
      const p = project('exit 1', `timeout = ${bad}`)
      const e = await buildError(p.manifest)
      expect({ bad, code: e.code }).toEqual({ bad, code: 'MANIFEST' })
      expect(e.message).toMatch(/\[bundle\] timeout must be a number of seconds above 0/)
    }
  })
})

describe('interpreter output is capped', () => {
  it('keeps at most maxStdout / MAX_STDERR bytes of a flood, and reads it all', async () => {
    const p = project('head -c 30000000 /dev/zero\nhead -c 5000000 /dev/zero | tr "\\0" "e" >&2\necho LAST-LINE >&2\nexit 3')
    const py = new SubprocessInterpreter(p.python)
    const r = await py.runScript({ source: '' }, [], { maxStdout: 1 << 20 })
    expect(r.exitCode).toBe(3)
    expect(r.stdout.length).toBe(1 << 20)
    expect(r.stdoutDropped).toBe(30_000_000 - (1 << 20))
    expect(r.stderr.length).toBeLessThan(MAX_STDERR + 100)
    expect(r.stderr).toMatch(/bytes not kept/)
    expect(r.stderr.trimEnd().endsWith('LAST-LINE')).toBe(true)
  })

  it('a compile step that floods stdout with garbage is stopped, not buffered', async () => {
    const p = project('case "$1" in *compile.py) exec yes ;; esac\nexec python3 "$@"')
    const e = await buildError(p.manifest)
    expect(e.code).toBe('INTERPRETER')
    expect(e.message).toMatch(/sent output that is not compile\.py's/)
  })
})

describe('interpreters that are not a CPython 3.8-3.14', () => {
  it('a Python 2 is named as one', async () => {
    // A stand-in for python2.7: answers -c code as 2.7.18 would (version_info), fails the helpers as 2.7 does.
    const p = project(`if [ "$1" = "-c" ]; then exec python3 -c "import sys; sys.version_info = (2, 7, 18, 'final', 0); exec(sys.argv[1])" "$2"; fi
echo 'Traceback (most recent call last):' >&2
echo '  File "resolve.py", line 35, in <module>' >&2
echo 'ImportError: No module named machinery' >&2
exit 1`)
    const e = await buildError(p.manifest)
    expect(e.code).toBe('INTERPRETER')
    expect(e.message).toMatch(/\.\/python is Python 2\.7\.18 .*not a CPython 3\.8 to 3\.14/)
  })

  it('a real python2, if there is one, is named as one', async (ctx) => {
    const which = ['/usr/bin/python2', '/usr/bin/python2.7'].find((f) => fs.existsSync(f))
    if (!which) {
      console.log('skipped: no python2 on this machine (the stand-in above covers the message)')
      ctx.skip()
    }
    const p = project(`exec ${which} "$@"`)
    const e = await buildError(p.manifest)
    expect(e.message).toMatch(/is Python 2\.\d+\.\d+/)
  })

  it('a CPython outside 3.8-3.14 is named with its version', async () => {
    const p = project(`if [ "$1" = "-c" ]; then exec python3 -c "import sys; sys.version_info = (3, 7, 17, 'final', 0); exec(sys.argv[1])" "$2"; fi
echo 'SyntaxError: invalid syntax' >&2
exit 1`)
    const e = await buildError(p.manifest)
    expect(e.message).toMatch(/is CPython 3\.7\.17, not a CPython 3\.8 to 3\.14/)
  })

  it('one that exits 0 without a word is called no Python', async () => {
    const p = project('exit 0')
    const e = await buildError(p.manifest)
    expect(e.code).toBe('INTERPRETER')
    expect(e.message).toMatch(/does not run as a Python interpreter .*exited with status 0 without an answer while resolving modules/)
  })

  it('a program that is not Python is called no Python, with what it printed', async () => {
    const p = project('echo "usage: frobnicate [-x]" >&2\nexit 64')
    const e = await buildError(p.manifest)
    expect(e.message).toMatch(/does not run as a Python interpreter/)
    expect(e.message).toContain('usage: frobnicate [-x]')
  })

  it('a pyenv shim without its version shows the shim\'s first lines, not only its last', async () => {
    const p = project(`cat >&2 <<'X'
pyenv: python3.13: command not found

The \`python3.13' command exists in these Python versions:
  3.13.0

Note: See 'pyenv help global' for tips on allowing both
      python2 and python3 to be found at the same time.
X
exit 127`)
    const e = await buildError(p.manifest)
    expect(e.message).toContain('pyenv: python3.13: command not found')
    expect(e.message).toContain('3.13.0')
  })

  it('a missing command says so', async () => {
    const p = project('exit 0')
    fs.writeFileSync(p.manifest, '[bundle]\npython = "./no-such-python"\n[modules]\ninclude = ["json"]\n')
    const e = await buildError(p.manifest)
    expect(e.message).toMatch(/cannot run the Python interpreter '\.\/no-such-python': no such file/)
  })

  it('a helper failing in a good interpreter shows several lines of its stderr', async () => {
    const p = project('case "$1" in *resolve.py) exec python3 -c "import sys; print(\'first line\', file=sys.stderr); raise RuntimeError(\'the real reason\')" ;; esac\nexec python3 "$@"')
    const e = await buildError(p.manifest)
    expect(e.message).toMatch(/failed while resolving modules \(exit status 1\)/)
    expect(e.message).toContain('first line')
    expect(e.message).toContain('RuntimeError: the real reason')
  })
})

describe('a signal to pybundle kills the interpreters it started', () => {
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    it(`${signal}: no interpreter process survives`, async () => {
      const p = project(HANG)
      const child = spawn(process.execPath, [BIN, 'build', p.manifest], { stdio: 'ignore' })
      const exited = new Promise<NodeJS.Signals | number | null>((resolve) => child.on('exit', (code, sig) => resolve(sig ?? code)))
      const pids = (await waitForFile(path.join(p.dir, 'pids'))).trim().split(' ').map(Number)
      child.kill(signal)
      expect(await exited).toBe(signal)
      await expectGone(pids)
    })
  }
})

describe('pyodide (in process)', () => {
  it('a script past its timeout is interrupted, and the interpreter still works after', async (ctx) => {
    try {
      await import('pyodide')
    } catch {
      console.log('skipped: the npm package pyodide is not installed')
      ctx.skip()
    }
    const py = createInterpreter('pyodide')
    const e = await py.runScript({ source: 'import sys\nprint("spinning", file=sys.stderr)\nwhile True: pass\n' }, [], { timeout: 1, step: 'spinning' }).then(() => null, (x) => x)
    expect(e).toBeInstanceOf(PyBundleError)
    expect(e.code).toBe('INTERPRETER')
    expect(e.message).toMatch(/did not finish spinning within 1 s/)
    expect(e.message).toContain('spinning')
    const r = await py.runScript({ source: 'print(6 * 7)' }, [], { timeout: 60 })
    expect(r.stdout.toString().trim()).toBe('42')
  })
})
