/**
 * Issue 11, the extract / names / terminal part: extract never writes outside
 * --out (planted symlinks, hard links), checks every target for collisions before
 * writing, turns I/O failures into one line with exit 2 and leaves no partial
 * file; nothing from a bundle reaches the terminal raw; a closed pipe ends
 * quietly; a .pyc given as a bundle is named; inspect --html never replaces the
 * bundle it reads.
 */
import { spawn, spawnSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { pyBytes } from '@pybundle/cpython'
import { writeBundle, type BundleInput, type ModuleInput } from '@pybundle/bundler'
import { openBundleFromBuffer } from '@pybundle/loader'
import { PY311, code, forgeNames, module } from '../loader/fixtures.js'
import { BIN, cli, tempDir } from './helpers.js'

const body = code('3.11', { name: '<module>', consts: [pyBytes(new Uint8Array(3000).fill(7))] })
const input = (modules: ModuleInput[]): BundleInput => ({ python: PY311, optimize: 0, modules })
const mods = (...names: string[]): ModuleInput[] => names.map((n) => module(n, body))

function oneLine(err: string): string {
  const lines = err.trim().split('\n')
  expect(lines, err).toHaveLength(1)
  expect(lines[0]).toMatch(/^pybundle: error: /)
  return lines[0]
}

/** Every file under dir, relative, with its type. */
function tree(dir: string): string[] {
  const out: string[] = []
  const walk = (d: string, rel: string): void => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const r = rel ? `${rel}/${e.name}` : e.name
      out.push(`${r}${e.isDirectory() ? '/' : e.isSymbolicLink() ? '@' : ''}`)
      if (e.isDirectory()) walk(path.join(d, e.name), r)
    }
  }
  walk(dir, '')
  return out.sort()
}

/** No raw character a terminal acts on: C0 (but \n), DEL, C1, bidi and zero-width format characters, U+2028/9. */
const RAW = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u061c\u200b-\u200f\u202a-\u202e\u2028\u2029\u2066-\u2069\ufeff]/u

let dir: string
let good: string

beforeAll(async () => {
  dir = tempDir('pybundle-hardening-')
  good = path.join(dir, 'good.pyb')
  fs.writeFileSync(good, await writeBundle(input([...mods('mod', 'pkg.sub'), module('pkg', body, { isPackage: true, path: 'pkg/__init__.py' })])))
})

describe('extract never writes outside --out', () => {
  it('a planted symlink at a target file is replaced, its target untouched', async () => {
    const out = tempDir()
    const victim = path.join(tempDir(), 'victim')
    fs.writeFileSync(victim, 'precious')
    fs.symlinkSync(victim, path.join(out, 'mod.pyc'))
    const r = await cli('extract', good, '--out', out, '--quiet')
    expect(r.code, r.err).toBe(0)
    expect(fs.readFileSync(victim, 'utf8')).toBe('precious')
    expect(fs.lstatSync(path.join(out, 'mod.pyc')).isFile()).toBe(true)
    expect(fs.readFileSync(path.join(out, 'mod.pyc')).readUInt16LE(0)).toBe(PY311.magic)
  })

  it('a hard link at a target file is replaced, not written in place', async () => {
    const out = tempDir()
    const victim = path.join(tempDir(), 'victim')
    fs.writeFileSync(victim, 'precious')
    fs.linkSync(victim, path.join(out, 'mod.pyc'))
    const r = await cli('extract', good, '--out', out, '--quiet')
    expect(r.code, r.err).toBe(0)
    expect(fs.readFileSync(victim, 'utf8')).toBe('precious')
    expect(fs.statSync(path.join(out, 'mod.pyc')).ino).not.toBe(fs.statSync(victim).ino)
  })

  it('a planted symlink as a folder is refused naming it (exit 2), nothing written through it', async () => {
    const out = tempDir()
    const elsewhere = tempDir()
    fs.symlinkSync(elsewhere, path.join(out, 'pkg'))
    const r = await cli('extract', good, '--out', out)
    expect(r.code).toBe(2)
    const line = oneLine(r.err)
    expect(line).toContain(path.join(out, 'pkg'))
    expect(line).toMatch(/symbolic link/)
    expect(fs.readdirSync(elsewhere)).toEqual([])
  })

  it('--out that is itself a symbolic link (planted in a shared folder) is refused', async () => {
    const shared = tempDir()
    const elsewhere = tempDir()
    fs.symlinkSync(elsewhere, path.join(shared, 'out'))
    const r = await cli('extract', good, '--out', path.join(shared, 'out'))
    expect(r.code).toBe(2)
    expect(oneLine(r.err)).toMatch(/out is a symbolic link/)
    expect(fs.readdirSync(elsewhere)).toEqual([])
  })

  it('--out naming an existing file is refused, the file untouched', async () => {
    const f = path.join(tempDir(), 'notes.txt')
    fs.writeFileSync(f, 'mine')
    const r = await cli('extract', good, '--out', f)
    expect(r.code).toBe(2)
    expect(oneLine(r.err)).toMatch(/notes\.txt exists and is not a folder/)
    expect(fs.readFileSync(f, 'utf8')).toBe('mine')
  })

  it('a file where a folder is needed is refused, not replaced', async () => {
    const out = tempDir()
    fs.writeFileSync(path.join(out, 'pkg'), 'mine')
    const r = await cli('extract', good, '--out', out)
    expect(r.code).toBe(2)
    expect(oneLine(r.err)).toMatch(/pkg exists and is not a folder/)
    expect(fs.readFileSync(path.join(out, 'pkg'), 'utf8')).toBe('mine')
  })
})

