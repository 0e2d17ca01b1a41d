/**
 * The Pyodide snapshot file beside a bundle (SPEC.md §17): round trip, and every
 * check of readSnapshotFile with its code and byte offset. Pyodide itself is not
 * needed: the snapshot bytes are opaque here (test/pyodide/snapshot.test.ts makes real ones).
 */
import { describe, expect, it } from 'vitest'
import { PyBundleError } from '@pybundle/errors'
import { encodeSnapshotFile, readSnapshotFile } from '@pybundle/loader'
import type { SnapshotInfo } from '@pybundle/loader'

const INFO: SnapshotInfo = {
  pyodideVersion: '314.0.7', pyodideBuildId: 'ab'.repeat(32), wasmSha256: 'cd'.repeat(32),
  bundle: { size: 1234, headerChecksum: '0123456789abcdef' }, imports: ['json'], failed: [{ name: 'nope', error: 'ModuleNotFoundError' }],
  modules: ['json', 'sys'], options: { mountPoint: '/pybundle', stdlibRoot: '/lib/python314.zip', root: '/home/pyodide', roots: {} },
}
const SNAP = Uint8Array.from({ length: 1000 }, (_, i) => (i * 7 + 3) & 0xff)

function problem(bytes: Uint8Array): PyBundleError {
  try {
    readSnapshotFile(bytes)
  } catch (e) {
    expect(e).toBeInstanceOf(PyBundleError)
    return e as PyBundleError
  }
  throw new Error('expected an error')
}

describe('snapshot file', () => {
  it('round-trips; the snapshot sits at a 64-byte boundary and ends the file', () => {
    const file = encodeSnapshotFile(INFO, SNAP)
    const r = readSnapshotFile(file)
    expect(r.info).toEqual(INFO)
    expect([...r.snapshot]).toEqual([...SNAP])
    expect(r.snapshot.byteOffset % 64).toBe(0)
    expect(r.snapshot.byteOffset + r.snapshot.length).toBe(file.length)
    expect(r.formatVersion).toBe('1.0')
    // The description is deterministic: same input, same bytes.
    expect(encodeSnapshotFile(INFO, SNAP)).toEqual(file)
  })

  it('rejects each kind of damage with its code and the offset of what is wrong', () => {
    const file = encodeSnapshotFile(INFO, SNAP)
    const at = readSnapshotFile(file).snapshot.byteOffset
    expect(problem(file.subarray(0, 10))).toMatchObject({ code: 'TRUNCATED' })
    const magic = file.slice(); magic[0] ^= 1
    expect(problem(magic)).toMatchObject({ code: 'BAD_MAGIC', offset: 0 })
    const major = file.slice(); major[8] = 2
    expect(problem(major)).toMatchObject({ code: 'UNSUPPORTED_VERSION', offset: 8 })
    const head = file.slice(); head[20] ^= 1
    expect(problem(head)).toMatchObject({ code: 'CHECKSUM_MISMATCH', offset: 56 })
    expect(problem(file.subarray(0, file.length - 1))).toMatchObject({ code: 'TRUNCATED', offset: 48 })
    const info = file.slice(); info[70] ^= 1
    expect(problem(info)).toMatchObject({ code: 'CHECKSUM_MISMATCH', offset: 64 })
    const body = file.slice(); body[at + 500] ^= 0x80
    const e = problem(body)
    expect(e).toMatchObject({ code: 'CHECKSUM_MISMATCH', offset: at })
    expect(e.message).toMatch(/damaged, rebuild it/)
  })
})
