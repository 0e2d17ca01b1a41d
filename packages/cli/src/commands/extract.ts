import { Command } from 'commander'
import { resolve } from 'node:path'
import type { CliContext } from '../lib/context.js'
import { bytes, toJson } from '../lib/format.js'
import { handleError } from '../lib/handle-error.js'
import { extractBundle } from '../lib/extract.js'
import { openForCommand } from '../lib/open.js'

interface ExtractOpts { out: string; module?: string[]; json?: boolean; quiet?: boolean; debug?: boolean; verify?: boolean; sources?: boolean }

export function extractCommand(ctx: CliContext): Command {
  return new Command('extract')
    .description('Write modules out of a .pyb as .pyc files that CPython imports sourceless: a.b -> DIR/a/b.pyc, a package -> DIR/pkg/__init__.pyc, a namespace package -> the folder DIR/pkg/.')
    .argument('<file.pyb>', 'the bundle to extract from')
    .requiredOption('-o, --out <dir>', 'folder to write into (created if missing); put it first on sys.path to import from it')
    .option('-m, --module <name...>', 'only these modules (repeat or list several); default: all')
    .option('--sources', 'also write each module\'s .py where the bundle holds it (built with sources = true); CPython then imports the .py, not the .pyc')
    .option('--json', 'print what was written as JSON')
    .option('-q, --quiet', 'print nothing on success')
    .option('--no-verify', 'skip the full check (checksums and structure) done before writing anything; for salvaging modules from a damaged bundle')
    .option('--debug', 'print stack traces for errors')
    .addHelpText('after', `
Examples:
  $ out=$(mktemp -d); pybundle extract examples/_startup.pyb --out "$out"
  $ PYTHONPATH="$out" python3 -c "import os; print(os.__file__)"
  $ pybundle extract stdlib.pyb --out ./x --module json json.decoder

Package data files are written next to their package's .pyc files and each
distribution's *.dist-info / *.egg-info at the top of DIR, as site-packages lays
them out (with --module: the distributions that provide the selected top-level
names), so \`python -S\` with only DIR on sys.path finds them (importlib.resources,
pkgutil.get_data, importlib.metadata). They are planned and checked like modules.

The .pyc files are for the bundle's Python (its magic number in each header): a bundle
built for Python 3.8 gives .pyc files that only Python 3.8 imports.

The bundle is verified first (as pybundle verify); a damaged one is refused before
anything is written, unless --no-verify. Every target is then planned and checked
before anything is written: two modules that are one file on Linux, macOS or
Windows (pkg and pkg.__init__; Mod and mod) are refused, naming both. Nothing is
written through a symbolic link (one inside DIR, or DIR itself, is an error naming
it) or into an existing file: each file is written to a temporary file and renamed.

Exit status: 0 ok; 1 internal error; 2 no such file or module, or a file or folder
that cannot be written (the error names it and the reason); 3 not a bundle, a
damaged or incompatible one, or modules that extract to one path.`)
    .action(async (file: string, opts: ExtractOpts) => {
      let bundle
      try {
        bundle = openForCommand(file)
        const report = await extractBundle(bundle, resolve(opts.out), opts.module, { verify: opts.verify !== false, sources: opts.sources === true })
        if (opts.json) ctx.stdout(toJson(report) + '\n')
        else if (!opts.quiet) {
          const pycs = report.modules.filter((m) => m.kind !== 'namespace').length
          const folders = report.modules.length - pycs
          ctx.stdout(`wrote ${pycs} .pyc file${pycs === 1 ? '' : 's'} for Python ${report.python.version} (magic ${report.python.magic})${folders ? ` and ${folders} namespace package folder${folders === 1 ? '' : 's'}` : ''}, ${bytes(report.bytes)}, to ${report.out}\n`)
          const extra: string[] = []
          if (report.data.files) extra.push(`${report.data.files} data file${report.data.files === 1 ? '' : 's'} (${bytes(report.data.bytes)})`)
          if (report.metadata.distributions) extra.push(`the metadata of ${report.metadata.distributions} distribution${report.metadata.distributions === 1 ? '' : 's'} (${report.metadata.files} files, ${bytes(report.metadata.bytes)})`)
          if (report.sources) extra.push(`${report.sources.files} .py source${report.sources.files === 1 ? '' : 's'} (${bytes(report.sources.bytes)})`)
          if (extra.length) ctx.stdout(`  and ${extra.join(', ')}\n`)
        }
        ctx.exitCode = 0
      } catch (e) {
        handleError(e, ctx, { debug: opts.debug, reading: 'bundle', file })
      } finally {
        bundle?.close()
      }
    })
}
