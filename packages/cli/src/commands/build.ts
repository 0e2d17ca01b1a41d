import { Command } from 'commander'
import { buildBundle, type BuildSummary } from '@pybundle/bundler'
import { PyBundleError } from '@pybundle/errors'
import type { CliContext } from '../lib/context.js'
import { bytes, percent, seconds, toJson } from '../lib/format.js'
import { handleError } from '../lib/handle-error.js'
import { ProgressBar } from '../lib/progress.js'

interface BuildOpts { output?: string; json?: boolean; quiet?: boolean; debug?: boolean; jobs?: string; progress?: boolean }

export function buildCommand(ctx: CliContext): Command {
  return new Command('build')
    .description('Build a .pyb bundle from a manifest: find the modules (with the manifest\'s interpreter), compile them with it on every core, write the bundle atomically.')
    .argument('<manifest>', 'the manifest (TOML), e.g. examples/startup.toml; relative paths in it are relative to its folder')
    .option('-o, --output <file>', 'write the bundle here instead of [bundle] output (default: the manifest\'s name with .pyb)')
    .option('--json', 'print the build summary as JSON on stdout')
    .option('-q, --quiet', 'print nothing on success (errors still go to stderr)')
    .option('--progress', 'print progress as plain lines on stderr ("progress: compile 120/812"), also when it is not a terminal and with --json or --quiet; for logs and supervising programs')
    .option('-j, --jobs <n>', 'worker processes for compilation (default: one per core)')
    .option('--debug', 'print stack traces for errors')
    .addHelpText('after', `
Manifest:
  [bundle]
  output = "_startup.pyb"      # default: the manifest's name with .pyb
  python = "python3"           # command or path; its version is the bundle's
  optimize = 0                 # 0, 1 or 2, as python -O / -OO
  timeout = 600                # seconds each interpreter step may take; then it is killed

  [modules]
  paths = ["src"]              # put before the interpreter's sys.path
  include = ["os", "encodings.*"]   # "name": that module; "pkg.*": the package and all below it
  exclude = ["*.tests.*"]      # fnmatch over dotted names: here everything below a package
                               # named tests (not a module named tests, such as jinja2.tests)
  stdlib = false               # true: the interpreter's whole pure-Python standard library
  trace = ["-c", "pass"]       # also every module \`python <trace...>\` imports
  data = true                  # package data files; exclude_data = ["pkg/tests/*"] trims them
  metadata = true              # *.dist-info / *.egg-info of the distributions providing bundled modules
  sources = false              # true: also each module's .py bytes
  closure = false              # true: also every module the bundled code imports (bytecode)

  [pyodide]                    # only with python = "pyodide"
  snapshot = true              # a memory snapshot beside the bundle (<output>.snapshot), taken
                               # after importing every module the trace found
  snapshot_imports = ["json"]  # ...or after importing these (instead of the trace's)

Built-in and extension modules are listed as skipped, not errors.

Examples:
  $ pybundle build examples/startup.toml
  $ pybundle build examples/stdlib.toml -o /tmp/stdlib.pyb --json

Exit status: 0 built; 1 internal error; 2 bad manifest, unresolved names, a syntax
error, an interpreter that cannot run or times out, or an output that is one of the
build's inputs (the previous output is left untouched).`)
    .action(async (manifest: string, opts: BuildOpts) => {
      const bar = new ProgressBar(ctx, opts.progress ? 'lines' : ctx.isTTY && !opts.json && !opts.quiet ? 'bar' : 'off')
      try {
        const jobs = opts.jobs === undefined ? undefined : Number(opts.jobs)
        if (jobs !== undefined && !(Number.isInteger(jobs) && jobs >= 1)) {
          throw new PyBundleError('MANIFEST', `--jobs must be a whole number of at least 1, not ${JSON.stringify(opts.jobs)}`)
        }
        const summary: CliBuildSummary = await buildBundle(manifest, { output: opts.output, jobs, onProgress: (p) => bar.update(p) })
        bar.done()
        if (opts.json) ctx.stdout(toJson(summaryJson(summary)) + '\n')
        else if (!opts.quiet) ctx.stdout(summaryText(summary))
        ctx.exitCode = 0
      } catch (e) {
        bar.done()
        handleError(e, ctx, { debug: opts.debug, reading: 'manifest', file: manifest })
      }
    })
}

/** What `pybundle build` prints: the writer's figures, sharing.savedVsNone included (the build does not reopen its output). */
export type CliBuildSummary = BuildSummary

/** The --json summary: BuildSummary minus the writer's raw statistics, plus section sizes. */
export function summaryJson(s: CliBuildSummary): Record<string, unknown> {
  const { stats, ...rest } = s
  return { ...rest, sections: stats.sections, strings: stats.strings, consts: stats.consts }
}

function groupSkipped(skipped: BuildSummary['skipped']): string[] {
  const groups = new Map<string, string[]>()
  for (const s of skipped) {
    const key = s.reason.startsWith('built-in') ? 'built-in'
      : s.reason.startsWith('extension') ? 'extension (native code)'
      : s.reason.startsWith('does not compile') ? 'does not compile (stdlib test data)'
      : s.reason
    const g = groups.get(key) ?? []
    g.push(s.name)
    groups.set(key, g)
  }
  return [...groups].map(([k, names]) => `    ${names.length} ${k}: ${names.slice(0, 8).join(', ')}${names.length > 8 ? ', ...' : ''}`)
}

