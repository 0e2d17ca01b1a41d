/**
 * Build progress on stderr. Two forms:
 * - a bar redrawn in place, only when stderr is a terminal (never in pipes,
 *   logs or --json runs unless asked);
 * - with `--progress`, plain lines a log or a supervising program can read:
 *   `progress: <phase>` when a phase starts and `progress: compile <done>/<total>`
 *   at most once per 5% of the modules. The line form is stable (tests and
 *   scripts key on it) and is printed whatever the terminal, --quiet or --json.
 */
import type { BuildProgress } from '@pybundle/bundler'
import type { CliContext } from './context.js'

const LABEL: Record<BuildProgress['phase'], string> = {
  resolve: 'resolving modules',
  compile: 'compiling',
  convert: 'reading code objects',
  write: 'writing the bundle',
  snapshot: 'making the Pyodide memory snapshot',
}

export type ProgressMode = 'bar' | 'lines' | 'off'

export class ProgressBar {
  private last = ''
  private lastDraw = 0
  private lastPhase: BuildProgress['phase'] | null = null
  private lastStep = -1
  constructor(private readonly ctx: CliContext, private readonly mode: ProgressMode = ctx.isTTY ? 'bar' : 'off') {}

  update(p: BuildProgress): void {
    if (this.mode === 'lines') return this.line(p)
    if (this.mode !== 'bar') return
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

  private line(p: BuildProgress): void {
    if (p.phase !== this.lastPhase) {
      this.lastPhase = p.phase
      this.lastStep = -1
      if (p.phase !== 'compile') this.ctx.stderr(`progress: ${p.phase}\n`)
    }
    if (p.phase !== 'compile' || p.done === undefined || p.total === undefined) return
    // One line per 5% step (the first and the last always), so a stdlib build prints ~21 lines.
    const step = p.total === 0 ? 20 : Math.floor((20 * p.done) / p.total)
    if (step === this.lastStep && p.done !== p.total && p.done !== 1) return
    this.lastStep = step
    this.ctx.stderr(`progress: compile ${p.done}/${p.total}\n`)
  }

  private draw(line: string): void {
    this.ctx.stderr(`\r${line.slice(0, this.ctx.columns - 1).padEnd(Math.min(this.last.length, this.ctx.columns - 1))}`)
    this.last = line
  }

  done(): void {
    if (this.mode === 'bar' && this.last) this.ctx.stderr(`\r${' '.repeat(Math.min(this.last.length, this.ctx.columns - 1))}\r`)
    this.last = ''
  }
}
