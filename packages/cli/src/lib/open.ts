/** Opening a bundle for a command, with the checks that make its errors say what to do. */
import { statSync } from 'node:fs'
import { resolve } from 'node:path'
import { PyBundleError } from '@pybundle/errors'
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
  return openBundle(abs)
}
