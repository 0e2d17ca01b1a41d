import type { ReportData } from './report-data.js'
import type { squarify as Squarify } from './squarify.js'
import type { buildTree as BuildTree, TreeNode } from './tree.js'

/** What the page exposes as `window.pybundleReport`, for tests and for people in the devtools console. */
export interface PageApi {
  /** Number of rectangles drawn at depth 0 in the bundle view: the top-level packages and modules. */
  topLevelCount: number
  renderCount: number
  /** Of the last render, in ms (informational; tests do not assert it). */
  lastRenderMs: number
  /** From the start of the page script (data parsed) to the first picture, in ms (informational). */
  initMs: number
  state(): PageState
}

export interface PageState {
  /** Names from the root to the zoomed-in group ('' is the bundle). */
  path: string[]
  focus: string
  selected: string | null
  highlighted: string | null
  colorMode: string
  /** What is drawn, parents before children; `size` is the node's bytes attributed. */
  rects: { name: string; label: string; kind: string; depth: number; open: boolean; size: number; x: number; y: number; w: number; h: number }[]
}

interface Lib {
  squarify: typeof Squarify
  buildTree: typeof BuildTree
}

/**
 * The report page's whole behaviour. Injected into the HTML by
 * Function#toString and called with the embedded data: it must stay
 * self-contained (no imports at run time, no references outside its body;
 * the helpers it needs arrive in `lib`).
 */
