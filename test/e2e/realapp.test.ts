/**
 * The example application (examples/realapp: jinja2, markdown, pygments, yaml,
 * attrs, six, pytz, certifi from Debian's python3-* packages; its own data
 * files, templates and a namespace package; importlib.metadata) built from a
 * manifest that names only the app's own packages (trace + closure):
 *
 *  (a) extracted, it runs under Debian's /usr/bin/python3 -S with only --out on
 *      sys.path and prints exactly what a normal run prints;
 *  (b) built for Pyodide, it runs from the bundle (loadPyodideWithBundle) with
 *      nothing copied into Pyodide's filesystem but the operating-system files
 *      pytz and certifi read, and prints exactly what stock Pyodide given the
 *      sources prints.
 *
 * Skips with the reason where Debian's packages are absent
 * (tools/install-debian-pkgs.sh installs them). Bundles are built once per run
 * under this test's temporary folder.
 */
import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { loadPyodide } from 'pyodide'
import { buildBundle, createInterpreter } from '@pybundle/bundler'
import { openBundle } from '@pybundle/loader'
import { loadPyodideWithBundle } from '@pybundle/pyodide'
import { memoryContext, run } from '@pybundle/cli'
import { APP_DIR, APP_TOPS, copyOsFiles, copySources, DEBIAN_PYTHON, missingPrerequisite, RUN_APP, THIRD_PARTY } from './realapp.js'

const missing = missingPrerequisite()
if (missing !== null) console.log(`test/e2e/realapp.test.ts: skipped: ${missing}`)

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'pybundle-realapp-'))
afterAll(() => fs.rmSync(work, { recursive: true, force: true }))

const TOPS = [...APP_TOPS, ...THIRD_PARTY.map((t) => t.replace(/\.py$/, ''))]

/** Python in a clean environment: no PYTHONPATH or PYTHON* settings from the caller, nothing written beside sources. */
function python(args: string[], opts: { cwd: string; pythonPath?: string }): { code: number | null; out: string; err: string } {
  const env: Record<string, string> = { PATH: process.env.PATH ?? '/usr/bin:/bin', LANG: 'C.UTF-8', PYTHONDONTWRITEBYTECODE: '1', PYTHONHASHSEED: '0' }
  if (opts.pythonPath !== undefined) env.PYTHONPATH = opts.pythonPath
  const r = spawnSync(DEBIAN_PYTHON, args, { cwd: opts.cwd, env, encoding: 'utf8', maxBuffer: 64 << 20 })
  return { code: r.status, out: r.stdout, err: r.stderr }
}

async function cli(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  const ctx = memoryContext()
  const code = await run(['node', 'pybundle', ...args], ctx)
  return { code, out: ctx.out, err: ctx.err }
}

