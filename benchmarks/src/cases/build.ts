/**
 * Case 6, build: the stdlib bundle built by `pybundle build examples/stdlib.toml`,
 * cold (the first build of this run; on a fresh clone the fixture's own build)
 * and warm (the same build repeated at once: OS caches warm); the bundle's size
 * against the sum of CPython's .pyc files of the same modules; how much the
 * file-wide string and constant tables share.
 */
import { join } from 'node:path'
import { rmSync } from 'node:fs'
import { fmtBytes, type CaseResult, type Table } from '../case.js'
import { cliBuild, WORK, type Fixture } from '../fixtures.js'

interface Summary {
  modules?: number
  codeObjects?: number
  size?: number
  pycBytes?: number
  timings?: Record<string, number>
  sections?: Record<string, number>
  strings?: { entries: number; records: number; redirects: number }
  consts?: { entries: number; records: number; redirects: number }
  blobs?: { references: number; distinct: number }
  sharing?: { strings: { bytes: number; perModuleBytes: number }; consts: { bytes: number; perModuleBytes: number }; blobs: { bytes: number; perModuleBytes: number }; savedBytes: number }
}

const s1 = (ms: number): string => `${(ms / 1000).toFixed(1)} s`
const pct = (a: number, b: number): string => `${((100 * a) / b).toFixed(1)}%`

export async function buildCase(stdlib: Fixture, quick: boolean): Promise<CaseResult> {
  const out = join(WORK, 'tmp', 'stdlib-build.pyb')
  const builds: { label: string; ms: number; summary: Summary }[] = []
  if (stdlib.buildMs !== undefined) builds.push({ label: 'cold: first build of this run (the fixture)', ms: stdlib.buildMs, summary: stdlib.summary as Summary })
  else if (!quick) {
    const b = cliBuild(stdlib.manifest, out)
    builds.push({ label: 'first build of this run', ms: b.ms, summary: b.summary as Summary })
  }
  const w = cliBuild(stdlib.manifest, out)
  builds.push({ label: 'warm: the same build repeated', ms: w.ms, summary: w.summary as Summary })
  rmSync(out, { force: true })
  const s = (stdlib.summary as Summary) ?? {}
  const timing: Table = {
    title: 'build time (wall clock of `pybundle build examples/stdlib.toml`, 2 cores)',
    columns: ['build', 'wall', 'resolve', 'compile', 'convert', 'write'],
    rows: builds.map((b) => [b.label, s1(b.ms), ...['resolve', 'compile', 'convert', 'write'].map((k) => (b.summary?.timings?.[k] !== undefined ? s1(b.summary.timings[k]) : '?'))]),
    note: 'The CLI keeps no build cache: warm differs from cold only by what the OS and python3 have cached. Phases are the CLI\'s own timings (--json).',
  }
  const size: Table = {
    title: `size: ${stdlib.modules.length} modules`,
    columns: ['what', 'bytes', 'vs .pyc sum'],
    rows: [
      ['.pyb bundle', stdlib.size.toLocaleString('en-US'), (stdlib.size / stdlib.pycBytes).toFixed(3) + 'x'],
      ['sum of CPython .pyc files (same modules, python3 -m py_compile equivalent)', stdlib.pycBytes.toLocaleString('en-US'), '1.000x'],
      ['zip of those .pyc (stored)', stdlib.zipSize.toLocaleString('en-US'), (stdlib.zipSize / stdlib.pycBytes).toFixed(3) + 'x'],
    ],
  }
  const sections: Table = {
    title: 'where the bundle\'s bytes are (sections)',
    columns: ['section', 'bytes', 'share'],
    rows: Object.entries(s.sections ?? {}).map(([k, v]) => [k, v.toLocaleString('en-US'), pct(v, stdlib.size)]),
  }
  const sharing: Table = {
    title: 'sharing across the whole file',
    columns: ['table', 'entries', 'records stored', 'entries per record', 'data bytes', 'bytes if shared per module only', 'saved'],
    rows: [],
    note: '"bytes if shared per module only" is what the data sections would hold if, like separate .pyc files, each module deduplicated only itself (the writer\'s own accounting, BundleStats.sharing).',
  }
  if (s.strings && s.sharing) sharing.rows.push(['strings (STRT -> STRD)', s.strings.entries.toLocaleString('en-US'), s.strings.records.toLocaleString('en-US'), (s.strings.entries / s.strings.records).toFixed(2), fmtBytes(s.sharing.strings.bytes), fmtBytes(s.sharing.strings.perModuleBytes), pct(s.sharing.strings.perModuleBytes - s.sharing.strings.bytes, s.sharing.strings.perModuleBytes)])
  if (s.consts && s.sharing) sharing.rows.push(['constants (CNST -> CDAT)', s.consts.entries.toLocaleString('en-US'), s.consts.records.toLocaleString('en-US'), (s.consts.entries / s.consts.records).toFixed(2), fmtBytes(s.sharing.consts.bytes), fmtBytes(s.sharing.consts.perModuleBytes), pct(s.sharing.consts.perModuleBytes - s.sharing.consts.bytes, s.sharing.consts.perModuleBytes)])
  if (s.sharing) sharing.rows.push(['blobs (BLOB)', s.blobs?.references.toLocaleString('en-US') ?? '', s.blobs?.distinct.toLocaleString('en-US') ?? '', s.blobs ? (s.blobs.references / s.blobs.distinct).toFixed(2) : '', fmtBytes(s.sharing.blobs.bytes), fmtBytes(s.sharing.blobs.perModuleBytes), pct(s.sharing.blobs.perModuleBytes - s.sharing.blobs.bytes, s.sharing.blobs.perModuleBytes)])
  const tableBytes = (s.sections?.CODE ?? 0) + (s.sections?.STRT ?? 0) + (s.sections?.CNST ?? 0)
  return {
    id: 'build',
    title: '6. build (stdlib)',
    description: '`pybundle build examples/stdlib.toml` timed as a subprocess; size and sharing from the bundle and the CLI\'s --json summary',
    lines: [],
    tables: [timing, size, sections, sharing],
    targets: [],
    notes: [
      `The bundle is ${(stdlib.size / stdlib.pycBytes).toFixed(2)}x the .pyc files: sharing saves ${fmtBytes(s.sharing?.savedBytes ?? 0)} of data, but the fixed-size records that make lookups O(1) and views lazy cost more: CODE (${s.codeObjects?.toLocaleString('en-US') ?? '?'} records of 96 bytes) + STRT + CNST (4 bytes per slice entry, redirects included) = ${fmtBytes(tableBytes)}.`,
    ],
    data: { builds: builds.map((b) => ({ label: b.label, ms: b.ms, timings: b.summary?.timings })), summary: { ...s, skipped: undefined } },
  }
}
