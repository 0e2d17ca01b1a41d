/**
 * openBundle: a .pyb file mapped read-only (Node only: mmap through
 * @pybundle/mmap-io). Kept apart from bundle.ts so the browser entry
 * (browser.ts) reaches no Node built-in.
 */
import { PyBundleError } from '@pybundle/errors'
import { badArgument, opened, optionsArgument, stringArgument, type Bundle, type OpenOptions } from './bundle.js'
import { mapFileCached } from './mapping-cache.js'
import { Mem } from './mem.js'

/**
 * Map a .pyb file read-only and check its header and section table. Reopening a
 * file that has not changed (same device, inode, size and times) reuses its live
 * mapping (see mapping-cache.ts); a file replaced by rename is mapped anew.
 */
export function openBundle(path: string, options: OpenOptions = {}): Bundle {
  stringArgument(path, 'openBundle', 'path')
  if (path.length === 0) badArgument('openBundle(): path is empty; give the path of a .pyb file')
  if (path.includes('\0')) badArgument('openBundle(): path holds a NUL character; give the path of a .pyb file')
  optionsArgument(options, 'openBundle')
  const bytes = mapFileCached(path)
  try {
    return opened(new Mem(bytes), path, options)
  } catch (e) {
    if (e instanceof PyBundleError && e.file === undefined) {
      throw new PyBundleError(e.code, e.message, { offset: e.offset, file: path, details: e.details, cause: e.cause })
    }
    throw e
  }
}