export function reportPage(data: ReportData, base: ReportData | null, baseLabel: string, lib: Lib): void {
  const started = performance.now()
  const HEADER = 16 // px, the label strip of an open group
  const PAD = 2 // px, frame of an open group around its children
  const MAX_DEPTH = 6
  const MIN_OPEN = 34 // px, a group smaller than this is drawn as one block

  const $ = <T extends HTMLElement>(id: string): T => document.getElementById(id) as T
  const canvas = $<HTMLCanvasElement>('map')
  const stage = $<HTMLDivElement>('stage')
  const tip = $<HTMLDivElement>('tip')
  const crumbs = $<HTMLElement>('crumbs')
  const details = $<HTMLDivElement>('details')
  const largest = $<HTMLOListElement>('largest')
  const largestTitle = $<HTMLElement>('largest-title')
  const legend = $<HTMLDivElement>('legend')
  const search = $<HTMLInputElement>('search')
  const matches = $<HTMLUListElement>('matches')
  // willReadFrequently: the tests read pixels back; the map is a few thousand
  // fillRects, as fast on the CPU as on the GPU.
  const ctx = canvas.getContext('2d', { willReadFrequently: true }) as CanvasRenderingContext2D

  const root = lib.buildTree(data.modules, data.regions ?? [])
  const total = root.size
  /** Whether the figures say which table entries a module owns or shares (older inspect output does not). */
  const hasEntries = root.figures.stringsOwned + root.figures.stringsShared + root.figures.constsOwned + root.figures.constsShared > 0

  // --- lookups --------------------------------------------------------------
  /** The node a module name stands for: a package's group, a module's leaf. */
  const byName = new Map<string, TreeNode>()
  const index = (n: TreeNode): void => {
    if (n.kind !== 'init' && n.kind !== 'root') byName.set(n.name, n)
    for (const c of n.children) index(c)
  }
  index(root)
  const names = [...byName.keys()].sort()
  const baseSize = new Map<string, number>()
  let removed: string[] = []
  if (base) {
    for (const m of base.modules) baseSize.set(m.name, m.bytesAttributed)
    for (const r of base.regions ?? []) baseSize.set(`[${r.kind}] ${r.name}`, r.bytes)
    const now = new Set(data.modules.map((m) => m.name))
    removed = base.modules.filter((m) => !now.has(m.name)).map((m) => m.name)
  }
  /** Baseline bytes of a node, or -1 when the baseline has none of it. */
  const baseOf = (n: TreeNode): number => {
    if (n.children.length === 0) return baseSize.has(n.name) ? (baseSize.get(n.name) as number) : -1
    let s = 0
    let any = false
    for (const c of n.children) {
      const b = baseOf(c)
      if (b >= 0) {
        s += b
        any = true
      }
    }
    return any ? s : -1
  }

  // --- formatting -----------------------------------------------------------
  const nf = new Intl.NumberFormat('en-US')
  const int = (v: number): string => nf.format(v)
  const bytes = (v: number): string => {
    const a = Math.abs(v)
    if (a < 1024) return `${v} B`
    if (a < 1024 * 1024) return `${(v / 1024).toFixed(1)} KiB`
    return `${(v / 1024 / 1024).toFixed(2)} MiB`
  }
  const pct = (part: number, whole: number): string => {
    if (whole <= 0) return '–'
    const p = (100 * part) / whole
    return p !== 0 && Math.abs(p) < 0.01 ? '<0.01%' : `${p.toFixed(Math.abs(p) < 1 ? 2 : 1)}%`
  }
  const displayName = (n: TreeNode): string =>
    n.kind === 'root' ? 'bundle'
      : n.kind === 'init' ? `${n.name} (__init__)`
        : n.kind === 'data' ? `${n.label} (data files)`
          : n.kind === 'metadata' || n.kind === 'region' || n.kind === 'resources' ? n.label
            : n.name
  const el = <K extends keyof HTMLElementTagNameMap>(tag: K, cls?: string, text?: string): HTMLElementTagNameMap[K] => {
    const e = document.createElement(tag)
    if (cls) e.className = cls
    if (text !== undefined) e.textContent = text
    return e
  }

  // --- colours --------------------------------------------------------------
  type Mode = 'kind' | 'sharing' | 'change'
  let mode: Mode = 'kind'
  const hash = (s: string): number => {
    let h = 0x811c9dc5
    for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193)
    return h >>> 0
  }
  const KIND_COLOURS: Record<string, [number, number, number]> = {
    module: [212, 55, 62],
    init: [28, 85, 60],
    package: [28, 70, 68],
    namespace: [275, 38, 64],
    group: [0, 0, 70],
    resources: [140, 30, 60],
    data: [140, 50, 52],
    metadata: [170, 45, 50],
    region: [0, 0, 48],
  }
  type RGB = [number, number, number]
  const hslRgb = (h: number, s: number, l: number): RGB => {
    const S = s / 100
    const L = l / 100
    const k = (n: number): number => (n + h / 30) % 12
    const a = S * Math.min(L, 1 - L)
    const f = (n: number): number => Math.round(255 * (L - a * Math.max(-1, Math.min(k(n) - 3, 9 - k(n), 1))))
    return [f(0), f(8), f(4)]
  }
  const hex = (c: string): RGB => {
    const v = parseInt(c.slice(1), 16)
    return [(v >> 16) & 255, (v >> 8) & 255, v & 255]
  }
  const css = (c: RGB): string => `rgb(${c[0]} ${c[1]} ${c[2]})`
  /** Black or white text, by the fill's luminance. */
  const ink = (c: RGB): string => (0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2] > 150 ? '#111' : '#fff')
  const mix = (stops: readonly string[], t: number): RGB => {
    const c = Math.min(1, Math.max(0, t)) * (stops.length - 1)
    const i = Math.min(stops.length - 2, Math.floor(c))
    const f = c - i
    const a = hex(stops[i])
    const b = hex(stops[i + 1])
    return [0, 1, 2].map((j) => Math.round(a[j] * (1 - f) + b[j] * f)) as RGB
  }
  // viridis, reversed so "mostly shared" is dark
  const SHARE_STOPS = ['#fde725', '#5ec962', '#21918c', '#3b528b', '#440154']
  const CHANGE_STOPS = ['#1a9850', '#91cf60', '#e6e6e6', '#fc8d59', '#d73027']
  const NEW_COLOUR = '#c51b7d'
  const shareOf = (n: TreeNode): number => {
    const f = n.figures
    const all = f.stringsOwned + f.stringsShared + f.constsOwned + f.constsShared
    return all > 0 ? (f.stringsShared + f.constsShared) / all : 0
  }
  const fill = (n: TreeNode): RGB => {
    if (mode === 'sharing') return mix(SHARE_STOPS, shareOf(n))
    if (mode === 'change') {
      const b = baseOf(n)
      if (b < 0) return hex(NEW_COLOUR)
      const r = b === 0 ? (n.size > 0 ? 1 : 0) : (n.size - b) / b
      return mix(CHANGE_STOPS, 0.5 + Math.max(-0.5, Math.min(0.5, r)))
    }
    const [h, s, l] = KIND_COLOURS[n.kind] ?? KIND_COLOURS.group
    // a little lightness jitter so neighbours of one kind stay apart
    return hslRgb(h, s, l + ((hash(n.name) % 9) - 4))
  }
  const frame = (n: TreeNode): string => {
    if (mode !== 'kind') return '#5f6670'
    return n.kind === 'package' ? '#7a4a1c' : n.kind === 'namespace' ? '#5b3c6e' : '#4a4f57'
  }

  // --- state ----------------------------------------------------------------
  let focus: TreeNode = root
  let hover: TreeNode | null = null
  let selected: TreeNode | null = null
  let highlighted: TreeNode | null = null
  interface Drawn {
    node: TreeNode
    x: number
    y: number
    w: number
    h: number
    depth: number
    open: boolean
  }
  let drawn: Drawn[] = []
  let cssW = 0
  let cssH = 0
  const api: PageApi = {
    topLevelCount: root.children.filter((c) => c.size > 0).length,
    renderCount: 0,
    lastRenderMs: 0,
    initMs: 0,
    state: () => ({
      path: pathOf(focus).map((n) => n.name),
      focus: focus.name,
      selected: selected ? selected.name : null,
      highlighted: highlighted ? highlighted.name : null,
      colorMode: mode,
      rects: drawn.map((d) => ({
        name: d.node.name,
        label: d.node.label,
        kind: d.node.kind,
        depth: d.depth,
        open: d.open,
        size: d.node.size,
        x: d.x,
        y: d.y,
        w: d.w,
        h: d.h,
      })),
    }),
  }
  ;(window as unknown as { pybundleReport: PageApi }).pybundleReport = api

  const pathOf = (n: TreeNode): TreeNode[] => {
    const p: TreeNode[] = []
    for (let c: TreeNode | null = n; c; c = c.parent) p.unshift(c)
    return p
  }
  const within = (n: TreeNode, g: TreeNode): boolean => {
    for (let c: TreeNode | null = n; c; c = c.parent) if (c === g) return true
    return false
  }

  // --- layout and drawing ---------------------------------------------------
  const layout = (node: TreeNode, x: number, y: number, w: number, h: number, depth: number): void => {
    const kids = node.children.filter((c) => c.size > 0)
    const rs = lib.squarify(
      kids.map((c) => c.size),
      x,
      y,
      w,
      h,
    )
    for (let i = 0; i < kids.length; i++) {
      const r = rs[i]
      if (r.w < 0.5 || r.h < 0.5) continue
      const c = kids[i]
      const open = c.children.length > 0 && depth < MAX_DEPTH && r.w >= MIN_OPEN && r.h >= MIN_OPEN
      drawn.push({ node: c, x: r.x, y: r.y, w: r.w, h: r.h, depth, open })
      if (open) layout(c, r.x + PAD, r.y + HEADER, r.w - 2 * PAD, r.h - HEADER - PAD, depth + 1)
    }
  }
  const FONT = '11px system-ui, "DejaVu Sans", "Liberation Sans", sans-serif'
  const BOLD = 'bold 11px system-ui, "DejaVu Sans", "Liberation Sans", sans-serif'
  // Text widths are cached per font: every hover redraws the map, with the same labels.
  const widths = new Map<string, number>()
  const measure = (text: string): number => {
    const key = `${ctx.font}\u0000${text}`
    let w = widths.get(key)
    if (w === undefined) {
      w = ctx.measureText(text).width
      widths.set(key, w)
    }
    return w
  }
  /** The text, or its longest prefix (4 characters at least) with an ellipsis, that fits in `max` px. */
  const fitText = (text: string, max: number): string => {
    if (measure(text) <= max) return text
    let lo = 0
    let hi = text.length
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1
      if (measure(text.slice(0, mid) + '…') <= max) lo = mid
      else hi = mid - 1
    }
    return lo >= 4 ? text.slice(0, lo) + '…' : ''
  }
  const draw = (): void => {
    const t0 = performance.now()
    const dpr = window.devicePixelRatio || 1
    cssW = stage.clientWidth
    cssH = stage.clientHeight
    if (canvas.width !== Math.round(cssW * dpr) || canvas.height !== Math.round(cssH * dpr)) {
      canvas.width = Math.round(cssW * dpr)
      canvas.height = Math.round(cssH * dpr)
      canvas.style.width = `${cssW}px`
      canvas.style.height = `${cssH}px`
    }
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0)
    ctx.fillStyle = '#22262c'
    ctx.fillRect(0, 0, cssW, cssH)
    drawn = []
    layout(focus, 0, 0, cssW, cssH, 0)
    ctx.textBaseline = 'top'
    for (const d of drawn) {
      const { node, x, y, w, h } = d
      if (d.open) {
        const c = frame(node)
        ctx.fillStyle = c
        ctx.fillRect(x, y, w, h)
        ctx.font = BOLD
        const full = `${node.label}  ${bytes(node.size)}`
        const label = measure(full) <= w - 6 ? full : fitText(node.label, w - 6)
        if (label) {
          ctx.fillStyle = '#fff'
          ctx.fillText(label, x + 3, y + 3)
        }
      } else {
        const c = fill(node)
        ctx.fillStyle = css(c)
        ctx.fillRect(x, y, w, h)
        ctx.strokeStyle = 'rgba(20,22,26,0.55)'
        ctx.lineWidth = 1
        if (w > 2 && h > 2) ctx.strokeRect(x + 0.5, y + 0.5, w - 1, h - 1)
        if (w >= 28 && h >= 14) {
          ctx.fillStyle = ink(c)
          ctx.font = node.children.length > 0 ? BOLD : FONT
          const label = fitText(node.label, w - 6)
          if (label) ctx.fillText(label, x + 3, y + 3)
          if (h >= 28) {
            ctx.font = FONT
            const sz = fitText(bytes(node.size), w - 6)
            if (sz) ctx.fillText(sz, x + 3, y + 16)
          }
        }
      }
    }
    const ring = (n: TreeNode | null, colour: string, width: number): void => {
      if (!n) return
      const d = drawn.find((r) => r.node === n)
      if (!d) return
      ctx.strokeStyle = colour
      ctx.lineWidth = width
      ctx.strokeRect(d.x + width / 2, d.y + width / 2, Math.max(0, d.w - width), Math.max(0, d.h - width))
    }
    ring(hover, 'rgba(255,255,255,0.9)', 2)
    if (selected !== highlighted) ring(selected, '#ffd400', 2)
    if (highlighted) {
      ring(highlighted, '#000', 5)
      ring(highlighted, '#ffd400', 3)
    }
    api.renderCount++
    api.lastRenderMs = performance.now() - t0
  }

  // --- side panel -----------------------------------------------------------
  const showDetails = (n: TreeNode): void => {
    details.replaceChildren()
    const title = el('h2', '', displayName(n))
    const kindText = n.kind === 'init' ? 'package __init__' : n.kind === 'root' ? `${int(n.figures.modules)} modules` : n.kind === 'data' ? 'data files of a package' : n.kind === 'metadata' ? 'distribution metadata' : n.kind === 'region' ? 'file structure (not code)' : n.kind
    title.append(el('span', `badge k-${n.kind}`, kindText))
    details.append(title)
    const f = n.figures
    const rows: [string, string][] = [
      ['bytes attributed', bytes(n.size)],
      ['exactly', `${int(n.size)} B`],
      ['share of bundle', pct(n.size, total)],
    ]
    if (n.parent && n.parent !== root) rows.push([`share of ${n.parent.name}`, pct(n.size, n.parent.size)])
    if (n.children.length > 0) rows.push(['modules', int(f.modules)])
    rows.push(['code objects', int(f.codeObjects)], ['bytecode', `${int(f.bytecodeBytes)} B`])
    if (hasEntries) {
      rows.push(
        ['strings owned / shared', `${int(f.stringsOwned)} / ${int(f.stringsShared)}`],
        ['consts owned / shared', `${int(f.constsOwned)} / ${int(f.constsShared)}`],
        ['entries shared', pct(f.stringsShared + f.constsShared, f.stringsOwned + f.stringsShared + f.constsOwned + f.constsShared)],
      )
    }
    if (base) {
      const b = baseOf(n)
      rows.push([`in ${baseLabel}`, b < 0 ? 'absent (new)' : `${bytes(b)} → ${n.size - b >= 0 ? '+' : ''}${bytes(n.size - b)} (${b > 0 ? pct(n.size - b, b) : '–'})`])
    }
    const dl = el('dl')
    for (const [k, v] of rows) dl.append(el('dt', '', k), el('dd', '', v))
    details.append(dl)
  }
  const showLargest = (): void => {
    largestTitle.textContent = `Largest in ${displayName(focus)}`
    largest.replaceChildren()
    for (const c of focus.children.slice(0, 12)) {
      if (c.size <= 0) break
      const li = el('li')
      const a = el('button', 'link', c.kind === 'init' ? `${c.label} (${c.name})` : c.label)
      a.title = displayName(c)
      a.addEventListener('click', () => (c.children.length > 0 ? zoomTo(c) : select(c)))
      li.append(a, el('span', 'num', `${bytes(c.size)} · ${pct(c.size, focus.size)}`))
      largest.append(li)
    }
  }
  const showCrumbs = (): void => {
    crumbs.replaceChildren()
    const path = pathOf(focus)
    path.forEach((n, i) => {
      if (i > 0) crumbs.append(el('span', 'sep', '›'))
      const b = el('button', i === path.length - 1 ? 'crumb current' : 'crumb', n.kind === 'root' ? 'bundle' : n.label)
      b.dataset.name = n.name
      b.addEventListener('click', () => zoomTo(n))
      crumbs.append(b)
    })
    crumbs.append(el('span', 'crumb-size', `${bytes(focus.size)} · ${int(focus.figures.modules)} modules`))
  }
  const showLegend = (): void => {
    legend.replaceChildren()
    const swatch = (colour: string, text: string): HTMLElement => {
      const s = el('span', 'sw')
      s.style.background = colour
      const item = el('span', 'item')
      item.append(s, el('span', '', text))
      return item
    }
    if (mode === 'kind') {
      legend.append(
        swatch(css(hslRgb(...KIND_COLOURS.module)), 'module'),
        swatch(css(hslRgb(...KIND_COLOURS.init)), 'package (__init__)'),
        swatch(css(hslRgb(...KIND_COLOURS.package)), 'package, collapsed'),
        swatch(css(hslRgb(...KIND_COLOURS.namespace)), 'namespace package'),
        swatch('#7a4a1c', 'package frame'),
      )
      const has = (label: string): boolean => root.children.some((c) => c.kind === 'resources' && c.label === label)
      if (has('data files')) legend.append(swatch(css(hslRgb(...KIND_COLOURS.data)), 'package data'))
      if (has('metadata')) legend.append(swatch(css(hslRgb(...KIND_COLOURS.metadata)), 'distribution metadata'))
      if (root.children.some((c) => c.kind === 'region')) legend.append(swatch(css(hslRgb(...KIND_COLOURS.region)), 'header, indexes, shared tables, padding'))
    } else {
      const grad = el('span', 'grad')
      const stops = mode === 'sharing' ? SHARE_STOPS : CHANGE_STOPS
      grad.style.background = `linear-gradient(to right, ${stops.join(', ')})`
      const scale = el('div', 'scale')
      scale.append(
        el('span', '', mode === 'sharing' ? '0%' : '−50%'),
        grad,
        el('span', '', mode === 'sharing' ? '100%' : '+50%'),
      )
      legend.append(el('div', 'legend-title', mode === 'sharing' ? 'string + constant entries shared with earlier code' : `size change against ${baseLabel}`), scale)
      if (mode === 'change') legend.append(swatch(NEW_COLOUR, 'new module'))
    }
  }
  const refresh = (): void => {
    draw()
    showDetails(hover ?? selected ?? focus)
    showCrumbs()
    showLargest()
  }

  // --- actions --------------------------------------------------------------
  function zoomTo(n: TreeNode): void {
    if (n.children.length === 0) return
    focus = n
    hover = null
    refresh()
  }
  function select(n: TreeNode | null): void {
    selected = n
    refresh()
  }
  const reveal = (name: string): boolean => {
    const n = byName.get(name)
    if (!n) return false
    // zoom to the group holding it so it is seen in context, then mark it
    zoomTo(n.parent ?? root)
    selected = n
    highlighted = n
    refresh()
    return true
  }
  const hit = (ev: MouseEvent): Drawn | null => {
    const r = canvas.getBoundingClientRect()
    const x = ev.clientX - r.left
    const y = ev.clientY - r.top
    for (let i = drawn.length - 1; i >= 0; i--) {
      const d = drawn[i]
      if (x >= d.x && x < d.x + d.w && y >= d.y && y < d.y + d.h) return d
    }
    return null
  }
  /** The child of `focus` on the way to `n`. */
  const topOf = (n: TreeNode): TreeNode | null => {
    for (let c: TreeNode | null = n; c; c = c.parent) if (c.parent === focus) return c
    return null
  }

  canvas.addEventListener('mousemove', (ev) => {
    const d = hit(ev)
    const n = d ? d.node : null
    if (n !== hover) {
      hover = n
      draw()
      showDetails(hover ?? selected ?? focus)
    }
    if (!d) {
      tip.hidden = true
      return
    }
    tip.replaceChildren(el('b', '', displayName(d.node)), el('span', '', `${bytes(d.node.size)} · ${pct(d.node.size, total)} of bundle`))
    if (d.open || d.node.children.length > 0) tip.append(el('span', 'hint', 'click to zoom in'))
    tip.hidden = false
    const sr = stage.getBoundingClientRect()
    const tx = ev.clientX - sr.left + 14
    const ty = ev.clientY - sr.top + 14
    tip.style.left = `${Math.min(tx, cssW - tip.offsetWidth - 4)}px`
    tip.style.top = `${Math.min(ty, cssH - tip.offsetHeight - 4)}px`
  })
  canvas.addEventListener('mouseleave', () => {
    hover = null
    tip.hidden = true
    draw()
    showDetails(selected ?? focus)
  })
  canvas.addEventListener('click', (ev) => {
    const d = hit(ev)
    if (!d) return
    highlighted = null
    // A package (its frame, or a block too small to open) zooms in; a module is selected.
    if (d.node.children.length > 0) zoomTo(d.node)
    else select(d.node)
  })
  canvas.addEventListener('dblclick', (ev) => {
    const d = hit(ev)
    const t = d ? topOf(d.node) : null
    if (t && t.children.length > 0) zoomTo(t)
  })
  canvas.addEventListener(
    'wheel',
    (ev) => {
      ev.preventDefault()
      if (ev.deltaY > 0) {
        if (focus.parent) zoomTo(focus.parent)
      } else {
        const d = hit(ev)
        const t = d ? topOf(d.node) : null
        if (t && t.children.length > 0) zoomTo(t)
      }
    },
    { passive: false },
  )
  document.addEventListener('keydown', (ev) => {
    if (ev.target === search) return
    if ((ev.key === 'Escape' || ev.key === 'Backspace') && focus.parent) {
      ev.preventDefault()
      zoomTo(focus.parent)
    } else if (ev.key === '/') {
      ev.preventDefault()
      search.focus()
    }
  })

  // --- search ---------------------------------------------------------------
  let found: string[] = []
  let active = 0
  const rank = (name: string, q: string): number => {
    const n = name.toLowerCase()
    if (n === q) return 0
    if (n.startsWith(q)) return 1
    if (n.endsWith(`.${q}`)) return 2
    if (n.includes(`.${q}`)) return 3
    return 4
  }
  const showMatches = (): void => {
    matches.replaceChildren()
    found.forEach((name, i) => {
      const li = el('li', i === active ? 'active' : '')
      li.append(el('span', '', name), el('span', 'num', bytes((byName.get(name) as TreeNode).size)))
      li.dataset.name = name
      li.addEventListener('mousedown', (ev) => {
        ev.preventDefault()
        pick(name)
      })
      matches.append(li)
    })
    matches.hidden = found.length === 0
  }
  const pick = (name: string): void => {
    search.value = name
    found = []
    showMatches()
    reveal(name)
  }
  search.addEventListener('input', () => {
    const q = search.value.trim().toLowerCase()
    active = 0
    if (!q) found = []
    else {
      const hits = names.filter((n) => n.toLowerCase().includes(q))
      hits.sort((a, b) => rank(a, q) - rank(b, q) || a.length - b.length || (a < b ? -1 : 1))
      found = hits.slice(0, 12)
    }
    showMatches()
  })
  search.addEventListener('keydown', (ev) => {
    if (ev.key === 'ArrowDown' || ev.key === 'ArrowUp') {
      ev.preventDefault()
      if (found.length) active = (active + (ev.key === 'ArrowDown' ? 1 : found.length - 1)) % found.length
      showMatches()
    } else if (ev.key === 'Enter') {
      ev.preventDefault()
      const q = search.value.trim()
      if (byName.has(q)) pick(q)
      else if (found.length) pick(found[active])
    } else if (ev.key === 'Escape') {
      found = []
      showMatches()
      search.blur()
    }
  })
  search.addEventListener('blur', () => {
    found = []
    showMatches()
  })

  // --- colour toggle --------------------------------------------------------
  if (!base && !hasEntries) ((document.querySelector('.colour') as HTMLElement).hidden = true)
  for (const input of Array.from(document.querySelectorAll<HTMLInputElement>('input[name="colour"]'))) {
    if ((input.value === 'change' && !base) || (input.value === 'sharing' && !hasEntries)) (input.parentElement as HTMLElement).hidden = true
    input.addEventListener('change', () => {
      mode = input.value as Mode
      showLegend()
      draw()
    })
  }

  // --- header ---------------------------------------------------------------
  const s = data.summary
  const chips = $<HTMLDivElement>('chips')
  const chip = (k: string, v: string, cls = ''): void => {
    const c = el('span', `chip ${cls}`)
    c.append(el('span', 'k', k), el('span', 'v', v))
    chips.append(c)
  }
  chip('Python', s.pythonVersion)
  chip('format', s.formatVersion)
  chip('modules', int(s.moduleCount))
  chip('file', bytes(s.fileSize))
  chip('attributed to modules', bytes(data.modules.reduce((a, m) => a + m.bytesAttributed, 0)))
  chip('sharing saved', `${bytes(s.bytesSavedBySharing)} (${pct(s.bytesSavedBySharing, s.fileSize + s.bytesSavedBySharing)})`)
  chip('checksums', s.checksums, `ck-${s.checksums}`)
  if (base) {
    const d = s.fileSize - base.summary.fileSize
    const added = data.modules.filter((m) => !baseSize.has(m.name)).length
    chip(`vs ${baseLabel}`, `${d >= 0 ? '+' : ''}${bytes(d)} · ${added} new · ${removed.length} removed`)
  }
  const tables = $<HTMLDivElement>('tables')
  const table = (k: string, t: { entries: number; records: number; redirects: number }): HTMLElement =>
    el('span', 'table', `${k}: ${int(t.entries)} entries · ${int(t.records)} stored · ${int(t.redirects)} redirects (${pct(t.redirects, t.entries)})`)
  tables.append(table('strings', s.strings), table('constants', s.consts))
  const sections = $<HTMLDivElement>('sections')
  const sectionTotal = s.sections.reduce((a, x) => a + x.size, 0)
  const PALETTE = ['#4e79a7', '#f28e2b', '#e15759', '#76b7b2', '#59a14f', '#edc948', '#b07aa1', '#ff9da7', '#9c755f', '#bab0ac']
  s.sections.forEach((sec, i) => {
    const seg = el('span', 'seg')
    seg.style.flexGrow = String(sec.size)
    seg.style.background = PALETTE[i % PALETTE.length]
    seg.title = `${sec.name}: ${bytes(sec.size)} (${pct(sec.size, sectionTotal)})`
    seg.textContent = sec.size / sectionTotal > 0.06 ? `${sec.name} ${bytes(sec.size)}` : ''
    sections.append(seg)
  })

  new ResizeObserver(() => draw()).observe(stage)
  showLegend()
  refresh()
  api.initMs = performance.now() - started
}
