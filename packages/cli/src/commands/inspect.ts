import { statSync } from 'node:fs'
import { basename, resolve } from 'node:path'
import { Command, Option } from 'commander'
import { PyBundleError } from '@pybundle/errors'
import { renderReport, reportDataFromInspect } from '@pybundle/report'
import type { CliContext } from '../lib/context.js'
import { bytes, percent, table, toJson } from '../lib/format.js'
import { printable } from '../lib/escape.js'
import { EXIT, handleError } from '../lib/handle-error.js'
import { inspectBundle, type InspectCode, type InspectReport } from '../lib/inspect.js'
import { openForCommand } from '../lib/open.js'
import { snapshotLine, snapshotReport } from '../lib/snapshot.js'
import { writeFileReplacing } from '../lib/safe-write.js'
import { buildInfoOf, whyJson, whyText } from '../lib/why.js'

interface InspectOpts { json?: boolean; html?: string; compare?: string; module?: string; why?: string; sort: 'size' | 'name'; limit?: string; debug?: boolean }

export function inspectCommand(ctx: CliContext): Command {
  return new Command('inspect')
    .description('Show what is in a .pyb: versions, sections, table sizes, sharing, checksum state, and a table of modules with the bytes each takes.')
    .argument('<file.pyb>', 'the bundle to inspect')
    .option('--json', 'print everything as JSON (field names are stable; see packages/cli/README.md)')
    .option('--html <file>', 'also write a self-contained HTML report (a zoomable treemap of where the bytes go) to this file')
    .option('--compare <other.pyb>', 'with --html: show what grew or shrank against another bundle (an earlier build), per module and package')
    .option('-m, --module <name>', 'show this module\'s code objects as a tree (qualname, arguments, sizes, names and constants)')
    .option('--why <name>', 'print the import chain that brought this module into the bundle (recorded by pybundle build)')
    .addOption(new Option('-s, --sort <key>', 'order of the module table').choices(['size', 'name']).default('name'))
    .option('-n, --limit <n>', 'show only the first N rows of the module table (text output)')
    .option('--debug', 'print stack traces for errors')
    .addHelpText('after', `
Examples:
  $ pybundle inspect examples/_startup.pyb
  $ pybundle inspect examples/_startup.pyb --sort size --limit 20
  $ pybundle inspect examples/_startup.pyb --module os
  $ pybundle inspect app.pyb --why markupsafe._native
  $ pybundle inspect examples/_startup.pyb --json > startup.json
  $ pybundle inspect examples/_startup.pyb --html startup.html
  $ pybundle inspect new.pyb --html diff.html --compare old.pyb

Exit status: 0 ok; 1 internal error; 2 no such file or module; 3 not a bundle, or a
damaged or incompatible one.`)
    .action(async (file: string, opts: InspectOpts) => {
      if (opts.compare !== undefined && opts.html === undefined) {
        ctx.stderr('pybundle: error: --compare needs --html <file>: the comparison is drawn in the HTML report\n')
        ctx.exitCode = EXIT.USAGE
        return
      }
      let bundle
      try {
        if (opts.html !== undefined) refuseOverwrite(resolve(opts.html), '--html', [file, ...(opts.compare === undefined ? [] : [opts.compare])])
        bundle = openForCommand(file)
        if (opts.why !== undefined) {
          const info = buildInfoOf(bundle, bundle.file ?? file)
          ctx.stdout(opts.json ? toJson(whyJson(info, opts.why)) + '\n' : whyText(info, opts.why))
          ctx.exitCode = 0
          return
        }
        const report = await inspectBundle(bundle, bundle.file ?? file, { module: opts.module, sort: opts.sort })
        if (opts.html !== undefined) {
          const compare = opts.compare === undefined ? undefined : await inspectOther(opts.compare)
          const html = renderReport(reportDataFromInspect(report), {
            title: `pybundle: ${report.file}`,
            ...(compare ? { compare: reportDataFromInspect(compare), compareLabel: basename(compare.file) } : {}),
          })
          const target = resolve(opts.html)
          await writeFileReplacing(target, html).catch((e: PyBundleError) => {
            throw new PyBundleError('IO', `the HTML report: ${e.message}; give a writable file path to --html`, { file: target, cause: e, details: e.details })
          })
        }
        const snapshot = snapshotReport(bundle, bundle.file ?? file)
        if (opts.json) ctx.stdout(toJson(snapshot ? { ...report, snapshot } : report) + '\n')
        else {
          const text = inspectText(report, opts.limit === undefined ? undefined : Number(opts.limit))
          // The snapshot line goes under the checksums line.
          const at = text.indexOf('\n', text.indexOf('\n  checksums ') + 1) + 1
          ctx.stdout(snapshot && at > 0 ? text.slice(0, at) + printable(snapshotLine(snapshot)) + '\n' + text.slice(at) : text)
        }
        ctx.exitCode = 0
      } catch (e) {
        handleError(e, ctx, { debug: opts.debug, reading: 'bundle', file })
      } finally {
        bundle?.close()
      }
    })
}

