/**
 * Issue 6 §5: the CLI on bad input. Every case gives one clear line on stderr
 * (`pybundle: error: ...`, no stack trace) and the documented exit code:
 * 2 for a path that is not a readable file, 3 for bytes that are not a good
 * bundle. Then the fuzz corpus through the CLI: mutated bundles through
 * `pybundle verify/inspect/extract` (in process, via run()), where the exit code
 * must agree with the library (0 only when open + verify pass, else 3; never 1).
 */
import { execFileSync, spawnSync } from 'node:child_process'
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { memoryContext, run } from '@pybundle/cli'
import { HEADER } from '@pybundle/format-spec'
import { openBundleFromBuffer } from '@pybundle/loader'
// @ts-expect-error plain ESM harness
import { buildSeeds } from './lib/seeds.mjs'
// @ts-expect-error plain ESM harness
import { initMutators, mutate, repairChecksums } from './lib/mutate.mjs'
// @ts-expect-error plain ESM harness
import { mapLayout } from './lib/layout-map.mjs'
// @ts-expect-error plain ESM harness
import { Rng } from './lib/rng.mjs'

const BIN = resolve('packages/cli/bin/pybundle.js')
const COMMANDS = ['inspect', 'verify', 'extract'] as const
let dir: string
let seeds: { name: string; minor: number; bytes: Uint8Array }[]

function cli(args: string[], opts: { as?: string[] } = {}) {
  const argv = [BIN, ...args]
  const r = opts.as === undefined
    ? spawnSync(process.execPath, argv, { encoding: 'utf8' })
    : spawnSync(opts.as[0], [...opts.as.slice(1), process.execPath, ...argv], { encoding: 'utf8' })
  return { code: r.status, stdout: r.stdout, stderr: r.stderr }
}

/**
 * How to run the CLI as a process that cannot read `file` (mode 000) but can
 * reach the CLI wherever the checkout lies. Not root: as it is. Root (who
 * reads anything): still uid 0, the owner of the checkout and of the file, but
 * without the capabilities that bypass file modes (CAP_DAC_OVERRIDE,
 * CAP_DAC_READ_SEARCH); failing that, as user nobody, which can reach the CLI
 * only when every folder above the checkout lets others in (not under a 0700
 * `mktemp -d`). Each way is probed for both facts; the reasons are returned
 * when none works.
 */
function unprivileged(file: string): { as: string[] | undefined } | { reasons: string[] } {
  const ways: [string, string[] | undefined][] = process.getuid?.() === 0
    ? [
        ['root without CAP_DAC_OVERRIDE/CAP_DAC_READ_SEARCH', ['setpriv', '--bounding-set=-dac_override,-dac_read_search', '--']],
        ['user nobody', ['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups', '--']],
      ]
    : [['this user', undefined]]
  const reasons: string[] = []
  for (const [name, as] of ways) {
    const run = (argv: string[]) => as === undefined ? spawnSync(process.execPath, argv, { encoding: 'utf8' }) : spawnSync(as[0], [...as.slice(1), process.execPath, ...argv], { encoding: 'utf8' })
    const reach = run([BIN, '--version'])
    if (reach.status !== 0) {
      reasons.push(`${name} cannot run the CLI here (exit ${reach.status}: ${(reach.stderr ?? String(reach.error)).trim().split('\n')[0]})`)
      continue
    }
    const read = run(['-e', `try { require('fs').readFileSync(${JSON.stringify(file)}); process.exit(0) } catch { process.exit(7) }`])
    if (read.status !== 7) {
      reasons.push(`${name} can still read a mode 000 file`)
      continue
    }
    return { as }
  }
  return { reasons }
}

function args(cmd: string, file: string): string[] {
  return cmd === 'extract' ? [cmd, file, '--out', join(dir, 'out')] : [cmd, file]
}

