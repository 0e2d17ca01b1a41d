/** Opening a bundle for a command, with the checks that make its errors say what to do. */
import { closeSync, openSync, readFileSync, readSync, statSync } from 'node:fs'
import { resolve } from 'node:path'
import { pythonForMagic } from '@pybundle/cpython'
import { PyBundleError, isPyBundleError } from '@pybundle/errors'
import { WIRE_MAGIC } from '@pybundle/format-spec'
import { decodeWire, isWire, openBundle, openBundleFromBuffer, type Bundle } from '@pybundle/loader'

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
  // The loader's version errors say which Python the bundle was built for ("built for Python 3.X").
  try {
    return openBundle(abs)
  } catch (e) {
    if (isPyBundleError(e) && e.code === 'BAD_MAGIC') {
      // §18: a wire file is decoded into memory and read from there (bundle.file is then undefined).
      if (isWire(head(abs, WIRE_MAGIC.length))) return openBundleFromBuffer(decodeWire(new Uint8Array(readFileSync(abs))))
      const pyc = pycMagic(abs)
      if (pyc !== undefined) throw new PyBundleError('BAD_MAGIC', pyc, { file: abs, offset: 0, cause: e })
    }
    throw e
  }
}

/**
 * When `file` starts like a .pyc (a u16 magic number then \r\n), say so, with the
 * Python that writes that magic: "a .pyc of Python 3.12 (magic 3531)".
 */
function pycMagic(file: string): string | undefined {
  const h = head(file, 4)
  if (h.length < 4 || h[2] !== 0x0d || h[3] !== 0x0a) return undefined
  const magic = h[0] | (h[1] << 8)
  const py = pythonForMagic(magic)
  const what = py ? `a .pyc file of Python ${py.version} (magic ${magic}${py.final ? '' : ', a pre-release'})` : `a .pyc file (magic ${magic}, of a Python other than 3.8-3.14)`
  return `${file} is ${what}, not a .pyb bundle: pack .pyc files and sources into a bundle with \`pybundle build\` (a manifest listing the modules; see pybundle build --help)`
}

/** The first `n` bytes of `file` (fewer if it is shorter or cannot be read). */
function head(file: string, n: number): Uint8Array {
  const buf = new Uint8Array(n)
  try {
    const fd = openSync(file, 'r')
    try {
      return buf.subarray(0, readSync(fd, buf, 0, n, 0))
    } finally {
      closeSync(fd)
    }
  } catch {
    return buf.subarray(0, 0)
  }
}