describe('extract checks the whole plan before writing', () => {
  it('pkg (a package) and pkg.__init__ extract to one file: exit 3 naming both, nothing written', async () => {
    const f = path.join(dir, 'init-clash.pyb')
    fs.writeFileSync(f, await writeBundle(input([module('pkg', body, { isPackage: true, path: 'pkg/__init__.py' }), ...mods('pkg.__init__', 'aaa')])))
    const out = path.join(tempDir(), 'out')
    const r = await cli('extract', f, '--out', out)
    expect(r.code).toBe(3)
    const line = oneLine(r.err)
    expect(line).toContain('"pkg"')
    expect(line).toContain('"pkg.__init__"')
    expect(line).toContain('pkg/__init__.pyc')
    expect(fs.existsSync(out)).toBe(false)
  })

  it('names equal once case is folded are one file on Windows and macOS: exit 3 naming both', async () => {
    const f = path.join(dir, 'case-clash.pyb')
    fs.writeFileSync(f, await writeBundle(input(mods('Mod', 'mod', 'zz'))))
    const out = path.join(tempDir(), 'out')
    const r = await cli('extract', f, '--out', out)
    expect(r.code).toBe(3)
    const line = oneLine(r.err)
    expect(line).toMatch(/"Mod" and module "mod"|"mod" and module "Mod"/)
    expect(line).toMatch(/case-insensitive/)
    expect(fs.existsSync(out)).toBe(false)
  })

  it.each([['a/b', 'a.b'], ['../../escape', 'ok'], ['x\u001b]0;pwned\u0007', 'ok'], ['\0', 'ok']])('a forged bundle with %j is refused (exit 3) even with --no-verify; nothing written anywhere', async (hostile, other) => {
    const f = path.join(tempDir(), 'forged.pyb')
    fs.writeFileSync(f, await forgeNames(input(mods('m1', 'm2')), [hostile, other]))
    const parent = tempDir()
    const out = path.join(parent, 'out')
    for (const extra of [[], ['--no-verify']]) {
      const r = await cli('extract', f, '--out', out, ...extra)
      expect(r.code).toBe(3)
      const line = oneLine(r.err)
      expect(line).not.toMatch(RAW)
      expect(line).toContain(JSON.stringify(hostile).slice(1, -1).replace(/[\u0000-\u001f]/g, ''))
      if (hostile === 'a/b' && extra.length) expect(line).toMatch(/"a\/b" is not valid .* onto the file of module "a\.b"/)
      expect(fs.readdirSync(parent)).toEqual([])
    }
  })
})