/** One line, prefixed, no stack trace. */
function expectOneLine(stderr: string) {
  const lines = stderr.split('\n').filter((l) => l !== '')
  expect(lines, stderr).toHaveLength(1)
  expect(lines[0]).toMatch(/^pybundle: error: /)
  expect(stderr).not.toMatch(/\n\s+at /)
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'pybundle-cli-bad-'))
  seeds = await buildSeeds({ full: true })
  await initMutators()
})
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('pybundle on bad input', () => {
  const cases: [string, () => string, number, RegExp][] = [
    ['a missing file', () => join(dir, 'missing.pyb'), 2, /missing\.pyb/],
    ['a folder', () => (mkdirSync(join(dir, 'folder.pyb'), { recursive: true }), join(dir, 'folder.pyb')), 2, /folder/],
    ['an empty file', () => (writeFileSync(join(dir, 'empty.pyb'), ''), join(dir, 'empty.pyb')), 3, /empty/],
    ['a .pyc', () => {
      const f = join(dir, 'textwrap.pyc')
      execFileSync('python3', ['-c', `import py_compile, textwrap; py_compile.compile(textwrap.__file__, cfile=${JSON.stringify(f)})`])
      return f
    }, 3, /BAD_MAGIC|not a \.pyb/],
    ['a random file', () => {
      const rng = new Rng(6, 0)
      writeFileSync(join(dir, 'random.bin'), Uint8Array.from({ length: 4096 }, () => rng.int(256)))
      return join(dir, 'random.bin')
    }, 3, /BAD_MAGIC|not a \.pyb/],
    ['a bundle cut in half', () => {
      const s = seeds[0].bytes
      writeFileSync(join(dir, 'half.pyb'), s.subarray(0, s.length >> 1))
      return join(dir, 'half.pyb')
    }, 3, /TRUNCATED/],
    ['a bundle for Python 3.15', () => {
      const b = Buffer.from(seeds[1].bytes)
      b[HEADER.at.python_minor] = 15
      b.writeUInt16LE(3700, HEADER.at.python_magic)
      repairChecksums(b)
      writeFileSync(join(dir, 'py315.pyb'), b)
      return join(dir, 'py315.pyb')
    }, 3, /built for Python 3\.15/],
  ]
  for (const [what, make, code, message] of cases) {
    it(`${what}: one line, exit ${code}`, () => {
      const file = make()
      for (const cmd of COMMANDS) {
        const r = cli(args(cmd, file))
        expect({ cmd, code: r.code }).toEqual({ cmd, code })
        expectOneLine(r.stderr)
        expect(r.stderr).toMatch(message)
        expect(r.stdout).toBe('')
      }
    })
  }

  it('an unreadable file: one line, exit 2 (as a process that cannot read it, wherever the checkout lies)', (ctx) => {
    const file = join(dir, 'unreadable.pyb')
    writeFileSync(file, seeds[1].bytes)
    chmodSync(file, 0o000)
    chmodSync(dir, 0o755) // for the "nobody" fallback: the file's folder must be enterable
    const way = unprivileged(file)
    if ('reasons' in way) {
      console.log(`skipped: no way to run the CLI as a process that cannot read a mode 000 file: ${way.reasons.join('; ')}`)
      ctx.skip()
      return
    }
    for (const cmd of COMMANDS) {
      const r = cli(cmd === 'extract' ? [cmd, file, '--out', join(tmpdir(), `pybundle-unreadable-${process.pid}`)] : [cmd, file], { as: way.as })
      expect({ cmd, code: r.code }).toEqual({ cmd, code: 2 })
      expectOneLine(r.stderr)
      expect(r.stderr).toMatch(/permission denied|EACCES|cannot (open|read)/i)
    }
  })

  it('a bundle built for another Python says which one where it matters (extract writes that version\'s pycs)', () => {
    const s = seeds.find((x) => x.minor !== 11)
    if (!s) return
    const file = join(dir, `${s.name}.pyb`)
    writeFileSync(file, s.bytes)
    const ext = cli(['extract', file, '--out', join(dir, 'other')])
    expect(ext.code).toBe(0)
    expect(ext.stdout + ext.stderr).toMatch(new RegExp(`Python 3\\.${s.minor}\\b`))
    const ins = cli(['inspect', file])
    expect(ins.code).toBe(0)
    expect(ins.stdout).toMatch(new RegExp(`3\\.${s.minor}\\b`))
  })
})

describe('the fuzz corpus through the CLI', () => {
  it('mutated bundles: verify/inspect/extract exit 0 or 3 in agreement with the library, one line, never 1', async () => {
    const maps = seeds.map((s) => mapLayout(s.bytes))
    const tally: Record<string, number> = {}
    const problems: string[] = []
    const N = 150
    for (let c = 0; c < N; c++) {
      const rng = new Rng(0x5eed_0006, 100_000 + c)
      const si = rng.int(seeds.length)
      const m = mutate(rng, seeds[si].bytes, maps[si])
      const file = join(dir, `m${c}.pyb`)
      writeFileSync(file, m.bytes)
      let libOk = false
      try {
        const b = openBundleFromBuffer(m.bytes)
        libOk = b.verify().ok
        b.close()
      } catch {
        libOk = false
      }
      for (const cmd of COMMANDS) {
        const ctx = memoryContext()
        const code = await run(['node', 'pybundle', ...args(cmd, file), ...(cmd === 'extract' ? ['--quiet'] : [])], ctx)
        tally[`${cmd}=${code}`] = (tally[`${cmd}=${code}`] ?? 0) + 1
        const where = `case ${c} [${seeds[si].name}] ${m.desc}: ${cmd} -> ${code}: ${ctx.err.trim().slice(0, 300)}`
        if (code !== 0 && code !== 3) problems.push(`exit ${code}: ${where}`)
        if (cmd === 'verify' && code !== (libOk ? 0 : 3)) problems.push(`verify disagrees with the library (ok=${libOk}): ${where}`)
        // extract must not write .pyc files out of a bundle whose checksums or structure fail:
        // a flipped bit in BLOB would otherwise become silently corrupted bytecode on disk.
        if (cmd === 'extract' && code !== (libOk ? 0 : 3)) problems.push(`extract exit ${code} on a bundle the library calls ${libOk ? 'intact' : 'damaged'}: ${where}`)
        if (code !== 0) {
          const lines = ctx.err.split('\n').filter((l) => l !== '' && !l.startsWith('  '))
          if (lines.length < 1 || /\n\s+at /.test(ctx.err)) problems.push(`no error line or a stack trace: ${where}`)
        }
      }
      rmSync(file)
    }
    console.log(`CLI over ${N} mutants: ${Object.entries(tally).map(([k, v]) => `${k}:${v}`).join(' ')}; ${problems.length} problems`)
    const byKind = [...problems.filter((p) => !p.startsWith("extract exit 0")), ...problems.filter((p) => p.startsWith("extract exit 0"))]
    expect(byKind.slice(0, 10), `${problems.length} problems`).toEqual([])
  })
})
