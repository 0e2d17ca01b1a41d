/**
 * Debian's Chromium driven by playwright-core, offline. No browser is ever
 * downloaded: CI installs /usr/bin/chromium with tools/install-chromium.sh.
 */
import { existsSync } from 'node:fs'
import { chromium, type Browser, type BrowserContext } from 'playwright-core'

/** Debian's chromium; PYBUNDLE_CHROMIUM overrides it (e.g. a missing path, to see the test skip). */
export const CHROMIUM = process.env.PYBUNDLE_CHROMIUM ?? '/usr/bin/chromium'
export const haveChromium = (): boolean => existsSync(CHROMIUM)

/** The flags that keep Chromium quiet on a closed network (see .library machines/node.md). */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-default-apps',
  '--disable-extensions',
]

export interface Offline {
  browser: Browser
  context: BrowserContext
  /** Every request that was not for a file:// URL (all aborted). */
  blocked: string[]
  close(): Promise<void>
}

/** A headless browser whose context aborts every request that is not file://, and records it. */
export async function launchOffline(viewport = { width: 1400, height: 900 }): Promise<Offline> {
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS })
  // playwright gives every launch a fresh, empty profile of its own
  const context = await browser.newContext({ viewport, deviceScaleFactor: 1, offline: true })
  const blocked: string[] = []
  await context.route('**/*', (route) => {
    const url = route.request().url()
    if (url.startsWith('file:')) return route.continue()
    blocked.push(url)
    return route.abort()
  })
  return {
    browser,
    context,
    blocked,
    async close() {
      await browser.close()
    },
  }
}
