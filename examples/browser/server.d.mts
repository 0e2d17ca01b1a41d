/** Types for server.mjs (the example's static server), for the tests and benchmarks that start it. */
export interface LogEntry {
  method: string | undefined
  path: string | undefined
  status: number
  /** Body bytes sent (compressed when `encoding` is set). */
  bytes: number
  encoding: 'br' | 'gzip' | null
}
export interface Server {
  url: string
  port: number
  log: LogEntry[]
  warm(paths: string[], encodings?: ('br' | 'gzip')[]): Promise<void>
  close(): Promise<void>
}
export function defaultMounts(dist?: string): Record<string, string>
/** The page's JavaScript bundled (esbuild): URL path (/js/...) -> bytes. */
export function bundleScripts(): Promise<Map<string, Buffer>>
/** Without esbuild: /js/pybundle.js re-exporting the unbundled entry. */
export function unbundledScripts(): Map<string, Buffer>
/** One line per file of `scripts` (bytes, brotli and gzip as the server sends them), then a total line: `server.mjs --sizes`. */
export function scriptSizes(scripts: Map<string, Buffer>): Promise<string[]>
export function startServer(options?: {
  port?: number
  host?: string
  mounts?: Record<string, string>
  compress?: 'auto' | 'br' | 'gzip' | 'none'
  /** What bundleScripts() returns (made once and reused by callers that start many servers); default: made now. */
  scripts?: Map<string, Buffer>
}): Promise<Server>
