/** Entry point of bin/pybundle.js. */
import { run } from './program.js'
import { processContext } from './lib/context.js'

const code = await run(process.argv, processContext())
process.exitCode = code
