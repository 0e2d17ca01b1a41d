/** Small byte helpers shared by the writer's planners. */
import { fail } from '@pybundle/errors'

export function alignUp(n: number, align: number): number {
  const r = n % align
  return r === 0 ? n : n + (align - r)
}

export const utf8 = new TextEncoder()

/** Byte-wise comparison (memcmp order), the order MODS is sorted in (§5). */
export function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length)
  for (let i = 0; i < n; i++) {
    if (a[i] !== b[i]) return a[i] - b[i]
  }
  return a.length - b.length
}

export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false
  return true
}

/** u32 fields hold offsets and counts: anything that does not fit is a documented limit (§11). */
export function checkU32(value: number, what: string): number {
  if (!(value >= 0 && value <= 0xffffffff)) {
    fail('LIMIT_EXCEEDED', `${what} (${value}) exceeds the u32 field limit (4294967295) .pyb v1 stores it in`, undefined, { limit: 'U32', max: 0xffffffff, value, what })
  }
  return value
}
