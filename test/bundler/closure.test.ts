/**
 * A complete module closure (issue 14): imports read from bytecode by every
 * interpreter (3.8 to 3.13 and Pyodide's 3.14), the fixed point on a temp
 * tree, aliases bundled under their spec names, `paths` on a traced program's
 * sys.path (CPython and Pyodide), and stdlib names that are not identifiers.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { buildBundle, createInterpreter, helperScript, parseManifest, resolveModules, type Interpreter } from '@pybundle/bundler'
import { findInterpreters, findPyodide } from '../helpers/pythons.js'

const HERE = path.dirname(fileURLToPath(import.meta.url))
const SAMPLE = path.join(HERE, 'py', 'imports_sample.py')
const { found } = findInterpreters()
const pyodide = findPyodide()
if ('skipped' in pyodide) console.log(`closure tests without Pyodide: ${pyodide.skipped.reason}`)
const python3 = findInterpreters().python3
if (!python3) console.log('closure tests without python3: not on PATH')

/** What every version must read from imports_sample.py: [name, level, fromlist, optional]. */
const EXPECTED = [
  ['', 1, ['sib'], false],
  ['bare', 0, null, true], // bare except
  ['deep', 0, ['z'], true], // except Exception, in a method of a class in a function
  ['fast', 0, null, true],
  ['fin', 0, null, false], // try/finally catches nothing
  ['inasync', 0, null, true],
  ['infunc', 0, null, false],
  ['inwith', 0, null, true], // the with's handler passes it on to the except ImportError
  ['notopt', 0, null, false], // except KeyError
  ['os.path', 0, null, false],
  ['slow', 0, null, false], // the fallback itself, in the handler
  ['up', 2, ['a', 'b'], false],
  ['x', 0, ['y'], true], // a tuple naming ModuleNotFoundError
]

const SCAN = String.raw`
import sys, json, importlib.util
spec = importlib.util.spec_from_file_location('_t_imports', sys.argv[1])
mod = importlib.util.module_from_spec(spec)
spec.loader.exec_module(mod)
with open(sys.argv[2], 'rb') as f:
    code = compile(f.read(), sys.argv[2], 'exec', dont_inherit=True)
print(json.dumps(sorted(mod.scan(code), key=lambda r: (r[0], r[1]))))
`

async function scan(interp: Interpreter): Promise<unknown> {
  const r = await interp.runScript({ source: SCAN }, [helperScript('imports.py'), SAMPLE])
  expect(r.stderr).toBe('')
  expect(r.exitCode).toBe(0)
  return JSON.parse(r.stdout.toString('utf8'))
}

function tree(files: Record<string, string>): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'pybundle-closure-'))
  for (const [rel, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(root, rel)), { recursive: true })
    fs.writeFileSync(path.join(root, rel), text)
  }
  return root
}

async function resolve(root: string, toml: string, interp: Interpreter) {
  return resolveModules(parseManifest(toml, path.join(root, 'm.toml')), interp)
}

describe('imports.py reads IMPORT_NAME from bytecode', () => {
  for (const py of found) {
    it(`CPython ${py.full}`, async () => {
      expect(await scan(createInterpreter(py.executable))).toEqual(EXPECTED)
    })
  }
  it.skipIf('skipped' in pyodide)('Pyodide (CPython 3.14)', async () => {
    expect(await scan(createInterpreter('pyodide'))).toEqual(EXPECTED)
  }, 120_000)
})

// markupsafe's shape: the traced process loads the speedup, the fallback only the bytecode names.
const APP = {
  'src/app/__init__.py': [
    'from . import util',
    'try:',
    '    from app import _speedups as impl',
    'except ImportError:',
    '    from app import _native as impl',
    'try:',
    '    import missing_optional_mod',
    '    import app.opt  # never runs: the import above fails',
    'except ImportError:',
    '    pass',
    '',
  ].join('\n'),
  'src/app/_speedups.py': 'X = 1\n',
  'src/app/_native.py': 'X = 2\n',
  'src/app/opt.py': '',
  'src/app/util.py': [
    'def f():',
    '    from .sub import thing, not_a_module',
    '    import app.lazy',
    '    import colorsys',
    '    import definitely_missing_mod.child',
    '',
  ].join('\n'),
  'src/app/sub/__init__.py': 'not_a_module = 1\n',
  'src/app/sub/thing.py': '',
  'src/app/lazy.py': 'from .deeper import leaf\n',
  'src/app/deeper/leaf.py': '', // a namespace package app.deeper
  'src/app/dropped.py': '',
}

