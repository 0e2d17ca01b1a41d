/**
 * Provenance (issue 14): `build --json` says why each module is in and, with
 * closure, who imports it; `inspect --why NAME` prints the chain from the
 * record the build stores in the bundle.
 */
import path from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import type { BuildInfo } from '@pybundle/bundler'
import { summaryText, whyChain, whyText } from '@pybundle/cli'
import { PyBundleError } from '@pybundle/errors'
import { Bundle } from '@pybundle/loader'
import { findInterpreters } from '../helpers/pythons.js'
import { cli, tempDir, write } from './helpers.js'

const python3 = findInterpreters().python3
if (!python3) console.log('why tests skipped: no python3 on PATH')
// Bundle.buildInfo() arrives with the format section that stores BuildInfo (issue 14, another branch).
const stored = typeof (Bundle.prototype as { buildInfo?: unknown }).buildInfo === 'function'
if (!stored) console.log('inspect --why on a built bundle: this loader has no Bundle.buildInfo(), so only the "no build record" answer is checked')

let root: string
let info: BuildInfo
let bundleFile: string

beforeAll(async () => {
  if (!python3) return
  root = tempDir('pybundle-why-')
  write(path.join(root, 'src', 'app', '__init__.py'), 'from . import core\n')
  write(path.join(root, 'src', 'app', 'core.py'), 'try:\n    from app import _speedups as impl\nexcept ImportError:\n    from app import _native as impl\n')
  write(path.join(root, 'src', 'app', '_speedups.py'), '')
  write(path.join(root, 'src', 'app', '_native.py'), 'def f():\n    from .util import g\n')
  write(path.join(root, 'src', 'app', 'util.py'), 'g = 1\n')
  write(path.join(root, 'src', 'lib', '__init__.py'), '')
  write(path.join(root, 'src', 'lib', 'sub', '__init__.py'), '')
  write(path.join(root, 'src', 'lib', 'sub', 'leaf.py'), '')
  write(path.join(root, 'app.toml'), `[modules]\npaths = ["src"]\ninclude = ["lib.*"]\ntrace = ["-S", "-c", ${JSON.stringify('import app, sys\nif len(sys.argv) > 99:\n    import colorsys')}]\nclosure = true\n`)
  const r = await cli('build', path.join(root, 'app.toml'), '--json')
  expect(r.err).toBe('')
  expect(r.code).toBe(0)
  const summary = JSON.parse(r.out)
  info = summary.buildInfo
  bundleFile = summary.output
  expect(Object.keys(info.modules).length).toBe(summary.modules)
}, 120_000)

