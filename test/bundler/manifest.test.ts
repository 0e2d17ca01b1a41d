import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { parseManifest } from '@pybundle/bundler'
// Internal to the manifest reader (not the package's API): the module itself, as built.
import { isModulePattern } from '../../packages/bundler/dist/manifest/read-manifest.js'
import { PyBundleError } from '@pybundle/errors'

const FILE = '/work/proj/app.toml'

function err(text: string): PyBundleError {
  try {
    parseManifest(text, FILE)
  } catch (e) {
    expect(e).toBeInstanceOf(PyBundleError)
    return e as PyBundleError
  }
  throw new Error('expected an error')
}

describe('manifest', () => {
  it('applies defaults and resolves paths against the manifest folder', () => {
    const m = parseManifest('[modules]\npaths = ["src", "/abs"]\ninclude = ["a", "b.*"]\n', FILE)
    expect(m.output).toBe('/work/proj/app.pyb')
    expect(m.python).toBe('python3')
    expect(m.optimize).toBe(0)
    expect(m.paths).toEqual(['/work/proj/src', '/abs'])
    expect(m.include).toEqual(['a', 'b.*'])
    expect(m.exclude).toEqual([])
    expect(m.stdlib).toBe(false)
    expect(m.trace).toBeNull()
  })

  it('reads every key of the schema', () => {
    const m = parseManifest(`[bundle]\noutput = "out/x.pyb"\npython = "/usr/bin/python3.11"\noptimize = 2\n[modules]\ninclude = []\nexclude = ["*.tests"]\nstdlib = true\ntrace = ["-c", "pass"]\n`, FILE)
    expect(m.output).toBe(path.resolve('/work/proj/out/x.pyb'))
    expect(m.python).toBe('/usr/bin/python3.11')
    expect(m.optimize).toBe(2)
    expect(m.exclude).toEqual(['*.tests'])
    expect(m.stdlib).toBe(true)
    expect(m.trace).toEqual(['-c', 'pass'])
  })

  it('names an unknown key and the file', () => {
    const e = err('[modules]\ninclude = ["a"]\ntrac = ["-c", "pass"]\n')
    expect(e.code).toBe('MANIFEST')
    expect(e.message).toMatch(/unknown key 'trac' in \[modules\]/)
    expect(e.file).toBe(FILE)
    expect(e.describe()).toContain(FILE)
    expect(e.details).toEqual({ key: 'modules.trac' })
  })

  it('names an unknown top-level key or table', () => {
    expect(err('name = "x"\n[modules]\ninclude = ["a"]\n').message).toMatch(/unknown key 'name'/)
    expect(err('[tool]\nx = 1\n').message).toMatch(/unknown table 'tool'/)
  })

  it.each([
    ['[bundle]\noutput = 3\n[modules]\ninclude = ["a"]\n', /\[bundle\] output must be a string, not the integer 3/],
    ['[bundle]\npython = ["python3"]\n[modules]\ninclude = ["a"]\n', /\[bundle\] python must be a string, not an array/],
    ['[bundle]\noptimize = 1.0\n[modules]\ninclude = ["a"]\n', /optimize must be 0, 1 or 2, not the float 1.0/],
    ["[bundle]\nconstructor = 1\n[modules]\ninclude = [\"a\"]\n", /unknown key .constructor./],
    ['[bundle]\noptimize = "1"\n[modules]\ninclude = ["a"]\n', /optimize must be 0, 1 or 2, not the string "1"/],
    ['[modules]\nstdlib = "yes"\n', /stdlib must be true or false/],
    ['[modules]\ninclude = ["a", 1]\n', /include must be an array of strings/],
    ['[modules]\ntrace = "-c pass"\n', /trace must be an array of strings/],
    ['bundle = 1\n', /'bundle' must be a table/],
  ])('names a wrong type: %s', (text, message) => {
    expect(err(text).message).toMatch(message)
  })

  it('rejects include entries that are not module names', () => {
    expect(err('[modules]\ninclude = ["os", "a.b/c", "*", "x..y"]\n').message).toMatch(/"a\.b\/c", "\*", "x\.\.y"/)
    expect(isModulePattern('café.ünï')).toBe(true)
    expect(isModulePattern('pkg.*')).toBe(true)
    expect(isModulePattern('pkg.*.x')).toBe(false)
  })

  it('reports TOML syntax errors with line and column', () => {
    const e = err('[modules]\ninclude = ["a"\n')
    expect(e.message).toMatch(/not valid TOML at line \d+, column \d+/)
  })

  it('[bundle] timeout: seconds above 0, default 600', () => {
    expect(parseManifest('[modules]\ninclude = ["a"]\n', FILE).timeout).toBe(600)
    expect(parseManifest('[bundle]\ntimeout = 30\n[modules]\ninclude = ["a"]\n', FILE).timeout).toBe(30)
    expect(parseManifest('[bundle]\ntimeout = 0.5\n[modules]\ninclude = ["a"]\n', FILE).timeout).toBe(0.5)
    for (const bad of ['0', '-5', '"10"', 'true', '3000000', 'inf', 'nan', '[1]']) {
      const e = err(`[bundle]\ntimeout = ${bad}\n[modules]\ninclude = ["a"]\n`)
      expect({ bad, code: e.code, key: e.details?.key }).toEqual({ bad, code: 'MANIFEST', key: 'bundle.timeout' })
      expect(e.message).toMatch(/\[bundle\] timeout must be a number of seconds above 0 and at most 2147483/)
    }
  })

  it('wants at least one way to select modules', () => {
    expect(err('[bundle]\npython = "python3"\n').message).toMatch(/selects no modules/)
    expect(parseManifest('[modules]\ntrace = []\n', FILE).trace).toEqual([])
  })

  it('[pyodide] snapshot: only with python = "pyodide", true needs a trace, snapshot_imports are module names', () => {
    const py = '[bundle]\npython = "pyodide"\n'
    expect(parseManifest(py + '[modules]\ninclude = ["a"]\n', FILE).snapshot).toBeNull()
    expect(parseManifest(py + '[modules]\ntrace = ["-c", "import a"]\n[pyodide]\nsnapshot = true\n', FILE).snapshot).toEqual({ imports: 'trace' })
    expect(parseManifest(py + '[modules]\ninclude = ["a"]\n[pyodide]\nsnapshot_imports = ["a", "b.c"]\n', FILE).snapshot).toEqual({ imports: ['a', 'b.c'] })
    expect(parseManifest(py + '[modules]\ninclude = ["a"]\n[pyodide]\nsnapshot = false\n', FILE).snapshot).toBeNull()
    const notPyodide = err('[modules]\ninclude = ["a"]\n[pyodide]\nsnapshot_imports = ["a"]\n')
    expect(notPyodide.code).toBe('MANIFEST')
    expect(notPyodide.message).toMatch(/\[pyodide\] is only for python = "pyodide"/)
    expect(err(py + '[modules]\ninclude = ["a"]\n[pyodide]\nsnapshot = true\n').message).toMatch(/\[modules\] trace is not set/)
    expect(err(py + '[modules]\ninclude = ["a"]\n[pyodide]\nsnapshot_imports = ["a.*"]\n').message).toMatch(/snapshot_imports has "a\.\*"/)
    expect(err(py + '[modules]\ninclude = ["a"]\n[pyodide]\nsnapshot = false\nsnapshot_imports = ["a"]\n').message).toMatch(/contradicts/)
    expect(err(py + '[modules]\ninclude = ["a"]\n[pyodide]\nsnapshots = true\n').message).toMatch(/unknown key 'snapshots' in \[pyodide\]/)
  })

  it('[pyodide] stdlib_zip: "empty" makes the snapshot for a page with an empty stdlib zip; only "pyodide"/"empty", only with a snapshot', () => {
    const py = '[bundle]\npython = "pyodide"\n[modules]\ntrace = ["-c", "import a"]\n[pyodide]\n'
    expect(parseManifest(py + 'snapshot = true\nstdlib_zip = "empty"\n', FILE).snapshot).toEqual({ imports: 'trace', stdlibZip: 'empty' })
    expect(parseManifest(py + 'snapshot_imports = ["a"]\nstdlib_zip = "empty"\n', FILE).snapshot).toEqual({ imports: ['a'], stdlibZip: 'empty' })
    expect(parseManifest(py + 'snapshot = true\nstdlib_zip = "pyodide"\n', FILE).snapshot).toEqual({ imports: 'trace' })
    const bad = err(py + 'snapshot = true\nstdlib_zip = "none"\n')
    expect(bad.code).toBe('MANIFEST')
    expect(bad.message).toMatch(/stdlib_zip/)
    expect(bad.message).toMatch(/"pyodide" or "empty"/)
    expect(err(py + 'stdlib_zip = "empty"\n').message).toMatch(/stdlib_zip says how the memory snapshot is made, and no snapshot is asked for/)
  })
})
