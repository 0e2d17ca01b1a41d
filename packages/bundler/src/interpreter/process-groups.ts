/**
 * The interpreter processes this process started and that are still running.
 *
 * Each interpreter step is spawned detached, in a process group of its own, so
 * that one kill(-pgid) ends the interpreter and every process it started
 * (a traced program's subprocesses, a pyenv shim's real python). A group in
 * its own right no longer gets the terminal's Ctrl-C, so while any is alive a
 * SIGINT / SIGTERM / SIGHUP handler kills every group, then lets the signal
 * take its course: it re-raises it (the shell sees 130 / 143) unless the
 * program has listeners of its own for it, as replace-file.ts does. On exit
 * (process.exit with groups alive) they are killed too. SIGKILL of pybundle
 * cannot be handled: helpers then die of the broken pipe on their next write.
 */
const groups = new Set<number>()
const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const

/** SIGKILL the whole group; a group already gone is fine. */
export function killGroup(pgid: number): void {
  try {
    process.kill(-pgid, 'SIGKILL')
  } catch {
    // ESRCH: the group has exited already
  }
}

function killAll(): void {
  for (const g of groups) killGroup(g)
  groups.clear()
}

function onSignal(signal: NodeJS.Signals): void {
  killAll()
  uninstall()
  if (process.listenerCount(signal) === 0) process.kill(process.pid, signal)
}

function install(): void {
  for (const s of SIGNALS) if (!process.listeners(s).includes(onSignal)) process.on(s, onSignal)
  if (!process.listeners('exit').includes(killAll)) process.on('exit', killAll)
}

function uninstall(): void {
  for (const s of SIGNALS) process.removeListener(s, onSignal)
  process.removeListener('exit', killAll)
}

/**
 * Called before a spawn: the handlers are in place before the child exists. A
 * signal's JavaScript listener runs from the event loop, never between the
 * spawn and trackGroup (one synchronous block), so no child is missed; with no
 * listener yet, the signal would kill this process at once and leave the child.
 */
export function armSignals(): void {
  install()
}

/** After a spawn that did not start a process: drop the handlers if nothing runs. */
export function disarmIfIdle(): void {
  if (groups.size === 0) uninstall()
}

/** A group started: killed with this process from now on. */
export function trackGroup(pgid: number): void {
  groups.add(pgid)
  install()
}

/** A group's leader exited: kill what it left behind (orphans of the step), stop tracking. */
export function releaseGroup(pgid: number): void {
  if (!groups.delete(pgid)) return
  killGroup(pgid)
  if (groups.size === 0) uninstall()
}
