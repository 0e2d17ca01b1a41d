import type { PyStr } from '@pybundle/cpython'

/** Display text of a Python str. */
export function pyStrText(s: PyStr): string {
  return s.text
}
