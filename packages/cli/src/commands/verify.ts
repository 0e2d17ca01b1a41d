import { Command } from 'commander'
import type { CliContext } from '../lib/context.js'
import { toJson } from '../lib/format.js'
import { printable } from '../lib/escape.js'
import { EXIT, handleError } from '../lib/handle-error.js'
import { openForCommand } from '../lib/open.js'
import { snapshotLine, snapshotReport } from '../lib/snapshot.js'

interface VerifyOpts { json?: boolean; max: string; debug?: boolean }

export function verifyCommand(ctx: CliContext): Command {
  return new Command('verify')
    .description('Check a .pyb completely: every section checksum, every offset, every redirect, every record. Exit 0 when intact, 3 with the first problems when not.')
    .argument('<file.pyb>', 'the bundle to check')
    .option('--json', 'print the report as JSON ({file, ok, problems: [{code, offset, section, path, message}], checked})')
    .option('--max <n>', 'report at most this many problems', '20')
    .option('--debug', 'print stack traces for errors')
    .addHelpText('after', `
Examples:
  $ pybundle verify examples/_startup.pyb && echo intact
  $ pybundle verify damaged.pyb --json

A memory snapshot beside the bundle (<file.pyb>.snapshot, [pyodide] snapshot) is
checked too: its checksums, and that it was made from this bundle.

Exit status: 0 intact; 1 internal error; 2 no such file; 3 damaged, truncated,
incompatible, or not a bundle at all (or its snapshot is damaged or stale).`)
    .action(async (file: string, opts: VerifyOpts) => {
      let bundle
      try {
        bundle = openForCommand(file)
        const max = Math.max(1, Number(opts.max) || 20)
        const report = bundle.verify({ maxProblems: max })
        const snapshot = snapshotReport(bundle, bundle.file ?? file)
        const ok = report.ok && (snapshot === null || snapshot.ok)
        const json = { file: bundle.file ?? file, ok, problems: report.problems, truncated: report.truncated, checked: report.checked, ...(snapshot ? { snapshot } : {}) }
        if (opts.json) ctx.stdout(toJson(json) + '\n')
        else if (report.ok) {
          const c = report.checked
          const line = `${printable(json.file)}: ok (${c.sections} sections, ${c.modules} modules, ${c.codes} code objects, ${c.strings} strings, ${c.consts} constants checked)\n`
          if (snapshot === null) ctx.stdout(line)
          else if (snapshot.ok) ctx.stdout(line + printable(snapshotLine(snapshot)) + '\n')
          else ctx.stderr(`pybundle: error: the memory snapshot beside ${printable(json.file)} is damaged; rebuild it with \`pybundle build\`\n${printable(snapshotLine(snapshot))}\n`)
        } else {
          ctx.stderr(`pybundle: error: ${printable(json.file)} is damaged: ${report.problems.length}${report.truncated ? '+' : ''} problem${report.problems.length === 1 ? '' : 's'}; rebuild it with \`pybundle build\`\n`)
          for (const p of report.problems) ctx.stderr(`  ${printable(`[${p.code}] ${p.section ? `${p.section} ` : ''}at byte ${p.offset}${p.path ? ` (${p.path})` : ''}: ${p.message}`)}\n`)
        }
        ctx.exitCode = ok ? EXIT.OK : EXIT.BAD_BUNDLE
      } catch (e) {
        handleError(e, ctx, { debug: opts.debug, reading: 'bundle', file })
      } finally {
        bundle?.close()
      }
    })
}
