/**
 * The browser (issue 16), measured by benchmarks/browser/browser.ts
 * (runBrowserCase: headless Chromium, the contenders interleaved, a cold
 * and a warm load each per round), shown as lines of the same table:
 * navigation to Pyodide ready and the app's imports, cold and warm, plus the
 * bytes sent over the network (brotli, as served).
 */
import { lines, type CaseResult, type Target } from '../case.js'
import type { Sample } from '../harness.js'
import { runBrowserCase, type Load, type Mode } from '../../browser/browser.js'
import { median } from '../harness.js'


export async function browserCase(quick: boolean): Promise<CaseResult> {
  const r = await runBrowserCase({ runs: quick ? 2 : 5, onProgress: (m) => process.stderr.write(`[bench] browser: ${m}\n`) })
  const base = {
    id: 'browser',
    title: '10. The browser: Pyodide in headless Chromium, imports over HTTP',
    description: 'one page load: navigation start to Pyodide ready (ready), then `import webapp.main` (jinja2, markupsafe, markdown, pygments, yaml: imports); cold = fresh browser context, warm = the same context again (HTTP cache, compiled WebAssembly cached)',
  }
  if (r.skipped !== null) return { ...base, lines: [], tables: [], targets: [], notes: [`skipped: ${r.skipped}`] }
  const sample = (name: string, xs: number[], note: string): Sample => ({ name, samples: xs.map((ms) => ms * 1e6), opsPerSample: 1, where: 'subprocess', note })
  // The targets are read on what examples/browser deploys: the layered pair in its wire form (SPEC §18).
  const DEPLOYED: Mode = 'wire'
  const order = [...r.contenders].sort((a, b) => (a.name === DEPLOYED ? -1 : b.name === DEPLOYED ? 1 : 0))
  const group = (what: string, pick: (l: Load) => number, k: 'cold' | 'warm') =>
    order.map((c) => ({ sample: sample(c.name, c[k].map(pick), c.description), group: `browser ${what}, ${k}`, baseline: c.name === DEPLOYED }))
  const ls = lines([
    ...group('ready', (l) => l.readyMs, 'cold'),
    ...group('imports', (l) => l.importedMs, 'cold'),
    ...group('ready', (l) => l.readyMs, 'warm'),
    ...group('imports', (l) => l.importedMs, 'warm'),
  ])
  const by = (n: Mode) => r.contenders.find((c) => c.name === n)!
  const m = (n: Mode, k: 'cold' | 'warm', f: (l: Load) => number) => median(by(n)[k].map(f))
  const f = (x: number) => `${x.toFixed(2)}x`
  const moduleBytes = (...ps: string[]) => (ps.reduce((n, p) => n + (r.files[p]?.br ?? NaN), 0) / 1e6).toFixed(3)
  const bytesZip = m('pyczip', 'cold', (l) => l.bytes)
  // Each target read on the deployed pair without a snapshot (wire) and with the app bundle's memory snapshot (snapshot): the snapshot's
  // 4-5 MB are on top of the same modules, so its bytes line says both.
  const targetsOf = (mode: Mode, suffix: string, label: string): Target[] => {
    const readyX = m('stock', 'cold', (l) => l.readyMs) / m(mode, 'cold', (l) => l.readyMs)
    const importX = m('pyczip', 'cold', (l) => l.importedMs) / m(mode, 'cold', (l) => l.importedMs)
    const bytes = m(mode, 'cold', (l) => l.bytes)
    const snapshotMb = mode === 'snapshot' ? `; the snapshot file ${moduleBytes('/dist/app.pyb.snapshot')} MB of it` : ''
    return [
      { id: `browser-ready-vs-stock${suffix}`, description: `browser${label}: ready at least 2.5x faster than stock Pyodide, cold cache`, value: f(readyX), met: readyX >= 2.5 },
      { id: `browser-import-vs-pyczip${suffix}`, description: `browser${label}: the app's imports at least 1.3x faster than with the .pyc zip, cold cache`, value: f(importX), met: importX >= 1.3 },
      // Per load, everything the page fetched: pybundle's own JavaScript (bundled by examples/browser/server.mjs) counts for the pybundle contenders
      // only, as the zip contenders' pages do not load it. The modules alone: the wire pair against the two zips.
      { id: `browser-bytes-vs-pyczip${suffix}`, description: `browser${label}: compressed bytes over the network no more than the .pyc zip's`, value: `${(bytes / 1e6).toFixed(2)} MB vs ${(bytesZip / 1e6).toFixed(2)} MB per load (the modules alone: ${moduleBytes('/dist/stdlib.pyb.wire', '/dist/app.pyb.wire')} vs ${moduleBytes('/dist/stdlib-pyc.zip', '/dist/app-pyc.zip')} MB${snapshotMb})`, met: bytes <= bytesZip },
    ]
  }
  const targets: Target[] = [...targetsOf(DEPLOYED, '', ''), ...(r.contenders.some((c) => c.name === 'snapshot') ? targetsOf('snapshot', '-snapshot', ' with the app bundle\'s memory snapshot') : [])]
  const mb = (x: number) => (x / 1e6).toFixed(2)
  return {
    ...base,
    lines: ls,
    tables: [
      {
        title: 'Bytes over the network per page load (median; brotli as served, 304s count 0)',
        columns: ['contender', 'cold MB', 'cold requests', 'warm MB', 'warm requests'],
        rows: r.contenders.map((c) => [c.name, mb(median(c.cold.map((l) => l.bytes))), median(c.cold.map((l) => l.requests)), mb(median(c.warm.map((l) => l.bytes))), median(c.warm.map((l) => l.requests))]),
      },
      {
        title: 'Files the contenders fetch (uncompressed, brotli)',
        columns: ['file', 'bytes', 'brotli'],
        rows: Object.entries(r.files).map(([p, s]) => [p, s.bytes.toLocaleString('en-US'), s.br.toLocaleString('en-US')]),
      },
    ],
    targets,
    notes: [`Measured by benchmarks/browser/browser.ts: ${r.runs} rounds, each loading every contender cold then warm, order rotating; runs = page loads.`],
    data: { contenders: r.contenders, files: r.files },
  }
}
