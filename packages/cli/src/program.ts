/**
 * The `pybundle` program: four commands, each validating its options, calling
 * a library function that returns plain data, and printing text or --json.
 */
import { createRequire } from 'node:module'
import { Command, CommanderError } from 'commander'
import { buildCommand } from './commands/build.js'
import { extractCommand } from './commands/extract.js'
import { inspectCommand } from './commands/inspect.js'
import { verifyCommand } from './commands/verify.js'
import { wireCommand } from './commands/wire.js'
import { processContext, type CliContext } from './lib/context.js'
import { EXIT, handleError } from './lib/handle-error.js'

/** The installed package's version (all @pybundle packages share one version: root README, Install). */
export const VERSION = (createRequire(import.meta.url)('../package.json') as { version: string }).version

export function createProgram(ctx: CliContext = processContext()): Command {
  const program = new Command('pybundle')
    .description('Pack the compiled code of many Python modules into one .pyb file that is read in place (mmap).')
    .version(VERSION, '-V, --version', 'print the pybundle version')
    .helpOption('-h, --help', 'show help for a command (pybundle help build, pybundle build --help)')
    .showHelpAfterError('(add --help for usage)')
    .addHelpText('after', `
Examples:
  $ pybundle build examples/startup.toml          # what CPython imports at startup
  $ pybundle inspect examples/_startup.pyb        # what is in it, where the bytes go
  $ pybundle verify examples/_startup.pyb         # checksums, offsets, redirects
  $ pybundle extract examples/_startup.pyb --out /tmp/startup
  $ pybundle wire dist/app.pyb                    # dist/app.pyb.wire, for HTTP

Exit status (every command): 0 ok; 1 internal error (a bug; --debug shows the stack
trace); 2 bad usage, manifest or source; 3 corrupt, truncated or incompatible bundle.`)
  const out = { writeOut: (s: string) => ctx.stdout(s), writeErr: (s: string) => ctx.stderr(s) }
  program.configureOutput(out).exitOverride()
  for (const make of [buildCommand, inspectCommand, verifyCommand, extractCommand, wireCommand]) {
    const cmd = make(ctx)
    cmd.configureOutput(out).exitOverride().showHelpAfterError('(add --help for usage)')
    program.addCommand(cmd)
  }
  return program
}

/** Parse and run; returns the exit code (commander's own usage errors give 2). */
export async function run(argv: readonly string[], ctx: CliContext = processContext()): Promise<number> {
  try {
    await createProgram(ctx).parseAsync([...argv], { from: 'node' })
  } catch (e) {
    if (e instanceof CommanderError) {
      // help and --version exit 0; anything else is bad usage.
      ctx.exitCode = e.exitCode === 0 || e.code === 'commander.helpDisplayed' || e.code === 'commander.help' || e.code === 'commander.version' ? EXIT.OK : EXIT.USAGE
    } else {
      handleError(e, ctx, { reading: 'manifest', debug: argv.includes('--debug') })
    }
  }
  return ctx.exitCode
}
