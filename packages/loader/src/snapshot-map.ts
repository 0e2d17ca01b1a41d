/**
 * A bundle's memory snapshot file under Node (snapshot-file.ts reads the bytes;
 * this maps them): kept apart so that snapshot-file.ts imports no Node built-in.
 */
import { readFileSync, statSync } from 'node:fs'
import { PyBundleError } from '@pybundle/errors'
import { mapFile } from './mapping.js'
import { SNAPSHOT_HEADER_SIZE } from './snapshot-file.js'

/**
 * A snapshot file mapped copy-on-write (Node; mmap through @pybundle/mmap-io):
 * its pages are read from the page cache when touched, not copied into a buffer
 * first, and a write (the Pyodide loader spoils a snapshot that failed its check
 * so Pyodide refuses it) changes only this process's page. Falls back to reading
 * the file where the addon is missing (NO_MMAP).
 */
export function mapSnapshotFile(path: string): Uint8Array {
  // A file too short for the header: readSnapshotHead says so (mapFile would call it a bad .pyb).
  if (statSync(path).size < SNAPSHOT_HEADER_SIZE) return readFileSync(path)
  try {
    return mapFile(path, true)
  } catch (e) {
    if (e instanceof PyBundleError && e.code === 'NO_MMAP') return readFileSync(path)
    throw e
  }
}

