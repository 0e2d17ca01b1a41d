/**
 * Issue 6 §3: limits are written in SPEC.md and enforced with errors that name
 * the limit. "Name the limit" = the LIMITS key appears in the message or in
 * `details.limit`, so a user can look it up in SPEC.md §11.4.
 */
import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { PyBundleError } from '@pybundle/errors'
import { thrown, thrownAsync } from '../helpers/thrown.js'
import { HEADER, LIMITS } from '@pybundle/format-spec'
import { openBundleFromBuffer } from '@pybundle/loader'
import { readMarshal, pyInt, pyTuple } from '@pybundle/cpython'
import { writeBundle } from '@pybundle/bundler'
// @ts-expect-error plain ESM harness
import { buildSeeds, compileWith, interpreters } from './lib/seeds.mjs'
// @ts-expect-error plain ESM harness
import { initMutators, repairChecksums } from './lib/mutate.mjs'

function expectNamesLimit(e: PyBundleError, name: keyof typeof LIMITS | 'MARSHAL_MAX_DEPTH') {
  expect(e.code).toBe('LIMIT_EXCEEDED')
  const named = e.message.includes(name) || e.details?.limit === name
  expect(named, `${e.describe().slice(0, 200)} (details keys: ${Object.keys(e.details ?? {}).join(",")}) does not name ${name}`).toBe(true)
}

let seed: Uint8Array
beforeAll(async () => {
  await initMutators()
  seed = (await buildSeeds({ full: false }))[1].bytes
})

describe('limits', () => {
  it('SPEC.md §11.4 lists every LIMITS constant with its value', () => {
    const spec = readFileSync(resolve('packages/format-spec/SPEC.md'), 'utf8')
    for (const [k, v] of Object.entries(LIMITS)) expect(spec).toMatch(new RegExp(`\\|\\s*\`${k}\`\\s*\\|\\s*${v}\\s*\\|`))
  })

  it('MAX_SECTIONS at open', () => {
    const b = Buffer.from(seed)
    b.writeUInt16LE(LIMITS.MAX_SECTIONS + 1, HEADER.at.section_count)
    repairChecksums(b)
    expectNamesLimit(thrown(() => openBundleFromBuffer(b)), 'MAX_SECTIONS')
  })

  it('MAX_DEPTH in the writer (constants nested past the limit)', async () => {
    const py = interpreters().find((p: { minor: number }) => p.minor === 11) ?? interpreters()[0]
    const c = compileWith(py.exe, [{ name: 'm', source: 'x = 1\n', path: 'm.py' }])
    const code = readMarshal(c.modules[0].marshal, { pythonMinor: py.minor }) as any
    let v = pyTuple([pyInt(1)])
    for (let i = 0; i < LIMITS.MAX_DEPTH + 10; i++) v = pyTuple([v])
    const e = await thrownAsync(() => writeBundle({
      python: { magic: 3495, major: 3, minor: py.minor, marshalVersion: 4 }, optimize: 0,
      modules: [{ name: 'm', isPackage: false, isNamespace: false, path: 'm.py', code: { ...code, consts: [...code.consts, v] } }],
    }))
    expectNamesLimit(e, 'MAX_DEPTH')
  })

  it('MAX_NAME_BYTES in the writer', async () => {
    const e = await thrownAsync(() => writeBundle({
      python: { magic: 3495, major: 3, minor: 11, marshalVersion: 4 }, optimize: 0,
      modules: [{ name: 'x'.repeat(LIMITS.MAX_NAME_BYTES + 1), isPackage: true, isNamespace: true, path: '', code: null }],
    }))
    expectNamesLimit(e, 'MAX_NAME_BYTES')
  })

  it('MAX_PATH_BYTES and MAX_DATA_FILE_SIZE in the writer, MAX_PATH_BYTES in the reader (§15)', async () => {
    const python = { magic: 3495, major: 3, minor: 11, marshalVersion: 4 }
    const code = readMarshal(compileWith(interpreters().find((p: { minor: number }) => p.minor === 11)?.exe ?? '/usr/bin/python3', [{ name: 'pkg', source: '', path: 'pkg/__init__.py' }]).modules[0].marshal, { pythonMinor: 11 })
    const input = (path: string, size = 1) => ({
      python, optimize: 0 as const,
      modules: [{ name: 'pkg', isPackage: true, isNamespace: false, path: 'pkg/__init__.py', code: code as never }],
      data: [{ package: 'pkg', path, bytes: new Uint8Array(size) }],
    })
    expectNamesLimit(await thrownAsync(() => writeBundle(input('d/'.repeat(LIMITS.MAX_PATH_BYTES / 2) + 'x'))), 'MAX_PATH_BYTES')
    expectNamesLimit(await thrownAsync(() => writeBundle(input('big', LIMITS.MAX_DATA_FILE_SIZE + 1))), 'MAX_DATA_FILE_SIZE')
    // reader: a FILE entry whose path_length is forged past the limit (checksums repaired)
    const bytes = await writeBundle(input('templates/a.txt'))
    const dv = new DataView(bytes.buffer, bytes.byteOffset)
    let fileAt = -1
    for (let i = 0; i < dv.getUint16(HEADER.at.section_count, true); i++) {
      const e = HEADER.size + i * 32
      if (dv.getUint32(e, true) === 0x454c4946) fileAt = Number(dv.getBigUint64(e + 8, true)) // 'FILE'
    }
    dv.setUint32(fileAt + 4, LIMITS.MAX_PATH_BYTES + 1, true)
    repairChecksums(bytes)
    expectNamesLimit(thrown(() => openBundleFromBuffer(bytes).dataFiles('pkg')), 'MAX_PATH_BYTES')
  })

  it('marshal nesting (MARSHAL_MAX_DEPTH = 2000) in the marshal reader', () => {
    const n = 2001
    const bytes = new Uint8Array(2 * n + 1)
    for (let i = 0; i < n; i++) bytes.set([0x29, 1], 2 * i)
    bytes[2 * n] = 0x4e
    expectNamesLimit(thrown(() => readMarshal(bytes, { pythonMinor: 11 })), 'MARSHAL_MAX_DEPTH')
  })
})
