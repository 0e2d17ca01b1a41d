/**
 * Case 5, memory: RSS growth after opening the stdlib bundle and after touching
 * the startup set (fresh child processes, RSS from /proc/self/status), and four
 * processes mapping the same bundle at once: private versus shared bytes of the
 * mapping in each, from /proc/<pid>/smaps.
 */
import { spawn, spawnSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fmtBytes, type CaseResult, type Table } from '../case.js'
import { median } from '../harness.js'
import { BENCH, ROOT, startupImports, type Fixture } from '../fixtures.js'
import { mappingOf, type MappingMem } from '../smaps.js'

const CHILD = join(BENCH, 'src/children/memory-child.ts')
const NODE_ARGS = ['--expose-gc', '--import', 'tsx', CHILD]

interface Rss {
  total: number
  anon: number
  file: number
}
interface RssResult {
  before: Rss
  afterOpen: Rss
  afterTouch: Rss
  mapOpen: MappingMem | null
  mapTouch: MappingMem | null
  bytesTouched: number
}

function rssChild(bundle: string, names: string[]): RssResult {
  const r = spawnSync(process.execPath, [...NODE_ARGS, bundle, 'rss', names.join(',')], { cwd: ROOT, encoding: 'utf8' })
  if (r.status !== 0) throw new Error(`memory child failed: ${r.stderr}`)
  return JSON.parse(r.stdout) as RssResult
}

async function holders(bundle: string, names: string[], n: number): Promise<MappingMem[]> {
  const kids = Array.from({ length: n }, () => spawn(process.execPath, [...NODE_ARGS, bundle, 'hold', names.join(',')], { cwd: ROOT, stdio: ['pipe', 'pipe', 'inherit'] }))
  try {
    await Promise.all(
      kids.map(
        (k) =>
          new Promise<void>((resolve, reject) => {
            let out = ''
            k.stdout.on('data', (d: Buffer) => {
              out += d.toString()
              if (out.includes('ready')) resolve()
            })
            k.on('exit', (code) => reject(new Error(`holder exited early (${code})`)))
          }),
      ),
    )
    return kids.map((k) => {
      const m = mappingOf(readFileSync(`/proc/${k.pid}/smaps`, 'utf8'), bundle)
      if (!m) throw new Error(`no mapping of ${bundle} in /proc/${k.pid}/smaps`)
      return m
    })
  } finally {
    for (const k of kids) k.stdin.end()
    await Promise.all(kids.map((k) => (k.exitCode !== null ? Promise.resolve() : new Promise((r) => k.on('exit', r)))))
  }
}

export async function memoryCase(startup: Fixture, stdlib: Fixture, quick: boolean): Promise<CaseResult> {
  const names = startupImports(startup).filter((n) => stdlib.modules.some((m) => m.name === n))
  const runs = Array.from({ length: quick ? 1 : 5 }, () => rssChild(stdlib.bundle, names))
  const open = median(runs.map((r) => r.afterOpen.total - r.before.total))
  const touch = median(runs.map((r) => r.afterTouch.total - r.before.total))
  const openAnon = median(runs.map((r) => r.afterOpen.anon - r.before.anon))
  const touchAnon = median(runs.map((r) => r.afterTouch.anon - r.before.anon))
  const mapOpen = median(runs.map((r) => r.mapOpen?.rss ?? 0))
  const mapTouch = median(runs.map((r) => r.mapTouch?.rss ?? 0))
  const rssTable: Table = {
    title: `RSS growth in a fresh node process, stdlib bundle (${fmtBytes(stdlib.size)} file), median of ${runs.length} processes`,
    columns: ['step', 'RSS growth', 'bundle pages mapped (smaps Rss)', 'anonymous (RssAnon)'],
    rows: [
      ['openBundle + getModule("os")', fmtBytes(open), fmtBytes(mapOpen), fmtBytes(openAnon)],
      [`+ touch the startup set (${names.length} modules)`, fmtBytes(touch), fmtBytes(mapTouch), fmtBytes(touchAnon)],
    ],
    note: 'RSS = anonymous memory (JS heap, objects the loader creates) + file pages mapped in. The bundle pages are page cache, shared with every process mapping the file; a fault maps the whole page-cache folio it hits, so pybundle build writes in 64 KiB pieces (folios of at most 64 KiB, the kernel\'s fault-around window; one large write made 2 MiB folios and a lookup counted 4 MiB). The rest of the open figure is mmap-io\'s addon, loaded by the first open.',
  }
  const held = await holders(stdlib.bundle, names, 4)
  const shareTable: Table = {
    title: `4 processes, each: openBundle(stdlib) + touch the startup set; the mapping's entry in /proc/<pid>/smaps`,
    columns: ['process', 'mapped', 'Rss', 'Pss', 'Shared_Clean', 'Private_Clean', 'Private_Dirty', 'mappings'],
    rows: held.map((m, i) => [String(i + 1), fmtBytes(m.size), fmtBytes(m.rss), fmtBytes(m.pss), fmtBytes(m.sharedClean), fmtBytes(m.privateClean), fmtBytes(m.privateDirty), m.mappings]),
    note: 'Shared_Clean = pages of the file mapped by more than one process: one copy in the page cache for all four; Private_Dirty would be pages copied on write.',
  }
  const shared = held.every((m) => m.privateDirty === 0 && m.sharedClean >= 0.9 * m.rss && m.rss > 0)
  return {
    id: 'memory',
    title: '5. memory',
    description: 'RSS growth after opening the stdlib bundle and after touching the startup set; private vs shared bytes of the mapping with 4 processes',
    lines: [],
    tables: [rssTable, shareTable],
    targets: [
      { id: 'rss-open', description: 'RSS growth under 2 MB when opening the stdlib bundle', value: fmtBytes(open), met: open < 2 * 1024 * 1024 },
      {
        id: 'shared-pages',
        description: "the mapping's pages shared between processes",
        value: `${fmtBytes(held[0].sharedClean)} shared clean, ${fmtBytes(held[0].privateClean + held[0].privateDirty)} private per process (Pss ${fmtBytes(held[0].pss)})`,
        met: shared,
      },
    ],
    notes: [],
    data: { rss: runs, holders: held, startupSet: names },
  }
}
