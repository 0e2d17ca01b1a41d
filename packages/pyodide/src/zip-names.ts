/**
 * Entry names of a zip archive, read from its central directory (PKWARE APPNOTE
 * 4.3.12 / 4.3.16): enough for the boot module to tell whether a name it missed
 * in the bundle exists in Pyodide's stdlib zip without opening it in Python.
 */
import { fail } from '@pybundle/errors'

const EOCD_SIG = 0x06054b50
const CDH_SIG = 0x02014b50
const EOCD_SIZE = 22

/** A zip with no entries: its end-of-central-directory record alone (a page's stdlibZip: 'empty', and the snapshot made for one). */
export const EMPTY_ZIP: Uint8Array = new Uint8Array(EOCD_SIZE)
new DataView(EMPTY_ZIP.buffer).setUint32(0, EOCD_SIG, true)

export function zipEntryNames(zip: Uint8Array): string[] {
  const dv = new DataView(zip.buffer, zip.byteOffset, zip.byteLength)
  // The end record is the last 22 bytes plus a comment of up to 65535 bytes.
  let eocd = -1
  for (let i = zip.length - EOCD_SIZE; i >= Math.max(0, zip.length - EOCD_SIZE - 0xffff); i--) {
    if (dv.getUint32(i, true) === EOCD_SIG) {
      eocd = i
      break
    }
  }
  if (eocd < 0) fail('BAD_MAGIC', 'not a zip archive: no end of central directory record')
  const count = dv.getUint16(eocd + 10, true)
  let pos = dv.getUint32(eocd + 16, true)
  const decoder = new TextDecoder()
  const names: string[] = []
  for (let i = 0; i < count; i++) {
    if (pos + 46 > zip.length || dv.getUint32(pos, true) !== CDH_SIG) fail('MALFORMED', 'bad zip central directory entry', pos)
    const nameLen = dv.getUint16(pos + 28, true)
    const extraLen = dv.getUint16(pos + 30, true)
    const commentLen = dv.getUint16(pos + 32, true)
    if (pos + 46 + nameLen > zip.length) fail('TRUNCATED', 'zip entry name runs past the end', pos)
    names.push(decoder.decode(zip.subarray(pos + 46, pos + 46 + nameLen)))
    pos += 46 + nameLen + extraLen + commentLen
  }
  return names
}