function checkClosure(r: Awaited<ReturnType<typeof resolve>>): void {
  const by = new Map(r.modules.map((m) => [m.name, m]))
  expect(by.get('app')?.reason).toBe('trace')
  expect(by.get('app._speedups')?.reason).toBe('trace')
  expect(by.get('app._native')).toMatchObject({ reason: 'closure', importedBy: ['app'] })
  expect(by.get('app._native')?.optional).toBeUndefined()
  expect(by.get('app.opt')).toMatchObject({ reason: 'closure', importedBy: ['app'], optional: true })
  expect(by.get('app.lazy')).toMatchObject({ reason: 'closure', importedBy: ['app.util'] })
  expect(by.get('app.sub.thing')).toMatchObject({ reason: 'closure', importedBy: ['app.util'] })
  expect(by.get('app.deeper')).toMatchObject({ reason: 'closure', kind: 'namespace', importedBy: ['app.lazy'] })
  expect(by.get('app.deeper.leaf')).toMatchObject({ reason: 'closure', importedBy: ['app.lazy'] })
  expect(by.get('colorsys')).toMatchObject({ reason: 'closure', stdlib: true })
  expect(by.get('colorsys')?.importedBy).toContain('app.util')
  expect(by.has('app.sub.not_a_module')).toBe(false)
  expect(by.has('app.dropped')).toBe(false)
  const missing = new Map((r.unresolvedImports ?? []).map((u) => [u.name, u]))
  expect(missing.get('missing_optional_mod')).toEqual({ name: 'missing_optional_mod', importedBy: ['app'], optional: true })
  expect(missing.get('definitely_missing_mod')).toEqual({ name: 'definitely_missing_mod', importedBy: ['app.util'], optional: false })
  expect(missing.has('definitely_missing_mod.child')).toBe(false) // the first missing part only
  // A name the trace saw as an alias is not missing (collections.abc is _collections_abc on 3.14).
  for (const a of r.aliases) expect(missing.has(a.name), a.name).toBe(false)
}

const CLOSURE_TOML = '[modules]\npaths = ["src"]\ntrace = ["-c", "import app"]\nclosure = true\nexclude = ["app.dropped"]\n'

describe('[modules] closure = true', () => {
  it.skipIf(!python3)('adds what the bytecode imports, to a fixed point (python3)', async () => {
    const root = tree(APP)
    const r = await resolve(root, CLOSURE_TOML, createInterpreter('python3'))
    checkClosure(r)
    // Without closure: what the trace saw, and no closure record.
    const plain = await resolve(root, '[modules]\npaths = ["src"]\ntrace = ["-c", "import app"]\n', createInterpreter('python3'))
    expect(plain.modules.map((m) => m.name)).not.toContain('app._native')
    expect(plain.unresolvedImports).toBeNull()
    expect(plain.modules.every((m) => m.importedBy === undefined)).toBe(true)
  }, 120_000)

  it.skipIf('skipped' in pyodide)('the same with python = "pyodide"', async () => {
    checkClosure(await resolve(tree(APP), CLOSURE_TOML, createInterpreter('pyodide')))
  }, 300_000)

  it.skipIf(!python3)('excluded modules are not added, and what only they import stays out', async () => {
    const root = tree({
      'src/top.py': 'import mid\n',
      'src/mid.py': 'import leaf\n',
      'src/leaf.py': '',
    })
    const r = await resolve(root, '[modules]\npaths = ["src"]\ninclude = ["top"]\nclosure = true\nexclude = ["mid"]\n', createInterpreter('python3'))
    expect(r.modules.map((m) => m.name)).toEqual(['top'])
    expect(r.excluded).toBe(1)
  }, 60_000)

  it.skipIf(!python3)('imports under if __name__ == "__main__": count only in a module named __main__', async () => {
    const root = tree({
      'src/top.py': 'if __name__ == "__main__":\n    import guarded\nelse:\n    import onimport\nif "__main__" == __name__:\n    import guarded2\n',
      'src/guarded.py': '',
      'src/guarded2.py': '',
      'src/onimport.py': '',
      'src/tool/__init__.py': '',
      'src/tool/__main__.py': 'if __name__ == "__main__":\n    import guarded\n',
    })
    const r = await resolve(root, '[modules]\npaths = ["src"]\ninclude = ["top", "tool.__main__"]\nclosure = true\n', createInterpreter('python3'))
    const names = r.modules.map((m) => m.name)
    expect(names).toEqual(['guarded', 'onimport', 'tool', 'tool.__main__', 'top'])
    expect(r.modules.find((m) => m.name === 'guarded')?.importedBy).toEqual(['tool.__main__'])
  }, 60_000)
})

