// One measured start of the real app (examples/realapp) in Pyodide, in a fresh Node process (see realapp.ts).
//   node realapp-child.mjs MODE INPUTS.json
//   MODE stock            stock Pyodide, then the app's and its libraries' sources copied into /home/pyodide ('' on sys.path)
//      | stock-snapshot   Pyodide's bare snapshot (stock stdlib) restored, then the same sources copied in
//                         (the copying counts in the imports, not in the startup)
//      | pyczip-snapshot  a bare snapshot made with the app's .pyc zip as stdLibURL, restored with it
//      | hand-snapshot    a snapshot made by hand after importing the app's modules from the .pyc zip, restored with it
//      | pybundle         loadPyodideWithBundle restoring the bundle's own snapshot ([pyodide] snapshot = true)
//      | make-snapshot    OUT [IMPORTS.json]: make a snapshot with the .pyc zip, after importing IMPORTS
// Every contender copies the operating-system files pytz and certifi read (time zones, CA bundle) after its start.
// Prints one JSON line: {mode, startupMs, importsDoneMs, workloadDoneMs, result}; *DoneMs are from process start.
import { readFileSync, writeFileSync } from 'node:fs'
import { loadPyodide } from 'pyodide'
import { loadPyodideWithBundle } from '@pybundle/pyodide'

const [mode, inputsFile, out, importsFile] = process.argv.slice(2)
const inputs = JSON.parse(readFileSync(inputsFile, 'utf8'))
const quiet = { stdout: () => {}, stderr: () => {} }

/** The app's imports: what `python -m app` imports before it does anything. */
const IMPORTS = 'import app.main'
/**
 * The fixed CPU workload, the same for every contender: jinja2 templates, markdown
 * (extensions by module name, not entry point), pygments and yaml, N rounds; returns a
 * digest so the harness can check every contender computed the same thing.
 */
const WORKLOAD = String.raw`
import hashlib, jinja2, markdown, pygments, yaml
from pygments.lexers import PythonLexer
from pygments.formatters import HtmlFormatter
env = jinja2.Environment(autoescape=True)
page = env.from_string('<h1>{{ title }}</h1><ul>{% for i in items %}<li class="{{ loop.cycle("a", "b") }}">{{ i|upper }} {{ i|length }}</li>{% endfor %}</ul>{{ body }}')
md = '# Notes\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n~~~python\nprint(1)\n~~~\n\n* one\n* two *three*\n'
code = 'def f(x):\n    return [i * x for i in range(10) if i % 2]\n'
h = hashlib.sha256()
for n in range(ROUNDS):
    cfg = yaml.safe_load('title: Report %d\nfeatures: [alpha, beta, gamma, delta]\n' % n)
    body = markdown.markdown(md, extensions=['markdown.extensions.tables', 'markdown.extensions.toc', 'markdown.extensions.fenced_code'])
    hl = pygments.highlight(code, PythonLexer(), HtmlFormatter(nowrap=True))
    h.update(page.render(title=cfg['title'], items=cfg['features'] * 5, body=body + hl).encode())
h.hexdigest()
`

/** Host files into Pyodide's FS at their own paths; the app's sources (stock), the OS files pytz and certifi read (every contender). */
function copyFiles(FS, files) {
  for (const [from, to] of files) {
    FS.mkdirTree(to.slice(0, to.lastIndexOf('/')))
    FS.writeFile(to, new Uint8Array(readFileSync(from)))
  }
}

if (mode === 'make-snapshot') {
  const py = await loadPyodide({ ...quiet, stdLibURL: inputs.pycZip, _makeSnapshot: true })
  copyFiles(py.FS, inputs.osFiles)
  const names = importsFile ? JSON.parse(readFileSync(importsFile, 'utf8')) : []
  if (names.length) {
    py.globals.set('_names', py.toPy(names))
    py.runPython('import importlib\nfor _n in _names:\n    try:\n        importlib.import_module(_n)\n    except BaseException:\n        pass\ndel _n, _names, importlib')
  }
  writeFileSync(out, py.makeMemorySnapshot())
  process.exit(0)
}

const t0 = performance.now()
let py
if (mode === 'stock') py = await loadPyodide(quiet)
else if (mode === 'stock-snapshot') py = await loadPyodide({ ...quiet, _loadSnapshot: readFileSync(inputs.stockSnapshot) })
else if (mode === 'pyczip-snapshot') py = await loadPyodide({ ...quiet, stdLibURL: inputs.pycZip, _loadSnapshot: readFileSync(inputs.pycZipSnapshot) })
else if (mode === 'hand-snapshot') py = await loadPyodide({ ...quiet, stdLibURL: inputs.pycZip, _loadSnapshot: readFileSync(inputs.handSnapshot) })
else if (mode === 'pybundle') py = await loadPyodideWithBundle({ ...quiet, bundle: inputs.bundle, onWarning: (m) => { throw new Error(m) } })
else throw new Error(`unknown mode ${mode}`)
const t1 = performance.now()
// Part of the imports, not of the startup: stock Pyodide needs the sources in its filesystem to import them.
if (mode === 'stock' || mode === 'stock-snapshot') copyFiles(py.FS, inputs.sources)
copyFiles(py.FS, inputs.osFiles)
py.runPython(IMPORTS)
const t2 = performance.now()
const result = py.runPython(WORKLOAD.replace('range(ROUNDS)', `range(${inputs.rounds})`))
const t3 = performance.now()
process.stdout.write(JSON.stringify({ mode, startupMs: t1 - t0, importsDoneMs: t2, workloadDoneMs: t3, workloadMs: t3 - t2, result }) + '\n')
