/**
 * What pybundle keeps of an interpreter's stdout or stderr: at most `limit`
 * bytes, the first half and the last half of what arrived, so memory stays
 * bounded whatever the process prints, while everything is still read (a
 * process blocked on a full pipe would never exit). The head holds what a
 * command prints first (`pyenv: python3.13: command not found`), the tail a
 * traceback's last lines or a helper's final report. With `headOnly`, only
 * the first `limit` bytes are kept: a truncated answer, never a spliced one.
 */
export class CappedOutput {
  private readonly head: Buffer[] = []
  private headBytes = 0
  private tail: Buffer[] = []
  private tailBytes = 0
  /** Bytes read but not kept (between head and tail). */
  dropped = 0
  /** Every byte read. */
  total = 0

  constructor(readonly limit: number, readonly headOnly = false) {}

  push(chunk: Buffer): void {
    this.total += chunk.length
    const half = this.headOnly ? this.limit : Math.floor(this.limit / 2)
    if (this.headBytes < half) {
      const take = Math.min(half - this.headBytes, chunk.length)
      // Copies: Node may reuse a chunk's memory.
      this.head.push(Buffer.from(chunk.subarray(0, take)))
      this.headBytes += take
      chunk = chunk.subarray(take)
      if (chunk.length === 0) return
    }
    const room = this.limit - half
    this.tail.push(Buffer.from(chunk.subarray(Math.max(0, chunk.length - room))))
    this.dropped += Math.max(0, chunk.length - room)
    this.tailBytes += Math.min(chunk.length, room)
    while (this.tailBytes > room) {
      const over = this.tailBytes - room
      const first = this.tail[0]
      if (first.length <= over) {
        this.tail.shift()
        this.tailBytes -= first.length
        this.dropped += first.length
      } else {
        this.tail[0] = first.subarray(over)
        this.tailBytes -= over
        this.dropped += over
      }
    }
  }

  /** Everything, when nothing was dropped. */
  get complete(): boolean {
    return this.dropped === 0
  }

  /** The kept bytes; where bytes were dropped, `marker(dropped)` sits between head and tail. */
  bytes(marker?: (dropped: number) => string): Buffer {
    const parts = [...this.head]
    if (this.dropped && marker) parts.push(Buffer.from(marker(this.dropped)))
    parts.push(...this.tail)
    return Buffer.concat(parts)
  }
}
