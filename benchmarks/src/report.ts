/**
 * Presenting results: a text table for people (stdout), Markdown for RESULTS.md.
 * The JSON form is the CaseResult objects themselves (main.ts).
 */
import { fmtNs, fmtRatio, type CaseResult, type Line, type Table } from './case.js'

function pad(s: string, n: number, right = false): string {
  return right ? s.padStart(n) : s.padEnd(n)
}

function lineCells(l: Line): string[] {
  return [
    l.group,
    l.name + (l.where === 'python3' ? ' †' : ''),
    fmtNs(l.median),
    fmtNs(l.min),
    fmtNs(l.max),
    String(l.runs),
    l.mbPerS !== undefined ? l.mbPerS.toFixed(0) : '',
    l.baseline ? '1.00x (base)' : fmtRatio(l.ratio),
  ]
}

const LINE_HEAD = ['group', 'contender', 'median', 'min', 'max', 'runs', 'MB/s', 'vs pybundle']
const RIGHT = new Set([2, 3, 4, 5, 6, 7])

function textTable(head: string[], rows: string[][], right: (i: number) => boolean): string {
  const w = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)))
  const fmt = (r: string[]): string => '  ' + r.map((c, i) => pad(c ?? '', w[i], right(i))).join('  ').trimEnd()
  return [fmt(head), '  ' + w.map((n) => '-'.repeat(n)).join('  '), ...rows.map(fmt)].join('\n')
}

function tableRows(t: Table): string[][] {
  return t.rows.map((r) => r.map((c) => String(c)))
}

export function caseText(c: CaseResult): string {
  const out: string[] = [`${c.title}`, `  ${c.description}`]
  if (c.lines.length) {
    const showMb = c.lines.some((l) => l.mbPerS !== undefined)
    const head = showMb ? LINE_HEAD : LINE_HEAD.filter((h) => h !== 'MB/s')
    const rows = c.lines.map((l) => {
      const cells = lineCells(l)
      return showMb ? cells : cells.filter((_, i) => i !== 6)
    })
    out.push(textTable(head, rows, (i) => RIGHT.has(showMb ? i : i >= 6 ? i + 1 : i)))
    out.push('  vs pybundle: median of the line over the median of its group\'s pybundle line (above 1: pybundle is faster).')
    if (c.lines.some((l) => l.where === 'python3')) out.push('  †: timed inside a python3 subprocess (cross-language line).')
  }
  for (const t of c.tables) {
    out.push('', `  ${t.title}`)
    out.push(textTable(t.columns, tableRows(t), (i) => i > 0))
    if (t.note) out.push(`  ${t.note}`)
  }
  for (const n of c.notes) out.push(`  note: ${n}`)
  for (const t of c.targets) out.push(`  target ${t.met ? 'MET   ' : 'MISSED'} ${t.description}: ${t.value}`)
  return out.join('\n')
}

function mdRow(cells: (string | number)[]): string {
  return `| ${cells.map((c) => String(c).replace(/\|/g, '\\|')).join(' | ')} |`
}

export function caseMarkdown(c: CaseResult): string {
  const out: string[] = [`### ${c.title}`, '', c.description + '.', '']
  if (c.lines.length) {
    const showMb = c.lines.some((l) => l.mbPerS !== undefined)
    const head = showMb ? LINE_HEAD : LINE_HEAD.filter((h) => h !== 'MB/s')
    out.push(mdRow(head), mdRow(head.map((_, i) => (i >= 2 ? '---:' : '---'))))
    for (const l of c.lines) {
      const cells = lineCells(l)
      out.push(mdRow(showMb ? cells : cells.filter((_, i) => i !== 6)))
    }
    out.push('')
    const notes = c.lines.filter((l) => l.note).map((l) => `- **${l.name}**: ${l.note}`)
    if (notes.length) out.push(...new Set(notes), '')
    if (c.lines.some((l) => l.where === 'python3')) out.push('†: timed inside a python3 subprocess (a cross-language line).', '')
  }
  for (const t of c.tables) {
    out.push(`**${t.title}**`, '', mdRow(t.columns), mdRow(t.columns.map((_, i) => (i ? '---:' : '---'))))
    for (const r of t.rows) out.push(mdRow(r))
    out.push('')
    if (t.note) out.push(t.note, '')
  }
  for (const n of c.notes) out.push(`Note: ${n}`, '')
  if (c.targets.length) {
    out.push('| target | measured | |', '|---|---|---|')
    for (const t of c.targets) out.push(mdRow([t.description, t.value, t.met ? 'met' : '**missed**']))
    out.push('')
  }
  return out.join('\n')
}