describe('buildBundle with closure', () => {
  it.skipIf(!python3)('a module only the closure found that does not compile is skipped with the reason, not an error', async () => {
    const root = tree({
      'src/lib6/__init__.py': 'import sys\nif sys.version_info[0] == 2:\n    from . import _py2\n',
      'src/lib6/_py2.py': 'print "python 2 only"\n',
    })
    fs.writeFileSync(path.join(root, 'm.toml'), '[modules]\npaths = ["src"]\ninclude = ["lib6"]\nclosure = true\n')
    const s = await buildBundle(path.join(root, 'm.toml'), { output: path.join(root, 'm.pyb'), interpreter: createInterpreter('python3'), jobs: 1 })
    expect(s.skipped).toContainEqual({ name: 'lib6._py2', reason: expect.stringMatching(/^does not compile with this interpreter \(SyntaxError at line 1/) })
    expect(s.buildInfo.modules['lib6._py2']).toBeUndefined()
    expect(s.buildInfo.modules['lib6']).toEqual({ reason: 'include' })
    // The user's own modules still must compile.
    fs.writeFileSync(path.join(root, 'm.toml'), '[modules]\npaths = ["src"]\ninclude = ["lib6.*"]\nclosure = true\n')
    await expect(buildBundle(path.join(root, 'm.toml'), { output: path.join(root, 'm.pyb'), interpreter: createInterpreter('python3'), jobs: 1 })).rejects.toMatchObject({ code: 'SYNTAX' })
  }, 120_000)
})

describe('closure reads the traced program\'s own code', () => {
  it.skipIf(!python3)('a script run by trace: its imports inside functions come in as imported by __main__', async () => {
    const root = tree({ 'tool.py': 'import sys\ndef later():\n    import colorsys\n    from html import entities\nprint(len(sys.argv))\n' })
    const r = await resolve(root, '[modules]\ntrace = ["-S", "tool.py", "x"]\nclosure = true\n', createInterpreter('python3'))
    const by = new Map(r.modules.map((m) => [m.name, m]))
    expect(by.get('colorsys')).toMatchObject({ reason: 'closure', importedBy: ['__main__'] })
    expect(by.get('html.entities')?.importedBy).toContain('__main__')
    expect(by.has('tool')).toBe(false) // the script itself runs as __main__, it is not a module of the bundle
  }, 120_000)
})

describe('trace', () => {
  // markdown registers html.parser as `htmlparser`; six registers http.client as six.moves.http_client.
  const ALIAS = [
    'import importlib.util, sys',
    "spec = importlib.util.find_spec('html.parser')",
    'mod = importlib.util.module_from_spec(spec)',
    'spec.loader.exec_module(mod)',
    "sys.modules['myhtmlparser'] = mod",
    "assert 'html.parser' not in sys.modules",
  ].join('\n')

  it.skipIf(!python3)('bundles a module sys.modules holds under another name under its spec name', async () => {
    const root = tree({})
    const r = await resolve(root, `[modules]\ntrace = ["-c", ${JSON.stringify(ALIAS)}]\n`, createInterpreter('python3'))
    expect(r.modules.find((m) => m.name === 'html.parser')).toMatchObject({ reason: 'trace', relpath: 'html/parser.py' })
    expect(r.aliases).toContainEqual({ name: 'myhtmlparser', of: 'html.parser' })
    expect(r.skipped.map((s) => s.name)).not.toContain('myhtmlparser')
  }, 60_000)

  it.skipIf(!python3)('a module loaded under a name that does not match its file stays out, with the reason', async () => {
    const root = tree({ 'plugins/x.py': 'X = 1\n' })
    const program = [
      'import importlib.util, sys',
      `spec = importlib.util.spec_from_file_location('plugin_x', ${JSON.stringify(path.join(root, 'plugins', 'x.py'))})`,
      'mod = importlib.util.module_from_spec(spec)',
      'spec.loader.exec_module(mod)',
      "sys.modules['registered_x'] = mod",
    ].join('\n')
    const r = await resolve(root, `[modules]\ntrace = ["-c", ${JSON.stringify(program)}]\n`, createInterpreter('python3'))
    expect(r.modules.map((m) => m.name)).not.toContain('plugin_x')
    expect(r.skipped).toContainEqual({ name: 'registered_x', reason: expect.stringMatching(/under the name plugin_x, which the import system does not find it by/) })
  }, 60_000)

  it.skipIf(!python3)('-m pkg bundles pkg.__main__ (sys.modules holds it as __main__)', async () => {
    const root = tree({ 'src/tool/__init__.py': '', 'src/tool/__main__.py': 'print("run")\n' })
    const r = await resolve(root, '[modules]\npaths = ["src"]\ntrace = ["-m", "tool"]\n', createInterpreter('python3'))
    expect(r.modules.map((m) => m.name)).toEqual(expect.arrayContaining(['tool', 'tool.__main__']))
    expect(r.aliases).toContainEqual({ name: '__main__', of: 'tool.__main__' })
  }, 60_000)

  // `paths` must be on the traced program's own sys.path, before the stdlib, for every interpreter.
  const PATHS_PROGRAM = (src: string) => [
    'import sys, functools, mymod',
    `i = sys.path.index(${JSON.stringify(src)})`,
    "assert i < min(k for k, p in enumerate(sys.path) if p.endswith(('/lib/python3.%d' % sys.version_info[1], '.zip'))), sys.path",
    'print("found", mymod.X)',
  ].join('\n')

  for (const [label, python, skip] of [
    ['python3', 'python3', !python3],
    ['pyodide', 'pyodide', 'skipped' in pyodide],
  ] as const) {
    it.skipIf(skip)(`puts [modules] paths on the traced program's sys.path (${label})`, async () => {
      const root = tree({ 'src/mymod.py': 'X = 42\n' })
      const src = path.join(root, 'src')
      const r = await resolve(root, `[modules]\npaths = ["src"]\ntrace = ["-c", ${JSON.stringify(PATHS_PROGRAM(src))}]\n`, createInterpreter(python))
      expect(r.modules.find((m) => m.name === 'mymod')).toMatchObject({ reason: 'trace', file: path.join(src, 'mymod.py') })
      // Pyodide boots from /lib/python314.zip: what it imported from there is bundled from the stdlib files.
      expect(r.modules.find((m) => m.name === 'functools')).toMatchObject({ reason: 'trace', stdlib: true })
      expect(r.skipped.filter((s) => /zipimporter/.test(s.reason))).toEqual([])
    }, 300_000)
  }
})

describe('stdlib = true', () => {
  // Every top-level .py of the stdlib folder whose name has no dot is importable by importlib.
  function expectNonIdentifiers(r: Awaited<ReturnType<typeof resolve>>, wanted: RegExp[]): void {
    const names = r.modules.map((m) => m.name)
    for (const re of wanted) expect(names.filter((n) => re.test(n)), String(re)).not.toEqual([])
    const odd = r.modules.filter((m) => m.name.startsWith('_sysconfigdata_'))
    for (const m of odd) expect(m).toMatchObject({ reason: 'stdlib', stdlib: true, relpath: `${m.name}.py` })
  }

  it.skipIf(!python3)('holds _sysconfigdata_* (not an identifier) and the __hello__ test modules (python3)', async () => {
    const r = await resolve(tree({}), '[modules]\nstdlib = true\n', createInterpreter('python3'))
    const minor = r.python.version[1]
    expectNonIdentifiers(r, [/^_sysconfigdata_/, ...(minor >= 11 ? [/^__hello__$/, /^__phello__\.spam$/] : [])])
  }, 120_000)

  it.skipIf('skipped' in pyodide)('holds _sysconfigdata__emscripten_wasm32-emscripten and __hello__ (pyodide)', async () => {
    const r = await resolve(tree({}), '[modules]\nstdlib = true\n', createInterpreter('pyodide'))
    expectNonIdentifiers(r, [/^_sysconfigdata__emscripten_wasm32-emscripten$/, /^__hello__$/])
  }, 300_000)
})
