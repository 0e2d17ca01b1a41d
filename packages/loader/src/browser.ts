/**
 * @pybundle/loader, browser entry: the whole reader over bytes in memory
 * (openBundleFromBuffer, e.g. on the ArrayBuffer of a fetch()), without
 * openBundle, which maps files. Nothing reachable from here imports a Node
 * built-in (test/pyodide/browser-entry.test.ts walks the import graph).
 * page.ts is the same with verify() loaded on demand.
 */
import { installExtras } from './extras.js'
import { verify } from './verify.js'

// Bundle.verify() (and the verify option) here; accounting(), savedBySharing() and stats() are the Node
// entry's (tools call them, pages do not: 1.3 KB brotli of every page's JavaScript). extras.ts.
installExtras({ verify })

export * from './page.js'
