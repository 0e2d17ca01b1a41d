import { readFile } from 'node:fs/promises'
import { resolve } from 'node:path'
import { brotliCompressSync, constants as zlib } from 'node:zlib'
import { Command } from 'commander'
import { PyBundleError } from '@pybundle/errors'
import { decodeWire, encodeWire } from '@pybundle/loader'
import type { CliContext } from '../lib/context.js'
import { bytes, percent, toJson } from '../lib/format.js'
import { printable } from '../lib/escape.js'
import { EXIT, handleError } from '../lib/handle-error.js'
import { openForCommand } from '../lib/open.js'
import { writeFileReplacing } from '../lib/safe-write.js'

interface WireOpts { out?: string; decode?: boolean; json?: boolean; debug?: boolean }

/** Brotli at the quality a server uses for files over 1 MiB (examples/browser/server.mjs), for the size line. */
function brotli9(u: Uint8Array): number {
  return brotliCompressSync(u, { params: { [zlib.BROTLI_PARAM_QUALITY]: 9, [zlib.BROTLI_PARAM_SIZE_HINT]: u.length } }).length
}

export function wireCommand(ctx: CliContext): Command {
  return new Command('wire')
    .description('Write the wire form of a .pyb (<file.pyb>.wire, SPEC §18): the same bundle rearranged so that HTTP compression (brotli, gzip) makes it smaller; the browser loader decodes it. --decode turns a wire file back into the bundle.')
    .argument('<file>', 'the bundle (or, with --decode, the wire file)')
    .option('-o, --out <file>', 'where to write (default: <file>.wire; with --decode, <file> without .wire)')
    .option('--decode', 'decode a wire file back into the .pyb, byte for byte')
    .option('--json', 'print {file, out, bundleBytes, wireBytes, brotli9: {bundle, wire}} as JSON')
    .option('--debug', 'print stack traces for errors')
    .addHelpText('after', `
Examples:
  $ pybundle wire dist/app.pyb                 # dist/app.pyb.wire, beside it
  $ pybundle wire dist/app.pyb.wire --decode -o /tmp/app.pyb

The bundle is verified completely first (a damaged bundle is not shipped). Serve the
.wire file with Content-Encoding br or gzip (precompressed), as you would the .pyb;
verify and inspect accept a wire file too (they decode it first).

Exit status: 0 written; 1 internal error; 2 no such file, or it cannot be written;
3 damaged, truncated or not a bundle (or not a wire file, with --decode).`)
    .action(async (file: string, opts: WireOpts) => {
      try {
        const abs = resolve(file)
        if (opts.decode) {
          const wire = new Uint8Array(await readInput(abs))
          let bundle: Uint8Array
          try {
            bundle = decodeWire(wire)
          } catch (e) {
            if (e instanceof PyBundleError && e.file === undefined) throw new PyBundleError(e.code, e.message, { offset: e.offset, file: abs, cause: e })
            throw e
          }
          const out = resolve(opts.out ?? (abs.endsWith('.wire') ? abs.slice(0, -'.wire'.length) : abs + '.pyb'))
          if (out === abs) throw new PyBundleError('IO', `${abs}: the output would replace the input; give -o`, { file: abs })
          await writeFileReplacing(out, bundle)
          if (opts.json) ctx.stdout(toJson({ file: abs, out, bundleBytes: bundle.length, wireBytes: wire.length }) + '\n')
          else ctx.stdout(`wrote ${printable(out)} (${bytes(bundle.length)}), decoded from ${printable(abs)}\n`)
          ctx.exitCode = EXIT.OK
          return
        }
        const out = resolve(opts.out ?? abs + '.wire')
        if (out === abs) throw new PyBundleError('IO', `${abs}: the output would replace the input; give -o another file`, { file: abs })
        const bundle = openForCommand(abs)
        let wire: Uint8Array
        let src: Uint8Array
        try {
          if (bundle.file === undefined) throw new PyBundleError('BAD_MAGIC', `${abs} is a wire file already; \`pybundle wire\` takes the .pyb (use --decode to get it back)`, { file: abs, offset: 0 })
          const report = bundle.verify({ maxProblems: 1 })
          if (!report.ok) {
            const p = report.problems[0]
            throw new PyBundleError(p.code, `${abs} is damaged (${p.message}); not writing its wire form`, { file: abs, offset: p.offset })
          }
          src = new Uint8Array(await readInput(abs))
          wire = encodeWire(src)
        } finally {
          bundle.close()
        }
        await writeFileReplacing(out, wire)
        const sizes = { bundle: brotli9(src), wire: brotli9(wire) }
        if (opts.json) {
          ctx.stdout(toJson({ file: abs, out, bundleBytes: src.length, wireBytes: wire.length, brotli9: sizes }) + '\n')
        } else {
          ctx.stdout(`wrote ${printable(out)} (${bytes(wire.length)}); brotli 9: ${bytes(sizes.wire)} against ${bytes(sizes.bundle)} for the .pyb (${percent(sizes.wire, sizes.bundle)})\n`)
        }
        ctx.exitCode = EXIT.OK
      } catch (e) {
        handleError(e, ctx, { debug: opts.debug, reading: 'bundle', file })
      }
    })
}

async function readInput(abs: string): Promise<Buffer> {
  try {
    return await readFile(abs)
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code
    throw new PyBundleError('IO', `cannot read ${abs}: ${code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a folder' : (e as Error).message}`, { file: abs, cause: e })
  }
}