describe('extract I/O errors: exit 2, one line naming the file and the reason, no partial file', () => {
  it('a path longer than the system allows (ENAMETOOLONG)', async () => {
    // 4,091 bytes: a valid name (MAX_NAME_BYTES 4096) whose path under --out exceeds PATH_MAX (4096)
    const long = Array.from({ length: 372 }, (_, i) => `part_${String(i).padStart(5, '0')}`).join('.')
    const f = path.join(dir, 'long.pyb')
    fs.writeFileSync(f, await writeBundle(input(mods('first', long))))
    const out = tempDir()
    const r = await cli('extract', f, '--out', out)
    expect(r.code).toBe(2)
    expect(oneLine(r.err)).toMatch(/cannot (write|create the folder) .*ENAMETOOLONG/)
    // the module before it was written whole; no temporary or empty file anywhere
    const files = tree(out).filter((p) => !p.endsWith('/'))
    expect(files).toEqual(['first.pyc'])
  })

  it('a file-size limit hit mid-write (EFBIG, as a full disk would): no partial or 0-byte .pyc left', () => {
    const out = tempDir()
    // `ulimit -f 2`: files stop at 2 KiB; SIGXFSZ ignored so write() fails with EFBIG instead of killing node.
    const r = spawnSync('bash', ['-c', `trap '' XFSZ; ulimit -f 2; exec "$0" "$@"`, process.execPath, BIN, 'extract', good, '--out', out], { encoding: 'utf8' })
    if (r.error) return console.log(`skipped: bash not runnable: ${r.error.message}`)
    expect(r.status, r.stderr).toBe(2)
    expect(oneLine(r.stderr)).toMatch(/cannot write .*\.pyc: .*EFBIG/)
    const files = tree(out).filter((p) => !p.endsWith('/'))
    expect(files).toEqual([])
  })

  it('an unwritable folder (EACCES), where permissions apply (not as root)', async () => {
    if (process.getuid?.() === 0) return console.log('skipped: root ignores folder permissions')
    const out = tempDir()
    fs.chmodSync(out, 0o500)
    try {
      const r = await cli('extract', good, '--out', out)
      expect(r.code).toBe(2)
      expect(oneLine(r.err)).toMatch(/permission denied \(EACCES\)/)
    } finally {
      fs.chmodSync(out, 0o700)
    }
  })
})

describe('nothing from a bundle reaches the terminal raw', () => {
  const hostile = ['x\u001b[2J\u001b]0;title\u0007', 'a\rb', 'q\u202eexe.py', 'z\u0085\u009b31m']
  let f: string
  beforeAll(async () => {
    f = path.join(dir, 'hostile.pyb')
    fs.writeFileSync(f, await forgeNames(input([...mods('m1', 'm2', 'm3'), module('m4', null, { isPackage: true })]), hostile))
  })

  it.each([['inspect'], ['verify'], ['extract'], ['inspect', '--module', 'x\u001b[2J\u001b]0;title\u0007']])('%s prints no control, C1 or bidi character', async (...args) => {
    const extra = args[0] === 'extract' ? ['--out', path.join(tempDir(), 'o'), '--no-verify'] : []
    const r = await cli(args[0], f, ...args.slice(1), ...extra)
    expect(r.out + r.err).not.toMatch(RAW)
    expect(r.out + r.err).toMatch(/\\u001b|\\r|\\u202e|\\u0085/)
  })

  it('--json keeps the exact names (JSON.parse) with every such character escaped', async () => {
    const r = await cli('inspect', f, '--json')
    expect(r.code).toBe(0)
    expect(r.out).not.toMatch(RAW)
    const names = (JSON.parse(r.out) as { modules: { name: string }[] }).modules.map((m) => m.name)
    expect(names.sort()).toEqual([...hostile].sort())
    const v = await cli('verify', f, '--json')
    expect(v.out).not.toMatch(RAW)
    expect(JSON.parse(v.out).ok).toBe(false)
  })

  it.each(['x/y', 'a\u0000b', 'x\u001b[2J'])('verify and inspect --html agree on %j: both call the bundle damaged', async (name) => {
    const g = path.join(tempDir(), 'forged.pyb')
    fs.writeFileSync(g, await forgeNames(input(mods('m1', 'm2')), [name, 'ok']))
    expect(openBundleFromBuffer(fs.readFileSync(g)).verify().ok).toBe(false)
    const html = path.join(tempDir(), 'r.html')
    const r = await cli('inspect', g, '--html', html)
    expect(r.code).toBe(3)
    expect(oneLine(r.err)).not.toMatch(RAW)
    expect(fs.existsSync(html)).toBe(false)
  })
})

