/** Shared by the fault tests: run the built CLI, find a process's descendants, wait for files. */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { readFileSync, readdirSync } from 'node:fs'
import { resolve } from 'node:path'

export const BIN = resolve('packages/cli/bin/pybundle.js')

export function pybundle(args: string[], cwd: string) {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd, encoding: 'utf8' })
  return { code: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr }
}

export function startBuild(args: string[], cwd: string): ChildProcess {
  return spawn(process.execPath, [BIN, 'build', ...args], { cwd, stdio: ['ignore', 'ignore', 'pipe'] })
}

/** Every live descendant of pid (walks /proc's ppid links). */
export function descendants(pid: number): number[] {
  const parent = new Map<number, number>()
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue
    try {
      const stat = readFileSync(`/proc/${d}/stat`, 'utf8')
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1])
      parent.set(Number(d), ppid)
    } catch {
      // exited meanwhile
    }
  }
  const out: number[] = []
  const walk = (p: number) => {
    for (const [c, pp] of parent) {
      if (pp !== p) continue
      out.push(c)
      walk(c)
    }
  }
  walk(pid)
  return out
}

export function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z'
  } catch {
    return false
  }
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))
