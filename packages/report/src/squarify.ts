/**
 * Squarified treemap layout (Bruls, Huizing, van Wijk, "Squarified Treemaps",
 * 2000): rows of rectangles along the shorter side, a row grows while that
 * does not worsen its worst aspect ratio.
 *
 * This function is also injected into the report page by Function#toString,
 * so it must stay self-contained: no imports, no references to anything
 * outside its own body.
 */
export function squarify(values: readonly number[], x: number, y: number, w: number, h: number): { x: number; y: number; w: number; h: number }[] {
  const n = values.length
  const out = new Array<{ x: number; y: number; w: number; h: number }>(n)
  let total = 0
  for (let i = 0; i < n; i++) total += Math.max(0, values[i])
  if (n === 0) return out
  if (total <= 0 || w <= 0 || h <= 0) {
    for (let i = 0; i < n; i++) out[i] = { x, y, w: 0, h: 0 }
    return out
  }
  // Work in areas: the layout is correct for any order, and squarest when
  // values come sorted from largest to smallest (the caller's job).
  const scale = (w * h) / total
  const areas = values.map((v) => Math.max(0, v) * scale)
  let i = 0
  while (i < n) {
    const side = Math.min(w, h)
    // Grow the row [i, j) while the worst aspect ratio improves.
    let j = i
    let sum = 0
    let min = Infinity
    let max = 0
    let worst = Infinity
    while (j < n) {
      const a = areas[j]
      const s2 = sum + a
      const mn = Math.min(min, a)
      const mx = Math.max(max, a)
      const ss = side * side
      const wr = s2 === 0 ? Infinity : Math.max((ss * mx) / (s2 * s2), (s2 * s2) / (ss * mn))
      if (j > i && wr > worst) break
      sum = s2
      min = mn
      max = mx
      worst = wr
      j++
    }
    // Lay the row along the shorter side; the last row takes what remains so
    // rounding never leaves a sliver.
    const last = j === n
    if (w >= h) {
      const rw = last ? w : sum / h
      let yy = y
      for (let k = i; k < j; k++) {
        const rh = sum === 0 ? 0 : (areas[k] / sum) * h
        out[k] = { x, y: yy, w: rw, h: rh }
        yy += rh
      }
      x += rw
      w -= rw
    } else {
      const rh = last ? h : sum / w
      let xx = x
      for (let k = i; k < j; k++) {
        const rw = sum === 0 ? 0 : (areas[k] / sum) * w
        out[k] = { x: xx, y, w: rw, h: rh }
        xx += rw
      }
      y += rh
      h -= rh
    }
    i = j
  }
  return out
}
