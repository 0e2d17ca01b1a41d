/// <reference lib="dom" />
/**
 * The report in a real browser: a real stdlib bundle built and inspected by
 * the pybundle command line, its report opened from disk in Debian's Chromium
 * driven by playwright-core, with every non-file request aborted.
 * Skips (with the reason printed) only when /usr/bin/chromium is absent; CI
 * installs it with tools/install-chromium.sh.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Page } from 'playwright-core'
import { renderReport, type PageApi, type PageState, type ReportData } from '@pybundle/report'
import { CHROMIUM, haveChromium, launchOffline, type Offline } from './chromium.js'
import { buildStdlibBundle, type StdlibBundle } from './stdlib-data.js'

const present = haveChromium()
if (!present) {
  console.warn(`SKIP test/report/browser.test.ts: ${CHROMIUM} is absent (tools/install-chromium.sh installs Debian's chromium)`)
}

/** When set (e.g. docs/report-stdlib.png), the stdlib report's screenshot is written there. */
const SCREENSHOT = process.env.PYBUNDLE_REPORT_SCREENSHOT

declare global {
  interface Window {
    pybundleReport: PageApi
  }
}

const state = (page: Page): Promise<PageState> => page.evaluate(() => window.pybundleReport.state())

describe.skipIf(!present)('report in Chromium, offline, from disk', () => {
  let dir: string
  let data: ReportData
  let bundle: StdlibBundle
  let browser: Offline
  let page: Page
  const problems: string[] = []

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'pybundle-report-'))
    bundle = buildStdlibBundle(dir)
    data = bundle.data
    // the screenshot gets a short title; the test opens what `pybundle inspect --html` wrote
    const file = SCREENSHOT ? join(dir, 'screenshot.html') : bundle.html
    if (SCREENSHOT) writeFileSync(file, renderReport(data, { title: `stdlib bundle (Python ${data.summary.pythonVersion})` }))
    browser = await launchOffline({ width: 1400, height: 900 })
    page = await browser.context.newPage()
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning') problems.push(`console ${m.type()}: ${m.text()}`)
    })
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`))
    await page.goto(pathToFileURL(file).href)
    await page.waitForFunction(() => window.pybundleReport !== undefined && window.pybundleReport.renderCount > 0)
  })

  afterAll(async () => {
    await browser?.close()
    if (dir) rmSync(dir, { recursive: true, force: true })
  })

  it('draws one rectangle per top-level package or module, sized as inspect --json says, on a non-empty canvas', async () => {
    expect(bundle.inspect.modules.length).toBeGreaterThan(1000)
    const tops = new Map<string, number>()
    const labels = new Map<string, string>()
    for (const m of bundle.inspect.modules) {
      const top = m.name.split('.')[0]
      tops.set(top, (tops.get(top) ?? 0) + m.bytes)
      labels.set(top, top)
    }
    // every other byte of the file beside the modules: data and metadata groups, and one block per other region
    const regions = bundle.inspect.regions ?? []
    expect(regions.length).toBeGreaterThan(0)
    for (const r of regions.filter((x) => x.bytes > 0)) {
      const grouped = r.kind === 'data' || r.kind === 'metadata'
      const name = grouped ? `[${r.kind}]` : `[${r.kind}] ${r.name}`
      tops.set(name, (tops.get(name) ?? 0) + r.bytes)
      labels.set(name, grouped ? (r.kind === 'data' ? 'data files' : 'metadata') : r.name)
    }
    expect([...tops.values()].reduce((a, b) => a + b, 0)).toBe(bundle.inspect.fileSize)
    const expected = [...tops.values()].filter((b) => b > 0).length
    const api = await page.evaluate(() => ({ top: window.pybundleReport.topLevelCount, ms: window.pybundleReport.lastRenderMs, init: window.pybundleReport.initMs }))
    const s = await state(page)
    console.log(
      `report: ${data.modules.length} modules, ${s.rects.length} rectangles drawn; informational timings: ` +
        `first picture ${api.init.toFixed(1)} ms after the script started, last render ${api.ms.toFixed(1)} ms`,
    )
    expect(api.top).toBe(expected)
    expect(s.path).toEqual([''])
    expect(s.rects.filter((r) => r.depth === 0).length).toBe(expected)
    for (const r of s.rects.filter((x) => x.depth === 0)) expect([r.name, r.size]).toEqual([r.name, tops.get(r.name)])
    // the side panel lists the largest packages first, as inspect's figures order them
    const largest = [...tops.entries()].sort((a, b) => b[1] - a[1]).slice(0, 5).map(([name]) => labels.get(name))
    const listed = await page.locator('#largest li button').allInnerTexts()
    expect(listed.slice(0, 5)).toEqual(largest)
    // every top-level rectangle inside the canvas, none overlapping another
    const top = s.rects.filter((r) => r.depth === 0)
    const area = top.reduce((a, r) => a + r.w * r.h, 0)
    const box = await page.locator('#map').boundingBox()
    expect(box).not.toBeNull()
    expect(area).toBeCloseTo(box!.width * box!.height, -2)
    // the pixels: many distinct colours, not one background fill
    const colours = await page.evaluate(() => {
      const c = document.getElementById('map') as HTMLCanvasElement
      const px = (c.getContext('2d') as CanvasRenderingContext2D).getImageData(0, 0, c.width, c.height).data
      const seen = new Set<number>()
      for (let i = 0; i < px.length; i += 4 * 97) seen.add((px[i] << 16) | (px[i + 1] << 8) | px[i + 2])
      return seen.size
    })
    expect(colours).toBeGreaterThan(20)
    // the header shows the summary
    const header = await page.locator('header').innerText()
    expect(header).toContain(data.summary.pythonVersion)
    expect(header).toContain(bundle.inspect.modules.length.toLocaleString('en-US'))
    expect(header).toContain('sharing saved')
    expect(header).toMatch(/checksums\s*ok/)
    if (SCREENSHOT) await page.screenshot({ path: resolve(SCREENSHOT) })
  })

  it('finds email.parser by name, zooms to email and highlights it', async () => {
    await page.locator('#search').click()
    await page.keyboard.type('email.parser')
    const first = page.locator('#matches li').first()
    await expect.poll(() => first.getAttribute('data-name')).toBe('email.parser')
    await page.keyboard.press('Enter')
    const s = await state(page)
    expect(s.highlighted).toBe('email.parser')
    expect(s.selected).toBe('email.parser')
    expect(s.path).toEqual(['', 'email'])
    expect(await page.locator('#crumbs .crumb.current').innerText()).toBe('email')
    expect(await page.locator('#details h2').innerText()).toContain('email.parser')
    const r = s.rects.find((x) => x.name === 'email.parser')
    expect(r).toBeDefined()
    // the highlight ring is drawn on its left edge
    const ring = await page.evaluate(
      ([x, y]) => Array.from((document.getElementById('map') as HTMLCanvasElement).getContext('2d')!.getImageData(x, y, 1, 1).data),
      [Math.floor(r!.x + 1), Math.floor(r!.y + r!.h / 2)],
    )
    expect(ring.slice(0, 3)).toEqual([255, 212, 0])
  })

  it('zooms into a package when its frame is clicked, and out again', async () => {
    await page.locator('#crumbs .crumb').first().click()
    expect((await state(page)).path).toEqual([''])
    const before = await state(page)
    // the largest top-level package drawn open, clicked on its label strip
    const pkg = before.rects.find((r) => r.depth === 0 && r.open)
    expect(pkg).toBeDefined()
    const box = (await page.locator('#map').boundingBox())!
    await page.mouse.click(box.x + pkg!.x + 8, box.y + pkg!.y + 8)
    const after = await state(page)
    expect(after.path).toEqual(['', pkg!.name])
    expect(await page.locator('#crumbs .crumb.current').innerText()).toBe(pkg!.label)
    expect(after.rects.length).toBeGreaterThan(0)
    expect(after.rects.every((r) => r.name.startsWith(`${pkg!.name}.`) || r.name === pkg!.name)).toBe(true)
    expect(after.rects.map((r) => r.name)).not.toEqual(before.rects.map((r) => r.name))
    await page.keyboard.press('Escape')
    expect((await state(page)).path).toEqual([''])
  })

  it('colours by sharing when asked', async () => {
    // inspect --json says which table entries each module owns and shares
    expect(data.modules.some((m) => m.stringsShared > 0)).toBe(true)
    const n = await page.evaluate(() => window.pybundleReport.renderCount)
    await page.locator('input[value="sharing"]').check()
    expect((await state(page)).colorMode).toBe('sharing')
    expect(await page.evaluate(() => window.pybundleReport.renderCount)).toBeGreaterThan(n)
    expect(await page.locator('#legend').innerText()).toContain('100%')
    expect(await page.locator('#details').innerText()).toContain('strings owned / shared')
    // no baseline given: the "change" colouring is not offered
    expect(await page.locator('input[value="change"]').isVisible()).toBe(false)
    await page.locator('input[value="kind"]').check()
  })

  it('compares with a second bundle: grown, shrunk, new and removed modules', async () => {
    const base: ReportData = {
      summary: { ...data.summary, fileSize: data.summary.fileSize - 1000 },
      modules: data.modules
        .filter((m) => m.name !== 'email.parser')
        .map((m) => (m.name === 'json.decoder' ? { ...m, bytesAttributed: m.bytesAttributed * 2 } : m))
        .concat([{ ...data.modules[0], name: 'gone_module', kind: 'module' }]),
    }
    const file = join(dir, 'compare.html')
    writeFileSync(file, renderReport(data, { compare: base, compareLabel: 'last build' }))
    const p = await browser.context.newPage()
    const errors: string[] = []
    p.on('pageerror', (e) => errors.push(e.message))
    p.on('console', (m) => m.type() === 'error' && errors.push(m.text()))
    await p.goto(pathToFileURL(file).href)
    await p.waitForFunction(() => window.pybundleReport?.renderCount > 0)
    expect(await p.locator('header').innerText()).toContain('1 removed')
    await p.locator('input[value="change"]').check()
    expect(await p.locator('#legend').innerText()).toContain('last build')
    await p.locator('#search').fill('email.parser')
    await p.keyboard.press('Enter')
    expect(await p.locator('#details').innerText()).toContain('absent (new)')
    await p.locator('#search').fill('json.decoder')
    await p.keyboard.press('Enter')
    expect(await p.locator('#details').innerText()).toMatch(/-50\.0%/)
    await p.close()
    expect(errors).toEqual([])
  })

  it('made no network request and logged no error or warning', () => {
    expect(browser.blocked).toEqual([])
    expect(problems).toEqual([])
  })
})
