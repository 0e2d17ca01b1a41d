// Run examples/realapp in Pyodide from its bundle (realapp-pyodide.toml):
//
//   node examples/realapp/run-pyodide.mjs examples/realapp/realapp-pyodide.pyb
//
// Only the operating-system files the app reads (time zones for pytz, the CA
// bundle for certifi) are copied into Pyodide's filesystem; every package
// file (code, data, metadata) is served from the bundle.
import { existsSync, readFileSync } from 'node:fs'
import { dirname } from 'node:path'
import { loadPyodideWithBundle } from '@pybundle/pyodide'

const OS_FILES = ['/usr/share/zoneinfo/tzdata.zi', '/usr/share/zoneinfo/zone1970.tab', '/usr/share/zoneinfo/zone.tab',
  '/usr/share/zoneinfo/iso3166.tab', '/usr/share/zoneinfo/Europe/Paris', '/etc/ssl/certs/ca-certificates.crt']

const bundle = process.argv[2]
if (!bundle) {
  console.error('usage: node run-pyodide.mjs BUNDLE.pyb')
  process.exit(2)
}
const pyodide = await loadPyodideWithBundle({
  bundle,
  stdout: (s) => process.stdout.write(s + '\n'),
  stderr: (s) => process.stderr.write(s + '\n'),
})
for (const f of OS_FILES) {
  if (!existsSync(f)) continue
  pyodide.FS.mkdirTree(dirname(f))
  pyodide.FS.writeFile(f, new Uint8Array(readFileSync(f)))
}
try {
  pyodide.runPython("import runpy; runpy.run_module('app', run_name='__main__', alter_sys=True)")
} catch (e) {
  process.stderr.write(String(e.message ?? e) + '\n')
  process.exitCode = 1
}
