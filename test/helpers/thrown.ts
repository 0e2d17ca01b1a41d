import { PyBundleError } from '@pybundle/errors'

/** The PyBundleError fn throws; anything else it throws is rethrown, and not throwing fails the test. */
export function thrown(fn: () => unknown): PyBundleError {
  try {
    fn()
  } catch (e) {
    if (e instanceof PyBundleError) return e
    throw e
  }
  throw new Error('did not throw')
}

/** thrown() for async work. */
export async function thrownAsync(fn: () => Promise<unknown>): Promise<PyBundleError> {
  try {
    await fn()
  } catch (e) {
    if (e instanceof PyBundleError) return e
    throw e
  }
  throw new Error('did not throw')
}
