/**
 * What packages/cli/README.md shows works as shown: the documented `exclude`
 * for test suites keeps real modules named `tests` (jinja2.tests) and drops
 * what lies below a `tests` package; the extract example imports a module
 * from the extracted tree through SourcelessFileLoader.
 */
import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { createInterpreter, parseManifest, resolveModules } from '@pybundle/bundler'
import { findInterpreters } from '../helpers/pythons.js'
import { cli, REPO, tempDir, write } from './helpers.js'

const README = fs.readFileSync(path.join(REPO, 'packages', 'cli', 'README.md'), 'utf8')
const python3 = findInterpreters().python3
if (!python3) console.log('README example tests skipped: no python3 on PATH')

/** The `exclude = [...]` line of the README's manifest example. */
function documentedExclude(): string {
  const m = /^exclude = (\[[^\]]*\])/m.exec(README)
  if (!m) throw new Error('packages/cli/README.md has no `exclude = [...]` manifest line')
  return m[1]
}

function hasJinja2(): boolean {
  try {
    execFileSync('python3', ['-c', 'import jinja2'], { stdio: 'ignore' })
    return true
  } catch {
    return false
  }
}

describe.skipIf(!python3)('packages/cli/README.md', () => {
  it('the documented exclude drops test suites and keeps modules named tests', async () => {
    const root = tempDir('pybundle-readme-')
    write(path.join(root, 'src', 'tmpl', '__init__.py'), 'from . import tests\n')
    write(path.join(root, 'src', 'tmpl', 'tests.py'), 'def test_odd(v):\n    return v % 2 == 1\n') // jinja2's shape
    write(path.join(root, 'src', 'pkg', '__init__.py'), '')
    write(path.join(root, 'src', 'pkg', 'core.py'), '')
    write(path.join(root, 'src', 'pkg', 'tests', '__init__.py'), '')
    write(path.join(root, 'src', 'pkg', 'tests', 'test_core.py'), '')
    write(path.join(root, 'src', 'pkg', 'sub', '__init__.py'), '')
    write(path.join(root, 'src', 'pkg', 'sub', 'tests', 'conftest.py'), '')
    const toml = `[modules]\npaths = ["src"]\ninclude = ["tmpl.*", "pkg.*"]\nexclude = ${documentedExclude()}\n`
    const r = await resolveModules(parseManifest(toml, path.join(root, 'm.toml')), createInterpreter('python3'))
    const names = r.modules.map((m) => m.name)
    expect(names).toEqual(expect.arrayContaining(['tmpl', 'tmpl.tests', 'pkg', 'pkg.core', 'pkg.sub']))
    expect(names).not.toContain('pkg.tests.test_core')
    expect(names).not.toContain('pkg.sub.tests.conftest')
  }, 60_000)

  it.skipIf(!hasJinja2())('the documented exclude keeps the real jinja2.tests', async () => {
    const root = tempDir('pybundle-readme-')
    const toml = `[modules]\ninclude = ["jinja2.*"]\nexclude = ${documentedExclude()}\n`
    const r = await resolveModules(parseManifest(toml, path.join(root, 'm.toml')), createInterpreter('python3'))
    expect(r.modules.map((m) => m.name)).toContain('jinja2.tests')
  }, 60_000)

  it('the extract example loads a module of _startup.pyb sourceless', async () => {
    const m = /^out=\$\(mktemp -d\)\nnpx pybundle extract examples\/_startup\.pyb --out "\$out"\n(PYTHONPATH="\$out" python3 -c "(.*)")/m.exec(README)
    expect(m, 'the README\'s extract example').not.toBeNull()
    const root = tempDir('pybundle-readme-')
    const bundle = path.join(root, '_startup.pyb')
    const b = await cli('build', path.join(REPO, 'examples', 'startup.toml'), '-o', bundle, '--quiet')
    expect(b.err).toBe('')
    const out = path.join(root, 'startup')
    expect((await cli('extract', bundle, '--out', out)).code).toBe(0)
    const printed = execFileSync('python3', ['-c', m![2]], { env: { ...process.env, PYTHONPATH: out }, encoding: 'utf8' })
    expect(printed).toMatch(/SourcelessFileLoader/)
  }, 120_000)
})
