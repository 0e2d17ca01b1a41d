/** A progress bar on stderr, drawn only when stderr is a terminal (never in pipes, logs or --json runs). */
import type { BuildProgress } from '@pybundle/bundler'
import type { CliContext } from './context.js'

const LABEL: Record<BuildProgress['phase'], string> = {
  resolve: 'resolving modules',
  compile: 'compiling',
  convert: 'reading code objects',
  write: 'writing the bundle',
}

export class ProgressBar {
  private last = ''
  private lastDraw = 0
  constructor(private readonly ctx: CliContext) {}

  update(p: BuildProgress): void {
    if (!this.ctx.isTTY) return
    const now = Date.now()
    const final = p.total !== undefined && p.done === p.total
    if (p.phase === 'compile' && !final && now - this.lastDraw < 80 && this.last.startsWith('compiling')) return
    this.lastDraw = now
    let line = LABEL[p.phase]
    if (p.total !== undefined && p.done !== undefined && p.total > 0 && p.phase === 'compile') {
      const width = Math.max(10, Math.min(40, this.ctx.columns - 40))
      const filled = Math.round((width * p.done) / p.total)
      line += ` [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${p.done}/${p.total}`
    }
    this.draw(line)
  }

  private draw(line: string): void {
    this.ctx.stderr(`\r${line.slice(0, this.ctx.columns - 1).padEnd(Math.min(this.last.length, this.ctx.columns - 1))}`)
    this.last = line
  }

  done(): void {
    if (this.ctx.isTTY && this.last) this.ctx.stderr(`\r${' '.repeat(Math.min(this.last.length, this.ctx.columns - 1))}\r`)
    this.last = ''
  }
}