describe('a closed pipe', () => {
  it('inspect --json into a pipe closed after 100 bytes ends quietly, exit 0, no stack trace', async () => {
    const f = path.join(dir, 'many.pyb')
    const names = Array.from({ length: 3000 }, (_, i) => `module_${String(i).padStart(5, '0')}`)
    fs.writeFileSync(f, await writeBundle(input(names.map((n) => module(n, code('3.11', { name: '<module>' }))))))
    const r = await new Promise<{ code: number | null; signal: string | null; err: string; got: number }>((resolve, reject) => {
      const child = spawn(process.execPath, [BIN, 'inspect', f, '--json'], { stdio: ['ignore', 'pipe', 'pipe'] })
      let got = 0
      let err = ''
      child.stderr.on('data', (b: Buffer) => (err += b.toString()))
      child.stdout.once('data', (b: Buffer) => {
        got = b.length
        child.stdout.destroy() // what `head -c 100` does: read a little, close the pipe
      })
      child.on('error', reject)
      child.on('close', (code, signal) => resolve({ code, signal, err, got }))
    })
    expect(r.got).toBeGreaterThan(0)
    expect(r.err).toBe('')
    expect(r.signal === null ? r.code : 141).toSatisfy((c: number) => c === 0 || c === 141)
  })
})

describe('a .pyc given as a bundle', () => {
  it.each([[3531, /\.pyc file of Python 3\.12 \(magic 3531\)/], [3413, /Python 3\.8/], [62211, /\.pyc file \(magic 62211, of a Python other than 3\.8-3\.14\)/]])('magic %d is named, with `pybundle build`', async (magic, re) => {
    const f = path.join(tempDir(), 'mod.pyc')
    const pyc = Buffer.alloc(64)
    pyc.writeUInt16LE(magic, 0)
    pyc[2] = 0x0d
    pyc[3] = 0x0a
    fs.writeFileSync(f, pyc)
    for (const cmd of ['inspect', 'verify']) {
      const r = await cli(cmd, f)
      expect(r.code).toBe(3)
      const line = oneLine(r.err)
      expect(line).toMatch(re)
      expect(line).toMatch(/pybundle build/)
    }
  })
})

describe('inspect --html never replaces what it reads', () => {
  it('--html naming the bundle itself, or a hard link to it, or the --compare bundle, is refused (exit 2) before any work', async () => {
    const d = tempDir()
    const f = path.join(d, 'b.pyb')
    fs.copyFileSync(good, f)
    const other = path.join(d, 'other.pyb')
    fs.copyFileSync(good, other)
    const link = path.join(d, 'link.html')
    fs.linkSync(f, link)
    const pristine = fs.readFileSync(good)
    for (const args of [['--html', f], ['--html', link], ['--html', `${d}/./b.pyb`], ['--html', other, '--compare', other]]) {
      const r = await cli('inspect', f, ...args)
      expect(r.code, args.join(' ')).toBe(2)
      expect(oneLine(r.err)).toMatch(/this command reads/)
      for (const g of [f, other]) expect(fs.readFileSync(g).equals(pristine), g).toBe(true)
    }
  })

  it('extract refuses a target that is the bundle it reads (exit 2), and leaves it in place', async () => {
    const out = tempDir()
    const f = path.join(out, 'mod.pyc') // the bundle sits where module "mod" would be extracted
    fs.copyFileSync(good, f)
    const ino = fs.statSync(f).ino
    const r = await cli('extract', f, '--out', out)
    expect(r.code).toBe(2)
    expect(oneLine(r.err)).toMatch(/is the bundle .* this command reads/)
    expect(fs.statSync(f).ino).toBe(ino)
    expect(fs.readFileSync(f).equals(fs.readFileSync(good))).toBe(true)
  })

  it('a failing write leaves the previous report intact (EFBIG mid-write)', () => {
    const d = tempDir()
    const html = path.join(d, 'r.html')
    fs.writeFileSync(html, 'previous report')
    const r = spawnSync('bash', ['-c', `trap '' XFSZ; ulimit -f 1; exec "$0" "$@"`, process.execPath, BIN, 'inspect', good, '--html', html], { encoding: 'utf8' })
    if (r.error) return console.log(`skipped: bash not runnable: ${r.error.message}`)
    expect(r.status, r.stderr).toBe(2)
    expect(oneLine(r.stderr)).toMatch(/HTML report.*EFBIG/)
    expect(fs.readFileSync(html, 'utf8')).toBe('previous report')
    expect(fs.readdirSync(d)).toEqual(['r.html'])
  })
})
