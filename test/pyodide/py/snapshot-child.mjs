// One fresh process restoring a bundle's snapshot (snapshot.test.ts):
//   node snapshot-child.mjs BUNDLE   -> {"restored": bool, "random": [...]}
import { loadPyodideWithBundle } from '@pybundle/pyodide'

const warnings = []
const py = await loadPyodideWithBundle({ bundle: process.argv[2], stdout: () => {}, stderr: () => {}, onWarning: (m) => warnings.push(m) })
const [random, argv] = JSON.parse(py.runPython('import random, json, sys; json.dumps([[random.random() for _ in range(4)], sys.argv])'))
process.stdout.write(JSON.stringify({ restored: warnings.length === 0, warnings, random, argv }) + '\n')