describe.skipIf(!python3)('build --json provenance', () => {
  it('the text summary gives aliases one line with a count, and what closure added', async () => {
    write(path.join(root, 'alias.toml'), [
      '[bundle]', 'output = "alias.pyb"', '[modules]', 'paths = ["src"]', 'closure = true',
      `trace = ["-S", "-c", ${JSON.stringify("import importlib.util, sys\nfor n in ('html.parser', 'colorsys'):\n    s = importlib.util.find_spec(n)\n    m = importlib.util.module_from_spec(s)\n    s.loader.exec_module(m)\n    sys.modules['alias_' + n] = m\nimport app")}]`,
    ].join('\n') + '\n')
    const r = await cli('build', path.join(root, 'alias.toml'), '--json')
    expect(r.err).toBe('')
    const j = JSON.parse(r.out)
    expect(j.aliases).toEqual(expect.arrayContaining([{ name: 'alias_html.parser', of: 'html.parser' }, { name: 'alias_colorsys', of: 'colorsys' }]))
    // The text `pybundle build` prints, from the same summary (one build, not two: closure builds take a while).
    const lines = summaryText(j).split('\n')
    expect(lines.filter((l) => /^  aliases|an alias of/.test(l))).toEqual([expect.stringMatching(new RegExp(`^  aliases +${j.aliases.length} names in sys\\.modules for modules bundled under their spec names \\(.*; --json lists all\\)$`))])
    expect(lines.filter((l) => l.startsWith('  closure '))).toEqual([expect.stringMatching(new RegExp(`^  closure +added ${j.closure.added} modules imported by the bundled code`))])
    expect(j.closure.added).toBe(Object.values(j.buildInfo.modules as BuildInfo['modules']).filter((m) => m.reason === 'closure').length)
  }, 120_000)

  it('records why each module is in, and who imports what the closure added', () => {
    expect(info.modules['app']).toMatchObject({ reason: 'trace' })
    expect(info.modules['app._native']).toEqual({ reason: 'closure', importedBy: ['app.core'] })
    expect(info.modules['app.util']).toEqual({ reason: 'closure', importedBy: ['app._native'] })
    expect(info.modules['lib']).toMatchObject({ reason: 'include' })
    expect(info.modules['lib.sub.leaf']).toMatchObject({ reason: 'package' })
  })

  it('every chain starts at a module in for its own reason and each step is justified by the record', () => {
    for (const name of Object.keys(info.modules)) {
      const chain = whyChain(info, name)
      expect(chain[chain.length - 1].name).toBe(name)
      if (chain[0].main) expect(info.modules[chain[0].name].importedBy).toContain('__main__')
      else expect(['include', 'stdlib', 'trace']).toContain(chain[0].reason)
      for (let i = 1; i < chain.length; i++) {
        const prev = chain[i - 1].name
        const step = chain[i]
        expect(step.via).toBe(prev)
        if (step.reason === 'closure') expect(info.modules[step.name].importedBy).toContain(prev)
        else if (step.reason === 'package') expect(step.name.startsWith(prev + '.')).toBe(true)
        else if (step.reason === 'parent') expect(prev.startsWith(step.name + '.')).toBe(true)
        else throw new Error(`${step.name} (${step.reason}) cannot follow ${prev}`)
      }
    }
  })

  it('what the traced program\'s own code imports (-c CODE, a script) comes in as imported by __main__', () => {
    expect(info.modules['colorsys']).toEqual({ reason: 'closure', importedBy: ['__main__'] })
    expect(whyChain(info, 'colorsys')).toEqual([{ name: 'colorsys', reason: 'closure', main: true }])
    expect(whyText(info, 'colorsys')).toMatch(/colorsys {2}imported by the traced program's own code/)
  })

  it('the chain of the fallback behind the speedup, as text', () => {
    expect(whyChain(info, 'app.util').map((s) => s.name)).toEqual(['app.core', 'app._native', 'app.util'])
    const text = whyText(info, 'app.util')
    expect(text).toMatch(/^why app\.util is in the bundle:\n/)
    expect(text).toMatch(/ app\.core\s+imported by the traced program/)
    expect(text).toMatch(/-> app\._native\s+imported by app\.core\n/)
    expect(text).toMatch(/imported by 1 bundled module: app\._native/)
    expect(() => whyChain(info, 'nope')).toThrow(PyBundleError)
  })

  it('inspect --why NAME', async () => {
    const r = await cli('inspect', bundleFile, '--why', 'app.util')
    if (!stored) {
      expect(r.code).toBe(2)
      expect(r.err).toMatch(/holds no build record/)
    }
    // Until the loader reads the record, stand in for it with what the build returned.
    const proto = Bundle.prototype as { buildInfo?: () => BuildInfo | null }
    if (!stored) proto.buildInfo = () => info
    try {
      const r = await cli('inspect', bundleFile, '--why', 'app.util')
      expect(r.err).toBe('')
      expect(r.code).toBe(0)
      expect(r.out).toBe(whyText(info, 'app.util'))
      const j = await cli('inspect', bundleFile, '--why', 'app.util', '--json')
      expect(JSON.parse(j.out).chain.map((s: { name: string }) => s.name)).toEqual(['app.core', 'app._native', 'app.util'])
      const missing = await cli('inspect', bundleFile, '--why', 'nope')
      expect(missing.code).toBe(2)
      expect(missing.err).toMatch(/no module "nope"/)
    } finally {
      if (!stored) delete proto.buildInfo
    }
  })
})
