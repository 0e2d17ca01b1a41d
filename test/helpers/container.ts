/**
 * The length-prefixed container the test helpers use to pass bytes to and from
 * Python (see py/container.py): b'PBTC', u32 record count, then per record a
 * u32 field count and per field u32 length + bytes, little-endian.
 */
const MAGIC = [0x50, 0x42, 0x54, 0x43] // 'PBTC'

export function encodeRecords(records: (Uint8Array | string)[][]): Uint8Array {
  const enc = new TextEncoder()
  const fields = records.map((r) => r.map((f) => (typeof f === 'string' ? enc.encode(f) : f)))
  let size = 8
  for (const r of fields) {
    size += 4
    for (const f of r) size += 4 + f.length
  }
  const out = new Uint8Array(size)
  const dv = new DataView(out.buffer)
  out.set(MAGIC, 0)
  dv.setUint32(4, fields.length, true)
  let pos = 8
  for (const r of fields) {
    dv.setUint32(pos, r.length, true)
    pos += 4
    for (const f of r) {
      dv.setUint32(pos, f.length, true)
      out.set(f, pos + 4)
      pos += 4 + f.length
    }
  }
  return out
}

/** Fields are views into `bytes` (no copies). */
export function decodeRecords(bytes: Uint8Array): Uint8Array[][] {
  if (MAGIC.some((b, i) => bytes[i] !== b)) throw new Error('not a PBTC container')
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  const count = dv.getUint32(4, true)
  let pos = 8
  const out: Uint8Array[][] = []
  for (let i = 0; i < count; i++) {
    const nf = dv.getUint32(pos, true)
    pos += 4
    const fields: Uint8Array[] = []
    for (let j = 0; j < nf; j++) {
      const n = dv.getUint32(pos, true)
      fields.push(bytes.subarray(pos + 4, pos + 4 + n))
      pos += 4 + n
    }
    out.push(fields)
  }
  return out
}
