/** Opening a bundle for a command, with the checks that make its errors say what to do. */
import { closeSync, openSync, readSync, statSync } from 'node:fs'
import { resolve } from 'node:path'
import { PyBundleError, isPyBundleError } from '@pybundle/errors'
import { FILE_MAGIC, HEADER } from '@pybundle/format-spec'
import { openBundle, type Bundle } from '@pybundle/loader'

export function openForCommand(file: string): Bundle {
  const abs = resolve(file)
  let st
  try {
    st = statSync(abs)
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code
    throw new PyBundleError('IO', `cannot open ${abs}: ${code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : (e as Error).message}; give the path of a .pyb file`, { file: abs, cause: e })
  }
  if (st.isDirectory()) throw new PyBundleError('IO', `${abs} is a folder, not a bundle: give the path of a .pyb file`, { file: abs })
  if (!st.isFile()) throw new PyBundleError('IO', `${abs} is not a regular file: give the path of a .pyb file`, { file: abs })
  if (st.size === 0) throw new PyBundleError('TRUNCATED', `${abs} is empty, not a bundle`, { file: abs, offset: 0 })
  try {
    return openBundle(abs)
  } catch (e) {
    throw withBuiltFor(e, abs)
  }
}

/** The header's Python fields, read raw (no checks beyond the file magic); null when the file is too short or not a .pyb. */
export function headerPython(abs: string): { major: number; minor: number; magic: number; marshalVersion: number } | null {
  let fd: number | undefined
  try {
    fd = openSync(abs, 'r')
    const b = Buffer.alloc(HEADER.size)
    if (readSync(fd, b, 0, b.length, 0) < HEADER.at.marshal_version + 1) return null
    if (!FILE_MAGIC.every((v, i) => b[i] === v)) return null
    return {
      magic: b.readUInt16LE(HEADER.at.python_magic),
      major: b[HEADER.at.python_major],
      minor: b[HEADER.at.python_minor],
      marshalVersion: b[HEADER.at.marshal_version],
    }
  } catch {
    return null
  } finally {
    if (fd !== undefined) closeSync(fd)
  }
}

/**
 * A version problem (unknown Python, magic or marshal version) says which
 * Python the bundle was built for: "built for Python 3.15 (magic 3700)".
 */
function withBuiltFor(e: unknown, abs: string): unknown {
  if (!isPyBundleError(e) || /built for Python/.test(e.message)) return e
  const first = HEADER.at.python_magic
  const last = HEADER.at.marshal_version
  const atPythonField = e.offset !== undefined && e.offset >= first && e.offset <= last
  const versionProblem = e.code === 'UNSUPPORTED_VERSION' && /python|magic|marshal/i.test(e.message)
  if (!atPythonField && !versionProblem) return e
  const h = headerPython(abs)
  if (h === null) return e
  return new PyBundleError(e.code, `this bundle was built for Python ${h.major}.${h.minor} (magic ${h.magic}, marshal ${h.marshalVersion}): ${e.message}`, {
    offset: e.offset,
    file: e.file ?? abs,
    details: { ...e.details, python: `${h.major}.${h.minor}`, magic: h.magic, marshalVersion: h.marshalVersion },
    cause: e,
  })
}