export function inspectText(r: InspectReport, limit?: number): string {
  const out: string[] = []
  out.push(`${r.file}`)
  out.push(`  format      .pyb ${r.formatVersion}, CPython ${r.python.version} (magic ${r.python.magic}, marshal ${r.python.marshalVersion})${r.optimize ? `, optimize ${r.optimize}` : ''}`)
  out.push(`  size        ${bytes(r.fileSize)} (${r.fileSize} bytes, header ${r.headerSize})`)
  out.push(`  modules     ${r.counts.modules} (${r.counts.packages} packages, ${r.counts.namespaces} namespace packages, ${r.counts.sourceless} sourceless), ${r.counts.codeObjects} code objects`)
  out.push(`  strings     ${r.strings.entries} entries, ${r.strings.redirects} redirects`)
  out.push(`  constants   ${r.consts.entries} entries, ${r.consts.redirects} redirects`)
  out.push(`  sharing     all sharing saved ${bytes(r.sharing.savedVsNone)}, vs. storing every entry`)
  out.push(`              cross-module sharing saved ${bytes(r.sharing.savedVsPerModule)}, vs. one .pyc per module`)
  const res = r.resources
  if (res.dataFiles || res.distributions.length || res.sources.modules || res.buildInfo) {
    out.push(`  data        ${res.dataFiles} files, ${bytes(res.dataBytes)} in ${res.dataPackages.length} packages`)
    out.push(`  metadata    ${res.distributions.length} distributions, ${res.distributionFiles} files, ${bytes(res.distributionBytes)}`)
    out.push(`  sources     ${res.sources.modules ? `${res.sources.modules} modules, ${bytes(res.sources.bytes)}` : 'none'}`)
    out.push(`  build info  ${res.buildInfo ? `${bytes(res.buildInfo.bytes)} (${res.buildInfo.modules} modules, ${res.buildInfo.skippedData} skipped data files)` : 'none'}`)
  } else {
    out.push('  data        none (no data files, distributions, sources or build info)')
  }
  out.push(`  checksums   ${r.checksums === 'ok' ? 'ok' : `MISMATCH in ${r.sections.filter((s) => !s.checksumOk).map((s) => s.name).join(', ')} (run pybundle verify)`}`)
  out.push('')
  out.push(table([['section', 'offset', 'size', 'share'], ...r.sections.map((s) => [s.name, String(s.offset), bytes(s.size), percent(s.size, r.fileSize)])], [false, true, true, true]))
  out.push('')
  if (r.module) {
    const m = r.module
    out.push(`${printable(m.name)} (${m.kind}${m.path ? `, ${printable(m.path)}` : ''}${m.source.size ? `, source ${m.source.size} bytes` : ''})`)
    if (m.code === null) out.push('  (namespace package: no code)')
    else out.push(...codeLines(m.code, '  '))
    if (m.storedSourceBytes !== null) out.push(`  source stored in the bundle: ${m.storedSourceBytes} bytes`)
    if (m.dataFiles.length) {
      out.push('')
      out.push(table([['data file', 'size'], ...m.dataFiles.map((f) => [f.path, String(f.size)])], [false, true]))
    } else if (m.kind === 'package') {
      out.push('  (no data files)')
    }
    return safeLines(out)
  }
  const rows = limit === undefined ? r.modules : r.modules.slice(0, limit)
  out.push(table([
    ['module', 'kind', 'code objects', 'bytecode', 'bytes', 'share'],
    ...rows.map((m) => [printable(m.name), m.kind, String(m.codeObjects), String(m.bytecodeBytes), String(m.bytes), percent(m.bytes, r.fileSize)]),
  ], [false, false, true, true, true, true]))
  if (rows.length < r.modules.length) out.push(`... ${r.modules.length - rows.length} more (without --limit, all)`)
  if (res.dataPackages.length || res.distributions.length) {
    out.push('')
    out.push(table([
      ['data of package / distribution', 'files', 'bytes', 'share'],
      ...res.dataPackages.map((p) => [p.name, String(p.files), String(p.bytes), percent(p.storedBytes, r.fileSize)]),
      ...res.distributions.map((d) => [d.name, String(d.files), String(d.bytes), percent(d.storedBytes, r.fileSize)]),
    ], [false, true, true, true]))
  }
  return safeLines(out)
}

/** The text, every line printable (escape.ts): a second net under the cells escaped above, which keeps table widths. */
function safeLines(out: string[]): string {
  return out.join('\n').split('\n').map(printable).join('\n') + '\n'
}

function codeLines(c: InspectCode, indent: string): string[] {
  const args = c.posonlyargcount || c.kwonlyargcount ? `${c.argcount} args (${c.posonlyargcount} positional-only, ${c.kwonlyargcount} keyword-only)` : `${c.argcount} args`
  const lines = [`${indent}${printable(c.qualname)}  line ${c.firstlineno}, ${args}, bytecode ${c.bytecodeBytes} B, linetable ${c.linetableBytes} B${c.exceptiontableBytes ? `, exceptions ${c.exceptiontableBytes} B` : ''}, ${c.names} names, ${c.consts} consts, ${c.locals} locals`]
  for (const child of c.children) lines.push(...codeLines(child, indent + '  '))
  return lines
}

/** The inspect report of the --compare bundle (opened, read, closed; errors name that file). */
async function inspectOther(file: string): Promise<InspectReport> {
  const other = openForCommand(file)
  try {
    return await inspectBundle(other, other.file ?? file, {})
  } finally {
    other.close()
  }
}

/**
 * Refuse an output that is one of the files the command reads (the same file, a
 * hard link to it, or a symbolic link to it): writing the report there would
 * replace the bundle being read. Checked before any work.
 */
export function refuseOverwrite(target: string, option: string, inputs: readonly string[]): void {
  const t = statSync(target, { throwIfNoEntry: false })
  for (const input of inputs) {
    const abs = resolve(input)
    const i = statSync(abs, { throwIfNoEntry: false })
    const same = abs === target || (t !== undefined && i !== undefined && t.dev === i.dev && t.ino === i.ino)
    if (same) {
      throw new PyBundleError('IO', `${option} ${target} is ${abs === target ? '' : 'a link to '}the bundle ${abs} this command reads: writing there would replace it; give ${option} another file`, { file: target, details: { input: abs } })
    }
  }
}
