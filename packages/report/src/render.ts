import { createHash } from 'node:crypto'
import { reportPage } from './page.js'
import type { ReportData } from './report-data.js'
import { validateReportData } from './validate.js'
import { squarify } from './squarify.js'
import { buildTree } from './tree.js'

export interface RenderOptions {
  /** Page title and heading; default `pybundle report`. */
  title?: string
  /** A second bundle's figures: adds a "change" colouring (what grew or shrank) and a header figure. */
  compare?: ReportData
  /** What to call the compared bundle in the page; default `baseline`. */
  compareLabel?: string
}

const STYLE = `
*{box-sizing:border-box}
html,body{margin:0;height:100%}
body{display:flex;flex-direction:column;font:13px/1.4 system-ui,"DejaVu Sans","Liberation Sans",sans-serif;color:#e8eaed;background:#22262c}
header{padding:8px 12px 6px;background:#2c3139;border-bottom:1px solid #3c424b}
h1{font-size:16px;margin:0 12px 0 0;display:inline-block;vertical-align:middle}
#chips{display:inline-flex;flex-wrap:wrap;gap:6px;vertical-align:middle}
.chip{display:inline-flex;border-radius:4px;overflow:hidden;border:1px solid #4a515c}
.chip .k{padding:1px 6px;background:#3a4049;color:#b8bec8}
.chip .v{padding:1px 6px;font-weight:600;font-variant-numeric:tabular-nums}
.ck-ok .v{background:#1f6f3a}.ck-mismatch .v{background:#a4262c}.ck-unchecked .v{background:#5a5f68}
#tables{margin-top:5px;color:#b8bec8;font-size:12px;display:flex;gap:18px;flex-wrap:wrap}
#sections{display:flex;height:16px;margin-top:5px;border-radius:3px;overflow:hidden;font-size:10px;line-height:16px;color:#111}
#sections .seg{min-width:2px;padding:0 3px;white-space:nowrap;overflow:hidden}
nav{display:flex;align-items:center;gap:10px;padding:5px 12px;background:#262a31;border-bottom:1px solid #3c424b}
#crumbs{flex:1;display:flex;align-items:center;gap:4px;flex-wrap:wrap;min-width:0}
button{font:inherit;color:inherit;background:none;border:0;padding:0;cursor:pointer}
.crumb{padding:1px 6px;border-radius:3px;background:#3a4049}.crumb:hover{background:#4a515c}
.crumb.current{background:#ffd400;color:#111;font-weight:600}
.sep{color:#8a919c}.crumb-size{margin-left:8px;color:#b8bec8}
.searchbox{position:relative}
#search{width:280px;padding:4px 8px;font:inherit;color:#111;border-radius:4px;border:1px solid #8a919c}
#matches{position:absolute;z-index:5;right:0;top:100%;margin:2px 0 0;padding:0;list-style:none;width:360px;background:#fff;color:#111;border-radius:4px;box-shadow:0 4px 16px rgba(0,0,0,.5);max-height:60vh;overflow:auto}
#matches li{display:flex;justify-content:space-between;gap:8px;padding:3px 8px;cursor:pointer}
#matches li.active,#matches li:hover{background:#ffe873}
.colour label{margin-left:8px;cursor:pointer}
main{flex:1;display:flex;min-height:0}
#stage{flex:1;position:relative;min-width:0;min-height:320px;overflow:hidden}
#map{display:block;position:absolute;left:0;top:0;cursor:pointer}
#tip{position:absolute;pointer-events:none;background:rgba(20,22,26,.95);border:1px solid #5a616c;border-radius:4px;padding:4px 8px;display:flex;flex-direction:column;max-width:360px;font-size:12px}
#tip[hidden]{display:none}#tip .hint{color:#ffd400}
aside{width:330px;flex:none;overflow:auto;padding:10px 12px;background:#2c3139;border-left:1px solid #3c424b}
h2{font-size:14px;margin:0 0 6px;word-break:break-all}h3{font-size:12px;margin:14px 0 4px;color:#b8bec8;text-transform:uppercase;letter-spacing:.04em}
.badge{margin-left:6px;font-size:11px;font-weight:400;padding:0 5px;border-radius:3px;background:#4a515c;vertical-align:middle}
dl{display:grid;grid-template-columns:auto 1fr;gap:2px 10px;margin:0}dt{color:#b8bec8;white-space:nowrap}dd{margin:0;text-align:right;white-space:nowrap;font-variant-numeric:tabular-nums}
#largest{margin:0;padding-left:20px}#largest li{margin:1px 0}#largest li::marker{color:#8a919c}
#largest li{display:list-item}.link{text-decoration:underline;text-decoration-color:#6a717c}.link:hover{color:#ffd400}
.num{float:right;color:#b8bec8;font-variant-numeric:tabular-nums}
#legend .item{display:flex;align-items:center;gap:6px;margin:2px 0}
.sw{display:inline-block;width:14px;height:14px;border-radius:2px;border:1px solid #111}
.scale{display:flex;align-items:center;gap:6px}.grad{flex:1;height:12px;border-radius:2px}
.legend-title{margin-bottom:4px;color:#b8bec8}
.help{color:#8a919c;font-size:12px;margin-top:14px}
kbd{border:1px solid #5a616c;border-radius:3px;padding:0 3px;font-size:11px}
`

