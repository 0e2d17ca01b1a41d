/** A small log-log line plot as SVG text (no outside service, no dependency). */
export interface Series {
  name: string
  color: string
  dashed?: boolean
  points: [number, number][]
}

const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')

function fmtTime(ns: number): string {
  if (ns < 1e3) return `${ns} ns`
  if (ns < 1e6) return `${ns / 1e3} µs`
  if (ns < 1e9) return `${ns / 1e6} ms`
  return `${ns / 1e9} s`
}

export function logLogPlot(title: string, xLabel: string, series: Series[], subtitle = ''): string {
  const W = 760, H = 460, L = 80, R = 250, T = 56, B = 56
  const xs = series.flatMap((s) => s.points.map((p) => p[0]))
  const ys = series.flatMap((s) => s.points.map((p) => p[1]))
  const x0 = Math.floor(Math.log10(Math.min(...xs))), x1 = Math.ceil(Math.log10(Math.max(...xs)))
  const y0 = Math.floor(Math.log10(Math.min(...ys))), y1 = Math.ceil(Math.log10(Math.max(...ys)))
  const px = (x: number): number => L + ((Math.log10(x) - x0) / (x1 - x0 || 1)) * (W - L - R)
  const py = (y: number): number => H - B - ((Math.log10(y) - y0) / (y1 - y0 || 1)) * (H - T - B)
  const o: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="12">`,
    `<rect width="${W}" height="${H}" fill="white"/>`,
    `<text x="${L}" y="22" font-size="15" font-weight="bold">${esc(title)}</text>`,
    `<text x="${L}" y="40" fill="#555">${esc(subtitle)}</text>`,
  ]
  for (let e = y0; e <= y1; e++) {
    const y = py(10 ** e)
    o.push(`<line x1="${L}" x2="${W - R}" y1="${y}" y2="${y}" stroke="#ddd"/>`, `<text x="${L - 6}" y="${y + 4}" text-anchor="end">${fmtTime(10 ** e)}</text>`)
  }
  for (let e = x0; e <= x1; e++) {
    const x = px(10 ** e)
    o.push(`<line x1="${x}" x2="${x}" y1="${T}" y2="${H - B}" stroke="#ddd"/>`, `<text x="${x}" y="${H - B + 18}" text-anchor="middle">${(10 ** e).toLocaleString('en-US')}</text>`)
  }
  o.push(`<text x="${(L + W - R) / 2}" y="${H - 14}" text-anchor="middle">${esc(xLabel)}</text>`)
  o.push(`<rect x="${L}" y="${T}" width="${W - L - R}" height="${H - T - B}" fill="none" stroke="#888"/>`)
  series.forEach((s, i) => {
    const d = s.points.map((p, k) => `${k ? 'L' : 'M'}${px(p[0]).toFixed(1)},${py(p[1]).toFixed(1)}`).join(' ')
    o.push(`<path d="${d}" fill="none" stroke="${s.color}" stroke-width="2"${s.dashed ? ' stroke-dasharray="6 4"' : ''}/>`)
    for (const p of s.points) o.push(`<circle cx="${px(p[0]).toFixed(1)}" cy="${py(p[1]).toFixed(1)}" r="3" fill="${s.color}"/>`)
    const ly = T + 10 + i * 22
    o.push(`<line x1="${W - R + 16}" x2="${W - R + 40}" y1="${ly}" y2="${ly}" stroke="${s.color}" stroke-width="2"${s.dashed ? ' stroke-dasharray="6 4"' : ''}/>`)
    o.push(`<text x="${W - R + 46}" y="${ly + 4}">${esc(s.name)}</text>`)
  })
  o.push('</svg>')
  return o.join('\n') + '\n'
}
