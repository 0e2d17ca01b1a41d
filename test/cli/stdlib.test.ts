/**
 * The acceptance check of issue 4: `stdlib = true` with `include = ["test.*"]`
 * builds the 3.11 standard library (about 1,800 modules), and every extracted
 * module equals CPython's own compile of its source; programs importing json,
 * email, asyncio, decimal, argparse and tarfile run from the extracted tree.
 *
 * The build (about 15 s on 2 cores) is cached in os.tmpdir() and reused while
 * its inputs are unchanged: the interpreter, its stdlib files (names, sizes,
 * mtimes), and pybundle's own built code and Python helpers.
 */
import { execFileSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { cachePath } from '../helpers/cache.js'
import { findInterpreters } from '../helpers/pythons.js'
import { binRun, bundleModules, checkExtracted, REPO, tempDir, write } from './helpers.js'

const py311 = findInterpreters().found.find((i) => i.minor === 11)

function walk(dir: string, out: string[], skip: (name: string) => boolean): void {
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    if (skip(e.name)) continue
    const full = path.join(dir, e.name)
    if (e.isDirectory()) walk(full, out, skip)
    else if (e.isFile()) {
      const st = fs.statSync(full)
      out.push(`${full}\0${st.size}\0${st.mtimeMs}`)
    }
  }
}

/** A key over everything the build's output depends on. */
function inputsKey(python: string, stdlib: string, manifestText: string): string {
  const h = createHash('sha256').update(python).update('\0').update(manifestText)
  const files: string[] = []
  walk(stdlib, files, (n) => n === '__pycache__' || n === 'site-packages' || n.startsWith('config-'))
  for (const pkg of ['bundler', 'cpython', 'format-spec', 'loader', 'cli', 'errors']) {
    const dist: string[] = []
    walk(path.join(REPO, 'packages', pkg, 'dist'), dist, () => false)
    for (const f of dist.map((e) => e.split('\0')[0]).filter((f) => f.endsWith('.js')).sort()) h.update(fs.readFileSync(f))
  }
  for (const f of fs.readdirSync(path.join(REPO, 'packages', 'bundler', 'src', 'python')).sort()) {
    if (f.endsWith('.py')) h.update(fs.readFileSync(path.join(REPO, 'packages', 'bundler', 'src', 'python', f)))
  }
  return h.update(files.sort().join('\n')).digest('hex').slice(0, 24)
}

describe.skipIf(!py311)('the 3.11 standard library with its tests', () => {
  it('builds, verifies, extracts, and every module equals CPython\'s own compile', async () => {
    const python = py311!.executable
    const stdlib = execFileSync(python, ['-c', 'import sysconfig; print(sysconfig.get_paths()["stdlib"])'], { encoding: 'utf8' }).trim()
    const manifestText = `[bundle]\npython = ${JSON.stringify(python)}\n\n[modules]\nstdlib = true\ninclude = ["test.*"]\n`
    const bundle = cachePath('cli-stdlib-311', [inputsKey(python, stdlib, manifestText)], 'pyb')
    const work = tempDir('pybundle-stdlib-')
    const manifest = path.join(work, 'stdlib.toml')
    write(manifest, manifestText)
    if (!fs.existsSync(bundle)) {
      const build = await binRun(['build', manifest, '-o', bundle, '--json'])
      expect(build.err).toBe('')
      expect(build.code).toBe(0)
      const s = JSON.parse(build.out)
      fs.writeFileSync(`${bundle}.summary.json`, build.out)
      expect(s.modules).toBeGreaterThan(1600)
      // Test data meant not to compile is skipped with its reason, not an error.
      expect(s.skipped.some((x: { name: string; reason: string }) => x.name === 'test.tokenizedata.badsyntax_3131' || /does not compile/.test(x.reason))).toBe(true)
    }
    const verify = await binRun(['verify', bundle])
    expect(verify.code).toBe(0)
    // inspect recomputes from the file what the writer counted while building.
    const built = JSON.parse(fs.readFileSync(`${bundle}.summary.json`, 'utf8'))
    const inspected = JSON.parse((await binRun(['inspect', bundle, '--json'])).out)
    expect(inspected.sharing.savedVsPerModule).toBe(built.sharing.savedVsPerModule)
    expect(inspected.sharing.savedVsPerModule).toBeGreaterThan(1_000_000)

    const dir = path.join(work, 'tree')
    const extract = await binRun(['extract', bundle, '--out', dir, '--quiet'])
    expect(extract.code).toBe(0)
    const modules = bundleModules(bundle)
    expect(modules.length).toBeGreaterThan(1600)
    expect(modules.filter((m) => m.kind === 'namespace').length).toBeGreaterThan(0)
    const result = await checkExtracted(python, { dir, modules })
    expect(result.mismatches).toEqual([])
    expect(result.checked).toBe(modules.length)

    // Programs run from the extracted tree (DIR first on sys.path), sourceless.
    const program = [
      'import sys; sys.path.insert(0, sys.argv[1])',
      'import json, email.message, email.parser, asyncio, decimal, argparse, tarfile, io',
      'import importlib.machinery as m',
      'for mod in (json, email.message, email.parser, asyncio, decimal, argparse, tarfile):',
      '    assert isinstance(mod.__spec__.loader, m.SourcelessFileLoader) and mod.__file__.startswith(sys.argv[1]), (mod, mod.__spec__)',
      'assert json.loads(json.dumps({"a": [1, 2.5]})) == {"a": [1, 2.5]}',
      'msg = email.parser.Parser().parsestr("Subject: hi\\n\\nbody"); assert msg["Subject"] == "hi"',
      'async def f(): return 7',
      'assert asyncio.run(f()) == 7',
      'assert str(decimal.Decimal("1.10") + decimal.Decimal("2.205")) == "3.305"',
      'p = argparse.ArgumentParser(); p.add_argument("--n", type=int); assert p.parse_args(["--n", "3"]).n == 3',
      'buf = io.BytesIO()',
      'with tarfile.open(fileobj=buf, mode="w") as t:',
      '    data = b"x" * 10; info = tarfile.TarInfo("a.txt"); info.size = len(data); t.addfile(info, io.BytesIO(data))',
      'buf.seek(0)',
      'with tarfile.open(fileobj=buf) as t: assert t.extractfile("a.txt").read() == b"x" * 10',
      'print("ok")',
    ].join('\n')
    const out = execFileSync(python, ['-c', program, dir], { encoding: 'utf8', env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1' } })
    expect(out.trim()).toBe('ok')

    // With only the tree (and the extension modules) on sys.path: sysconfig imports
    // _sysconfigdata_<abi>_<platform>_<multiarch>, a name that is not an identifier.
    const alone = [
      'import sys; sys.path[:] = [sys.argv[1]] + [p for p in sys.path if p.endswith("lib-dynload")]',
      'import sysconfig',
      'assert sysconfig.__file__.startswith(sys.argv[1]), sysconfig.__file__',
      'v = sysconfig.get_config_vars()',
      'name = sysconfig._get_sysconfigdata_name()',
      'assert sys.modules[name].__file__.startswith(sys.argv[1]), sys.modules[name]',
      'assert v["prefix"] and v["VERSION"] == "%d.%d" % sys.version_info[:2], v.get("VERSION")',
      'print("ok", name)',
    ].join('\n')
    const sc = execFileSync(python, ['-S', '-I', '-c', alone, dir], { encoding: 'utf8', env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1' } })
    expect(sc.trim()).toMatch(/^ok _sysconfigdata_/)
    fs.rmSync(work, { recursive: true, force: true })
  })
})