const BODY = `
<header>
  <h1 id="title"></h1><div id="chips"></div>
  <div id="tables"></div>
  <div id="sections" aria-label="sections of the file"></div>
</header>
<nav>
  <div id="crumbs" aria-label="zoom path"></div>
  <div class="colour" role="radiogroup" aria-label="colour by">colour by
    <label><input type="radio" name="colour" value="kind" checked> kind</label>
    <label><input type="radio" name="colour" value="sharing"> sharing</label>
    <label><input type="radio" name="colour" value="change"> change</label>
  </div>
  <div class="searchbox">
    <input id="search" type="search" placeholder="find a module (press /)" autocomplete="off" spellcheck="false" aria-label="find a module">
    <ul id="matches" hidden></ul>
  </div>
</nav>
<main>
  <div id="stage"><canvas id="map" aria-label="treemap of the bundle"></canvas><div id="tip" hidden></div></div>
  <aside>
    <div id="details"></div>
    <h3 id="largest-title"></h3>
    <ol id="largest"></ol>
    <h3>Legend</h3>
    <div id="legend"></div>
    <p class="help">Area is bytes attributed to a module. Click a package to zoom in, a module for its figures;
    scroll or double-click to zoom, <kbd>Esc</kbd> to zoom out, <kbd>/</kbd> to search.</p>
  </aside>
</main>
`

const escapeHtml = (s: string): string => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)

/** JSON inside a <script> element: `<` escaped so no `</script>` or `<!--` can end it early. */
const scriptJson = (v: unknown): string =>
  JSON.stringify(v)
    .replace(/</g, '\\u003c')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029')

const sha256 = (s: string): string => `'sha256-${createHash('sha256').update(s, 'utf8').digest('base64')}'`

/**
 * One self-contained HTML file: the data is embedded as JSON, the page's
 * script and style are inline, and a Content-Security-Policy that allows only
 * those two (by hash) means the page cannot fetch anything even if asked to.
 */
export function renderReport(data: ReportData, options: RenderOptions = {}): string {
  validateReportData(data, 'data')
  if (options.compare) validateReportData(options.compare, 'compare')
  const title = options.title ?? 'pybundle report'
  const script =
    `\n"use strict";\n` +
    `(function(){\n` +
    `const data = JSON.parse(document.getElementById('pyb-data').textContent);\n` +
    `const baseEl = document.getElementById('pyb-compare');\n` +
    `const base = baseEl ? JSON.parse(baseEl.textContent) : null;\n` +
    `document.getElementById('title').textContent = ${scriptJson(title)};\n` +
    `(${reportPage.toString()})(data, base, ${scriptJson(options.compareLabel ?? 'baseline')}, {\n` +
    `  squarify: ${squarify.toString()},\n` +
    `  buildTree: ${buildTree.toString()},\n` +
    `});\n` +
    `})();\n`
  const csp = `default-src 'none'; script-src ${sha256(script)}; style-src ${sha256(STYLE)}; img-src data:`
  return (
    `<!doctype html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n` +
    `<meta http-equiv="Content-Security-Policy" content="${csp}">\n` +
    `<meta name="viewport" content="width=device-width, initial-scale=1">\n` +
    `<meta name="generator" content="@pybundle/report">\n` +
    `<title>${escapeHtml(title)}</title>\n` +
    `<style>${STYLE}</style>\n</head>\n<body>${BODY}` +
    `<script type="application/json" id="pyb-data">${scriptJson(data)}</script>\n` +
    (options.compare ? `<script type="application/json" id="pyb-compare">${scriptJson(options.compare)}</script>\n` : '') +
    `<script>${script}</script>\n</body>\n</html>\n`
  )
}