describe.skipIf(missing !== null)('examples/realapp, a real application', () => {
  it('(a) extracted, runs under /usr/bin/python3 -S with only --out on sys.path, as a normal run does', async () => {
    const normal = python(['-m', 'app'], { cwd: APP_DIR })
    expect(normal.err).toBe('')
    expect(normal.code).toBe(0)

    const file = path.join(work, 'realapp.pyb')
    await buildBundle(path.join(APP_DIR, 'realapp.toml'), { output: file })
    const bundle = openBundle(file)
    try {
      // The manifest names only app.* and appns.*: the rest came from trace and closure.
      const names = new Set(bundle.moduleNames())
      for (const m of ['jinja2', 'markupsafe', 'markupsafe._native', 'markdown.extensions.toc', 'yaml', 'six', 'attr', 'pytz', 'certifi', 'html.parser']) {
        expect(names.has(m), m).toBe(true)
      }
      expect(bundle.dataFiles('app')).toEqual(['data/config.yaml', 'data/notes.md', 'data/words.txt', 'templates/base.html', 'templates/page.html'])
      expect(bundle.distributions().map((d) => d.name)).toEqual(expect.arrayContaining(['Jinja2-3.1.2.egg-info', 'Markdown-3.4.1.egg-info', 'PyYAML-6.0.dist-info']))
    } finally {
      bundle.close()
    }

    const out = path.join(work, 'out')
    const x = await cli('extract', file, '--out', out, '--quiet')
    expect(x.err).toBe('')
    expect(x.code).toBe(0)
    expect(fs.existsSync(path.join(out, 'app', 'templates', 'page.html'))).toBe(true)
    expect(fs.existsSync(path.join(out, 'app', 'main.py'))).toBe(false) // sourceless unless --sources

    // cwd: an empty folder, so '' on sys.path finds nothing; -S: no dist-packages.
    const cwd = fs.mkdtempSync(path.join(work, 'cwd-'))
    const extracted = python(['-S', '-m', 'app'], { cwd, pythonPath: out })
    expect(extracted.err).toBe('')
    expect(extracted.out).toBe(normal.out)
    expect(extracted.code).toBe(0)

    // Every module came from --out or the interpreter's own standard library.
    const where = python(['-S', '-c', `
import os, runpy, sys, io, contextlib
with contextlib.redirect_stdout(io.StringIO()):
    runpy.run_module('app', run_name='__main__', alter_sys=True)
out, std = os.path.realpath(sys.argv[1]), os.path.dirname(os.path.realpath(os.__file__))
print(sorted(n for n, m in sys.modules.items() if getattr(m, '__file__', None)
             and not os.path.realpath(m.__file__).startswith((out + os.sep, std + os.sep))))
print(any('dist-packages' in p for p in sys.path))
`, out], { cwd, pythonPath: out })
    expect(where.err).toBe('')
    expect(where.out).toBe('[]\nFalse\n')
  })

  it('(b) built for Pyodide, runs from the bundle as stock Pyodide runs the sources', async () => {
    const file = path.join(work, 'realapp-pyodide.pyb')
    await buildBundle(path.join(APP_DIR, 'realapp-pyodide.toml'), { output: file, interpreter: createInterpreter('pyodide') })

    const stockOut: string[] = []
    const stock = await loadPyodide({ stdout: (s) => stockOut.push(s), stderr: () => {} })
    copySources(stock.FS, '/home/pyodide')
    stock.runPython(RUN_APP)
    expect(stockOut.join('\n')).toContain('entry points: [')

    const lines: string[] = []
    const errors: string[] = []
    const py = await loadPyodideWithBundle({ bundle: file, stdout: (s) => lines.push(s), stderr: (s) => errors.push(s) })
    copyOsFiles(py.FS) // time zones, CA bundle: operating-system files, in no package
    py.runPython(RUN_APP)
    expect(lines.join('\n')).toBe(stockOut.join('\n'))

    // Every module of the app and its libraries that has a file was loaded from
    // the bundle (six.moves.* are made by six's own importer and have none).
    const foreign = py.runPython(`
import sys
tops = set(${JSON.stringify(TOPS)})
sorted(n for n, m in sys.modules.items() if n.partition('.')[0] in tops and getattr(m, '__file__', None)
       and type(getattr(getattr(m, '__spec__', None), 'loader', None)).__name__ != 'BundleLoader')
`).toJs()
    expect(py.runPython("import sys; sorted(n for n in sys.modules if n.partition('.')[0] in ('app', 'jinja2', 'markdown'))").toJs().length).toBeGreaterThan(20)
    expect(foreign).toEqual([])
    // A traceback from bundled code shows its source line (sources = true), as stock Pyodide does.
    const tb = (p: typeof py) => p.runPython(`
import traceback, jinja2
try:
    jinja2.Environment().from_string('{{ x.y.z }}').render(x=None)
except Exception:
    text = traceback.format_exc()
[l.strip() for l in text.splitlines() if l.startswith('    ') and not set(l.strip()) <= set('^~ ')][-2:]
`).toJs()
    expect(tb(py)).toEqual(tb(stock))
  })
})
