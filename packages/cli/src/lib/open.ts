/** Opening a bundle for a command, with the checks that make its errors say what to do. */
import { closeSync, openSync, readSync, statSync } from 'node:fs'
import { resolve } from 'node:path'
import { pythonForMagic } from '@pybundle/cpython'
import { PyBundleError, isPyBundleError } from '@pybundle/errors'
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
  // The loader's version errors say which Python the bundle was built for ("built for Python 3.X").
  try {
    return openBundle(abs)
  } catch (e) {
    if (isPyBundleError(e) && e.code === 'BAD_MAGIC') {
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
  const head = new Uint8Array(4)
  let n = 0
  try {
    const fd = openSync(file, 'r')
    try {
      n = readSync(fd, head, 0, 4, 0)
    } finally {
      closeSync(fd)
    }
  } catch {
    return undefined
  }
  if (n < 4 || head[2] !== 0x0d || head[3] !== 0x0a) return undefined
  const magic = head[0] | (head[1] << 8)
  const py = pythonForMagic(magic)
  const what = py ? `a .pyc file of Python ${py.version} (magic ${magic}${py.final ? '' : ', a pre-release'})` : `a .pyc file (magic ${magic}, of a Python other than 3.8-3.14)`
  return `${file} is ${what}, not a .pyb bundle: pack .pyc files and sources into a bundle with \`pybundle build\` (a manifest listing the modules; see pybundle build --help)`
}
