/**
 * The commands through commander's parseAsync (in process) on temporary
 * folders: every error path, with its exit code and a one-line message that
 * names the offending thing; and a failed build leaves the previous output
 * byte-identical.
 */
import fs from 'node:fs'
import path from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { createProgram, memoryContext } from '@pybundle/cli'
import { cli, tempDir, write } from './helpers.js'

let root: string
let good: string // a built bundle
let manifest: string

function oneLine(err: string): void {
  const lines = err.trim().split('\n')
  expect(lines).toHaveLength(1)
  expect(lines[0]).toMatch(/^pybundle: error: /)
}

beforeAll(async () => {
  root = tempDir()
  write(path.join(root, 'src', 'app', '__init__.py'), 'from .util import f\n')
  write(path.join(root, 'src', 'app', 'util.py'), 'def f(x):\n    return x + 1\n')
  manifest = path.join(root, 'app.toml')
  write(manifest, '[bundle]\noutput = "app.pyb"\n[modules]\npaths = ["src"]\ninclude = ["app.*", "json"]\n')
  const r = await cli('build', manifest, '--quiet')
  expect(r.err).toBe('')
  expect(r.code).toBe(0)
  good = path.join(root, 'app.pyb')
})

describe('build', () => {
  it('is driven through parseAsync and prints a summary', async () => {
    const ctx = memoryContext()
    await createProgram(ctx).parseAsync(['node', 'pybundle', 'build', manifest, '-o', path.join(root, 'other.pyb')], { from: 'node' })
    expect(ctx.exitCode).toBe(0)
    expect(ctx.out).toMatch(/built .*other\.pyb/)
    expect(ctx.out).toMatch(/modules +3 \(2 packages/)
    expect(ctx.out).toMatch(/sharing +saved/)
    expect(ctx.out).toMatch(/time /)
  })

  it('--json gives the summary as data', async () => {
    const r = await cli('build', manifest, '-o', path.join(root, 'j.pyb'), '--json')
    expect(r.code).toBe(0)
    const s = JSON.parse(r.out)
    expect(s.modules).toBe(3) // app, app.util, json (the package only: "json.*" would add its submodules)
    expect(s.python.version).toMatch(/^3\.\d+\.\d+$/)
    expect(s.size).toBe(fs.statSync(path.join(root, 'j.pyb')).size)
    expect(s.timings.total).toBeGreaterThan(0)
    expect(s.sharing.savedBytes).toBeGreaterThanOrEqual(0)
    expect(s.sharing.savedVsPerModule).toBe(s.sharing.savedBytes)
    expect(s.sharing.savedVsNone).toBeGreaterThanOrEqual(s.sharing.savedVsPerModule)
    // The same figure, by the same name, in inspect --json (and its alias for @pybundle/report).
    const i = JSON.parse((await cli('inspect', path.join(root, 'j.pyb'), '--json')).out)
    expect(i.sharing.savedVsNone).toBe(s.sharing.savedVsNone)
    // Cross-module sharing, recomputed from the file alone, equals what the writer counted.
    expect(i.sharing.savedVsPerModule).toBe(s.sharing.savedVsPerModule)
    expect(i.sharingSavedBytes).toBe(i.sharing.savedVsNone)
  })

  it('--progress prints plain phase lines on stderr, with --json and without a terminal', async () => {
    const r = await cli('build', manifest, '-o', path.join(root, 'p.pyb'), '--json', '--progress')
    expect(r.code).toBe(0)
    JSON.parse(r.out) // stdout stays pure JSON
    const lines = r.err.trim().split('\n')
    expect(lines[0]).toBe('progress: resolve')
    const compile = lines.filter((l) => l.startsWith('progress: compile '))
    expect(compile[0]).toBe('progress: compile 0/3')
    expect(compile.at(-1)).toBe('progress: compile 3/3')
    expect(lines.slice(-2)).toEqual(['progress: convert', 'progress: write'])
    // Without --progress and without a terminal: nothing on stderr.
    expect((await cli('build', manifest, '-o', path.join(root, 'p.pyb'), '--json')).err).toBe('')
  })

  const bad: [string, string, RegExp][] = [
    ['an unknown key', '[bundle]\noutpt = "x.pyb"\n[modules]\ninclude = ["json"]\n', /unknown key 'outpt' in \[bundle\].*bad\.toml/],
    ['an unknown table', '[bundel]\noutput = "x.pyb"\n', /unknown table 'bundel'.*bad\.toml/],
    ['a wrong type', '[modules]\ninclude = "json"\n', /\[modules\] include must be an array of strings.*bad\.toml/],
    ['a bad optimize', '[bundle]\noptimize = 3\n[modules]\ninclude = ["json"]\n', /optimize must be 0, 1 or 2, not the integer 3/],
    ['bad TOML', '[modules\ninclude = ["json"]\n', /not valid TOML at line 1/],
    ['no modules', '[bundle]\noutput = "x.pyb"\n', /selects no modules/],
    ['a bad include', '[modules]\ninclude = ["a/b", "ok"]\n', /include has "a\/b"/],
    ['a missing paths folder', '[modules]\npaths = ["nowhere"]\ninclude = ["json"]\n', /paths entry "nowhere" is not there/],
  ]
  it.each(bad)('rejects %s with exit 2', async (_what, text, message) => {
    const dir = tempDir()
    const file = path.join(dir, 'bad.toml')
    write(file, text)
    const r = await cli('build', file)
    expect(r.code).toBe(2)
    oneLine(r.err)
    expect(r.err).toMatch(message)
    expect(r.err).toMatch(/MANIFEST/)
  })

  it('lists every unresolved name in one error (exit 2)', async () => {
    const dir = tempDir()
    const file = path.join(dir, 'm.toml')
    write(file, '[modules]\ninclude = ["json", "no_such_mod", "nope.*", "json.nothing"]\n')
    const r = await cli('build', file)
    expect(r.code).toBe(2)
    oneLine(r.err)
    expect(r.err).toMatch(/UNRESOLVED/)
    expect(r.err).toMatch(/no_such_mod, nope\.\*, json\.nothing/)
  })

  it('names file:line and the message of a syntax error (exit 2)', async () => {
    const dir = tempDir()
    write(path.join(dir, 'src', 'broken.py'), 'x = 1\ndef f(:\n    pass\n')
    const file = path.join(dir, 'm.toml')
    write(file, '[modules]\npaths = ["src"]\ninclude = ["broken"]\n')
    const r = await cli('build', file)
    expect(r.code).toBe(2)
    oneLine(r.err)
    expect(r.err).toMatch(/SYNTAX/)
    expect(r.err).toContain(`${path.join(dir, 'src', 'broken.py')}:2: SyntaxError`)
  })

  it('reports an interpreter that does not exist (exit 2)', async () => {
    const dir = tempDir()
    const file = path.join(dir, 'm.toml')
    write(file, '[bundle]\npython = "python-does-not-exist"\n[modules]\ninclude = ["json"]\n')
    const r = await cli('build', file)
    expect(r.code).toBe(2)
    oneLine(r.err)
    expect(r.err).toMatch(/cannot run the Python interpreter 'python-does-not-exist': not found/)
  })

  it('reports a traced program that fails (exit 2)', async () => {
    const dir = tempDir()
    const file = path.join(dir, 'm.toml')
    write(file, '[modules]\ntrace = ["-c", "import json; raise SystemExit(4)"]\n')
    const r = await cli('build', file)
    expect(r.code).toBe(2)
    oneLine(r.err)
    expect(r.err).toMatch(/failed with exit status 4/)
  })

  it('reports a missing manifest, and a folder given as the manifest (exit 2)', async () => {
    const missing = await cli('build', path.join(root, 'missing.toml'))
    expect(missing.code).toBe(2)
    oneLine(missing.err)
    expect(missing.err).toMatch(/missing\.toml: no such file/)
    const folder = await cli('build', root)
    expect(folder.code).toBe(2)
    oneLine(folder.err)
    expect(folder.err).toMatch(/is a folder/)
  })

  it('leaves the previous output byte-identical when a build fails', async () => {
    const dir = tempDir()
    write(path.join(dir, 'src', 'm.py'), 'A = 1\n')
    const file = path.join(dir, 'm.toml')
    write(file, '[modules]\npaths = ["src"]\ninclude = ["m"]\n')
    expect((await cli('build', file, '-q')).code).toBe(0)
    const out = path.join(dir, 'm.pyb')
    const before = fs.readFileSync(out)
    write(path.join(dir, 'src', 'm.py'), 'A = (\n')
    expect((await cli('build', file, '-q')).code).toBe(2)
    write(file, '[modules]\npaths = ["src"]\ninclude = ["m", "absent"]\n')
    expect((await cli('build', file, '-q')).code).toBe(2)
    expect(fs.readFileSync(out).equals(before)).toBe(true)
    expect(fs.readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([])
  })

  it('refuses a folder as the output (exit 2)', async () => {
    const r = await cli('build', manifest, '-o', root)
    expect(r.code).toBe(2)
    oneLine(r.err)
    expect(r.err).toMatch(/is a folder/)
  })

  it('treats unknown options as bad usage (exit 2)', async () => {
    const r = await cli('build', manifest, '--frobnicate')
    expect(r.code).toBe(2)
    expect(r.err).toMatch(/unknown option '--frobnicate'/)
  })
})

describe('inspect', () => {
  it('prints a summary and a module table', async () => {
    const r = await cli('inspect', good, '--sort', 'size')
    expect(r.code).toBe(0)
    expect(r.out).toMatch(/format +\.pyb 1\.1, CPython 3\.\d+/)
    expect(r.out).toMatch(/checksums +ok/)
    expect(r.out).toMatch(/^app +package/m)
    expect(r.out).toMatch(/^app\.util +module/m)
  })

  it('--json has the documented fields', async () => {
    const r = await cli('inspect', good, '--json')
    expect(r.code).toBe(0)
    const j = JSON.parse(r.out)
    for (const k of ['file', 'formatVersion', 'python', 'optimize', 'fileSize', 'headerSize', 'checksums', 'sections', 'counts', 'strings', 'consts', 'sharingSavedBytes', 'modules']) {
      expect(j).toHaveProperty(k)
    }
    expect(j.modules.map((m: { name: string }) => m.name)).toEqual(['app', 'app.util', 'json'])
    const app = j.modules[0]
    expect(Object.keys(app).sort()).toEqual(['bytecodeBytes', 'bytes', 'codeObjects', 'constsOwned', 'constsShared', 'kind', 'name', 'share', 'sourceless', 'stringsOwned', 'stringsShared'])
    expect(app.kind).toBe('package')
    const total = j.modules.reduce((s: number, m: { bytes: number }) => s + m.bytes, 0)
    expect(total).toBeLessThanOrEqual(j.fileSize)
    // regions: every other byte of the file, by purpose (the treemap draws them)
    const rest = j.regions.reduce((s: number, x: { bytes: number }) => s + x.bytes, 0)
    expect(total + rest).toBe(j.fileSize)
    for (const x of j.regions) expect(x.bytes, x.name).toBeGreaterThanOrEqual(0)
    expect(j.regions.find((x: { kind: string }) => x.kind === 'header').bytes).toBe(j.headerSize)
    expect(j.regions.find((x: { kind: string }) => x.kind === 'shared').bytes).toBeGreaterThan(0)
  })

  it('--html writes a self-contained report', async () => {
    const html = path.join(tempDir(), 'report.html')
    const r = await cli('inspect', good, '--html', html, '--limit', '1')
    expect(r.code).toBe(0)
    const text = fs.readFileSync(html, 'utf8')
    expect(text).toMatch(/^<!doctype html>/i)
    expect(text).toContain('app.util')
    const bad = await cli('inspect', good, '--html', path.join(root, 'no', 'such', 'dir', 'r.html'))
    expect(bad.code).toBe(2)
    oneLine(bad.err)
  })

  it('--compare draws another bundle into the --html report; without --html it is bad usage', async () => {
    const dir = tempDir()
    const base = path.join(dir, 'last-build.pyb')
    fs.copyFileSync(good, base)
    const html = path.join(dir, 'diff.html')
    const r = await cli('inspect', good, '--html', html, '--compare', base)
    expect(r.code, r.err).toBe(0)
    const text = fs.readFileSync(html, 'utf8')
    const embedded = /<script type="application\/json" id="pyb-compare">([\s\S]*?)<\/script>/.exec(text)
    expect(embedded).not.toBeNull()
    expect(text).toContain('last-build.pyb')
    const noHtml = await cli('inspect', good, '--compare', base)
    expect(noHtml.code).toBe(2)
    expect(noHtml.err).toMatch(/--compare needs --html/)
    const missing = await cli('inspect', good, '--html', html, '--compare', path.join(dir, 'nope.pyb'))
    expect(missing.code).toBe(2)
    expect(missing.err).toMatch(/nope\.pyb/)
  })

  it('--module shows the code tree', async () => {
    const r = await cli('inspect', good, '--module', 'app.util', '--json')
    expect(r.code).toBe(0)
    const j = JSON.parse(r.out)
    expect(j.module.name).toBe('app.util')
    expect(j.module.code.children.map((c: { qualname: string }) => c.qualname)).toEqual(['f'])
    expect(j.module.code.children[0].argcount).toBe(1)
    const text = await cli('inspect', good, '--module', 'app.util')
    expect(text.out).toMatch(/^ {4}f {2}line 1, 1 args/m)
  })

  it('an unknown --module is exit 2 naming it', async () => {
    const r = await cli('inspect', good, '--module', 'nope.nothing')
    expect(r.code).toBe(2)
    oneLine(r.err)
    expect(r.err).toMatch(/no module "nope\.nothing"/)
  })

  it('an invalid --sort is bad usage', async () => {
    const r = await cli('inspect', good, '--sort', 'weight')
    expect(r.code).toBe(2)
  })
})

describe('bad bundles, for every command', () => {
  const cases: [string, (dir: string) => string, number, RegExp][] = [
    ['a missing file', (d) => path.join(d, 'none.pyb'), 2, /no such file/],
    ['a folder', (d) => d, 2, /is a folder/],
    ['an empty file', (d) => { const f = path.join(d, 'empty.pyb'); fs.writeFileSync(f, ''); return f }, 3, /empty/],
    ['random bytes', (d) => { const f = path.join(d, 'rand.pyb'); fs.writeFileSync(f, Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919 + 13) & 0xff))); return f }, 3, /BAD_MAGIC|TRUNCATED|MALFORMED/],
    ['a .pyc', (d) => { const f = path.join(d, 'mod.pyc'); fs.writeFileSync(f, Buffer.concat([Buffer.from([0xa7, 0x0d, 0x0d, 0x0a]), Buffer.alloc(12), Buffer.from('\xe3\x00', 'latin1')])); return f }, 3, /BAD_MAGIC|TRUNCATED/],
    ['a truncated bundle', (d) => { const f = path.join(d, 'cut.pyb'); fs.writeFileSync(f, fs.readFileSync(good).subarray(0, Math.floor(fs.statSync(good).size / 2))); return f }, 3, /TRUNCATED|OUT_OF_BOUNDS|file_size/],
  ]
  for (const command of ['inspect', 'verify', 'extract'] as const) {
    it.each(cases)(`${command}: %s`, async (_what, make, code, message) => {
      const dir = tempDir()
      const file = make(dir)
      const args = command === 'extract' ? [command, file, '--out', path.join(dir, 'x-out')] : [command, file]
      const r = await cli(...args)
      expect(r.code).toBe(code)
      expect(r.err).toMatch(message)
      if (command !== 'verify' || code === 2) oneLine(r.err)
      expect(r.out).toBe('')
    })
  }

  it('verify: a flipped byte is exit 3 with a report', async () => {
    const dir = tempDir()
    const f = path.join(dir, 'flip.pyb')
    const bytes = Buffer.from(fs.readFileSync(good))
    bytes[bytes.length >> 1] ^= 0x40 // inside STRD, a checksummed section
    fs.writeFileSync(f, bytes)
    const r = await cli('verify', f)
    expect(r.code).toBe(3)
    expect(r.err).toMatch(/damaged/)
    expect(r.err).toMatch(/CHECKSUM_MISMATCH/)
    const inspect = await cli('inspect', f)
    expect([0, 3]).toContain(inspect.code)
  })
})