/** One line per reason, most frequent first: "3 symlink loop: pkg/a, pkg/b, ...". */
function groupByReason(items: readonly { where: string; reason: string }[]): string[] {
  const groups = new Map<string, string[]>()
  for (const it of items) {
    // "over the size limit (N bytes; ...)" and similar differ per file: group on the words before the parenthesis.
    const key = it.reason.replace(/ \(.*$/, '')
    const g = groups.get(key) ?? []
    g.push(it.where)
    groups.set(key, g)
  }
  return [...groups].sort((a, b) => b[1].length - a[1].length)
    .map(([k, w]) => `    ${w.length} ${k}: ${w.slice(0, 4).join(', ')}${w.length > 4 ? ', ...' : ''}`)
}

function dataLines(s: CliBuildSummary): string[] {
  const lines: string[] = []
  if (s.data === null) lines.push('  data        off ([modules] data = false)')
  else {
    const sk = s.data.skipped.length
    lines.push(`  data        ${s.data.files} files, ${bytes(s.data.bytes)}${sk ? `; ${sk} skipped (--json lists each with its reason)` : ''}`)
    lines.push(...groupByReason(s.data.skipped.map((d) => ({ where: `${d.package.replace(/\./g, '/')}/${d.path}`, reason: d.reason }))))
  }
  if (s.metadata === null) lines.push('  metadata    off ([modules] metadata = false)')
  else {
    const sk = s.metadata.skipped.length
    lines.push(`  metadata    ${s.metadata.distributions} distributions, ${s.metadata.files} files, ${bytes(s.metadata.bytes)}${sk ? `; ${sk} skipped` : ''}`)
    lines.push(...groupByReason(s.metadata.skipped.map((d) => ({ where: d.path ? `${d.distribution}/${d.path}` : d.distribution, reason: d.reason }))))
  }
  if (s.sources !== null) lines.push(`  sources     ${s.sources.modules} modules, ${bytes(s.sources.bytes)}`)
  if (s.snapshot) {
    const f = s.snapshot.failed
    lines.push(`  snapshot    ${s.snapshot.output}: ${bytes(s.snapshot.size)}, ${s.snapshot.imported} modules imported (${s.snapshot.modules} in sys.modules)${f.length ? `; ${f.length} did not import: ${f.slice(0, 3).map((x) => `${x.name} (${x.error})`).join(', ')}${f.length > 3 ? ', ...' : ''}` : ''}`)
  }
  return lines
}

function aliasSample(aliases: BuildSummary['aliases']): string {
  const shown = aliases.slice(0, 3).map((a) => `${a.name} is ${a.of}`).join(', ')
  return aliases.length > 3 ? `${shown}, ...` : shown
}

export function summaryText(s: CliBuildSummary): string {
  const t = s.timings
  const sh = s.sharing
  const lines = [
    `built ${s.output}`,
    `  python      ${s.python.interpreter} (CPython ${s.python.version}, magic ${s.python.magic})${s.optimize ? `, optimize ${s.optimize}` : ''}`,
    `  modules     ${s.modules} (${s.packages} packages, ${s.namespaces} namespace packages, ${s.frozen} frozen in the interpreter, ${s.sourceless} sourceless)`,
    `  code        ${s.codeObjects} code objects`,
  ]
  if (s.traced !== null) lines.push(`  traced      ${s.traced} modules in sys.modules`)
  if (s.aliases.length) lines.push(`  aliases     ${s.aliases.length} ${s.aliases.length === 1 ? 'name' : 'names'} in sys.modules for modules bundled under their spec names (${aliasSample(s.aliases)}; --json lists all)`)
  if (s.closure !== null) {
    const c = s.closure
    const opt = c.unresolved.filter((u) => u.optional).length
    lines.push(`  closure     added ${c.added} modules imported by the bundled code${c.optional ? ` (${c.optional} only under try/except ImportError)` : ''}; ${c.unresolved.length} imported ${c.unresolved.length === 1 ? 'name resolves' : 'names resolve'} to nothing${c.unresolved.length ? ` (${opt} optional): ${c.unresolved.slice(0, 6).map((u) => u.name).join(', ')}${c.unresolved.length > 6 ? ', ...' : ''}` : ''}`)
  }
  if (s.excluded) lines.push(`  excluded    ${s.excluded} by [modules] exclude`)
  lines.push(`  skipped     ${s.skipped.length}${s.skipped.length ? ' (cannot be bundled; --json lists each with its reason)' : ''}`)
  lines.push(...groupSkipped(s.skipped))
  lines.push(...dataLines(s))
  lines.push(`  size        ${bytes(s.size)} (${s.size} bytes; the same modules as .pyc files: ${bytes(s.pycBytes)})`)
  lines.push(`  sharing     cross-module sharing saved ${bytes(sh.savedVsPerModule)} (${percent(sh.savedVsPerModule, s.size + sh.savedVsPerModule)}), vs. one .pyc per module: strings ${bytes(sh.strings.perModuleBytes - sh.strings.bytes)}, constants ${bytes(sh.consts.perModuleBytes - sh.consts.bytes)}, blobs ${bytes(sh.blobs.perModuleBytes - sh.blobs.bytes)}`)
  if (typeof sh.savedVsNone === 'number') lines.push(`              all sharing saved ${bytes(sh.savedVsNone)}, vs. storing every entry`)
  lines.push(`  time        ${seconds(t.total)} (resolve ${seconds(t.resolve)}, compile ${seconds(t.compile)}, convert ${seconds(t.convert)}, collect ${seconds(t.collect)}, write ${seconds(t.write)}${s.snapshot ? `, snapshot ${seconds(t.snapshot)}` : ''})`)
  return lines.join('\n') + '\n'
}
