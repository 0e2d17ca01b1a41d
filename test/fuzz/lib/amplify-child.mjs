// @ts-check
/**
 * A small bundle whose constants form a DAG that doubles at every level:
 * t0 = (big, big), t(k+1) = (t(k), t(k)). The file holds depth + 1 records, but
 * a tree walk of it visits 2^depth leaves. Emits with toMarshal/toPyc and prints
 * what happened as one JSON line (run in a child under a time and heap budget).
 */
import { PyBundleError } from '@pybundle/errors'
import { pyInt, pyTuple, readMarshal } from '@pybundle/cpython'
import { writeBundle } from '@pybundle/bundler'
import { openBundleFromBuffer } from '@pybundle/loader'
import { compileWith, interpreters } from './seeds.mjs'

const depth = Number(process.argv[2] ?? 30)
const py = interpreters().find((p) => p.minor === 11) ?? interpreters()[0]
const c = compileWith(py.exe, [{ name: 'm', source: 'x = 1\n', path: 'm.py' }])
const code = /** @type {any} */ (readMarshal(c.modules[0].marshal, { pythonMinor: py.minor }))
let v = pyTuple([pyInt(123456789012n), pyInt(98765432109n)])
for (let i = 0; i < depth; i++) v = pyTuple([v, v])
const bytes = await writeBundle({
  python: { magic: 3495, major: 3, minor: py.minor, marshalVersion: py.minor >= 14 ? 5 : 4 },
  optimize: 0,
  modules: [{ name: 'm', isPackage: false, isNamespace: false, path: 'm.py', code: { ...code, consts: [...code.consts, v] } }],
})
const b = openBundleFromBuffer(bytes)
/** @type {Record<string, unknown>} */
const out = { depth, file: bytes.length, verifyOk: b.verify().ok }
for (const [step, fn] of /** @type {const} */ ([['materialize', () => b.getModule('m')?.code?.materialize()], ['toMarshal', () => b.getModule('m')?.code?.toMarshal()], ['toPyc', () => b.toPyc('m')]])) {
  try {
    const r = fn()
    out[step] = r instanceof Uint8Array ? r.length : 'ok'
  } catch (e) {
    out[step] = e instanceof PyBundleError ? e.code : `FOREIGN ${String(e)}`
  }
}
console.log(JSON.stringify(out))
