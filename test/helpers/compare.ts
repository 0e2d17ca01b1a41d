/**
 * Differential check in a real interpreter: does CPython load `candidate` to
 * exactly the object it loads `original` to?
 *
 *   const r = await compareInInterpreter(interp, [{ name, original, candidate }])
 *   // r = { matched, mismatchCount, mismatches: [{ name, where: 'co_consts[3].co_consts[1]', detail }] }
 *
 * ONE interpreter process per call; the pairs go through a temp file (a
 * container, see container.ts). Python compares field by field (py/compare.py):
 * exact types, float bits, every co_* attribute, frozensets as sets, and finally
 * the canonical marshal.dumps(x, 2). At most 200 mismatches are listed; the
 * count covers all.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { encodeRecords } from './container.js'
import type { Interpreter } from './pythons.js'
import { runPython } from './run-python.js'

export interface ComparePair {
  name: string
  original: Uint8Array
  candidate: Uint8Array
}

export interface CompareMismatch {
  name: string
  /** Path in the loaded object: '<root>', 'co_consts[2].co_name', '<load candidate>', '<marshal v2 dump>'. */
  where: string
  detail: string
}

export interface CompareResult {
  matched: number
  mismatchCount: number
  mismatches: CompareMismatch[]
}

export async function compareInInterpreter(interp: Interpreter, pairs: ComparePair[]): Promise<CompareResult> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pybundle-compare-'))
  const file = path.join(dir, 'pairs.bin')
  try {
    fs.writeFileSync(file, encodeRecords(pairs.map((p) => [p.name, p.original, p.candidate])))
    const out = await runPython(interp.executable, 'compare.py', [file])
    return JSON.parse(out) as CompareResult
  } finally {
    fs.rmSync(dir, { recursive: true, force: true })
  }
}

/**
 * marshal.loads each blob in the interpreter (one process); per name 'ok' or
 * 'ExceptionType: message'. For checking that CPython rejects what we reject.
 */
export async function tryLoadsInInterpreter(interp: Interpreter, blobs: { name: string; bytes: Uint8Array }[]): Promise<Record<string, string>> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pybundle-loads-'))
  const file = path.join(dir, 'blobs.bin')
  try {
    fs.writeFileSync(file, encodeRecords(blobs.map((b) => [b.name, b.bytes])))
    return JSON.parse(await runPython(interp.executable, 'try_loads.py', [file])) as Record<string, string>
  } finally {
    fs.rmSync(dir, { recursive: true, force: true })
  }
}