describe('verify and extract', () => {
  it('verify: exit 0 for an intact bundle, --json report', async () => {
    const r = await cli('verify', good, '--json')
    expect(r.code).toBe(0)
    expect(JSON.parse(r.out).ok).toBe(true)
  })

  it('extract: --module writes only those, a namespace as a folder', async () => {
    const dir = tempDir()
    const r = await cli('extract', good, '--out', dir, '--module', 'app.util', 'json', '--json')
    expect(r.code).toBe(0)
    expect(JSON.parse(r.out).modules.map((m: { path: string }) => m.path)).toEqual(['app/util.pyc', 'json/__init__.pyc'])
    expect(fs.existsSync(path.join(dir, 'app', 'util.pyc'))).toBe(true)
    expect(fs.existsSync(path.join(dir, 'app', '__init__.pyc'))).toBe(false)
  })

  it('extract: an unknown --module is exit 2 naming it, a missing --out is bad usage', async () => {
    const r = await cli('extract', good, '--out', tempDir(), '--module', 'ghost')
    expect(r.code).toBe(2)
    expect(r.err).toMatch(/"ghost"/)
    const u = await cli('extract', good)
    expect(u.code).toBe(2)
    expect(u.err).toMatch(/--out/)
  })

  it('extract: the summary names the Python the .pyc files are for', async () => {
    const dir = tempDir()
    const r = await cli('extract', good, '--out', dir)
    expect(r.code).toBe(0)
    expect(r.out).toMatch(/^wrote 3 \.pyc files for Python 3\.\d+ \(magic \d+\)/)
    const j = await cli('extract', good, '--out', dir, '--json')
    expect(JSON.parse(j.out).python).toEqual({ version: expect.stringMatching(/^3\.\d+$/), magic: expect.any(Number) })
  })

  it('extract: a bundle verify rejects is refused (exit 3, one line, nothing written); --no-verify skips the check', async () => {
    const dir = tempDir()
    const f = path.join(dir, 'flip.pyb')
    const bytes = Buffer.from(fs.readFileSync(good))
    bytes[bytes.length >> 1] ^= 0x40 // inside STRD, a checksummed section
    fs.writeFileSync(f, bytes)
    const out = path.join(dir, 'out')
    const r = await cli('extract', f, '--out', out)
    expect(r.code).toBe(3)
    oneLine(r.err)
    expect(r.err).toMatch(/fails verification.*CHECKSUM_MISMATCH/)
    expect(fs.existsSync(out)).toBe(false)
    const n = await cli('extract', f, '--out', out, '--no-verify', '--quiet')
    expect([0, 3]).toContain(n.code)
  })

  it('extract: a module MODS lists but the index cannot find is a damaged bundle (exit 3), not NOT_FOUND', async () => {
    const { MIDX_HEADER, MIDX_SLOT } = await import('@pybundle/format-spec')
    const { openBundleFromBuffer } = await import('@pybundle/loader')
    const dir = tempDir()
    const f = path.join(dir, 'midx.pyb')
    const bytes = Buffer.from(fs.readFileSync(good))
    // A copy: the loader must not be handed the Buffer we then write (see the report on Buffer.slice in header.ts).
    const b = openBundleFromBuffer(new Uint8Array(bytes))
    const midx = b.stats().sections.find((s) => s.name === 'MIDX')!
    b.close()
    // Clear every slot's hash: the index then finds no module by name.
    for (let o = midx.offset + MIDX_HEADER.size; o + MIDX_SLOT.size <= midx.offset + midx.size; o += MIDX_SLOT.size) bytes.writeUInt32LE(0, o + MIDX_SLOT.at.hash)
    fs.writeFileSync(f, bytes)
    for (const extra of [[], ['--module', 'json']]) {
      const r = await cli('extract', f, '--out', path.join(dir, 'out'), '--no-verify', ...extra)
      expect(r.code).toBe(3)
      oneLine(r.err)
      expect(r.err).toMatch(/MIDX/)
    }
  })
})

describe('help', () => {
  it('every command has help with examples and exit codes', async () => {
    for (const c of ['build', 'inspect', 'verify', 'extract']) {
      const r = await cli(c, '--help')
      expect(r.code).toBe(0)
      expect(r.out).toMatch(/Examples:/)
      expect(r.out).toMatch(/Exit status/)
    }
    const top = await cli('--help')
    expect(top.code).toBe(0)
    expect(top.out).toMatch(/build/)
  })
})
