/**
 * A registry for one scope, on 127.0.0.1: serves the packed @pybundle/* tarballs
 * (packuments and tarballs) so that `npm install -g ./pybundle-cli-*.tgz` finds
 * the CLI's @pybundle dependencies as it would on npmjs.org once they are
 * published. Only the scope is pointed here (`@pybundle:registry=`); every other
 * package still comes from the configured registry.
 */
import { execFileSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { readdirSync, readFileSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'

export interface ScopeRegistry {
  readonly url: string
  /** Paths requested, in order (the test checks the CLI's dependencies came from here). */
  readonly requests: string[]
  close(): Promise<void>
}

export async function serveTarballs(dir: string): Promise<ScopeRegistry> {
  const tarballs = new Map<string, Buffer>()
  const manifests = new Map<string, Record<string, unknown>>()
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.tgz'))) {
    const bytes = readFileSync(join(dir, file))
    const pkg = JSON.parse(execFileSync('tar', ['-xOzf', join(dir, file), 'package/package.json'], { encoding: 'utf8' })) as Record<string, unknown>
    tarballs.set(file, bytes)
    manifests.set(pkg.name as string, {
      ...pkg,
      _id: `${pkg.name as string}@${pkg.version as string}`,
      ...((pkg.scripts as Record<string, string> | undefined)?.install ? { hasInstallScript: true } : {}),
      dist: {
        tarball: file,
        integrity: `sha512-${createHash('sha512').update(bytes).digest('base64')}`,
        shasum: createHash('sha1').update(bytes).digest('hex'),
      },
    })
  }
  const requests: string[] = []
  let base = ''
  const server: Server = createServer((req, res) => {
    const path = decodeURIComponent((req.url ?? '/').split('?')[0])
    requests.push(path)
    const tgz = path.startsWith('/-/') ? tarballs.get(path.slice(3)) : undefined
    if (tgz !== undefined) {
      res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': tgz.length })
      res.end(tgz)
      return
    }
    const m = manifests.get(path.slice(1))
    if (m === undefined) {
      res.writeHead(404, { 'content-type': 'application/json' })
      res.end('{"error":"not found"}')
      return
    }
    const version = m.version as string
    const dist = m.dist as Record<string, string>
    const body = JSON.stringify({
      name: m.name,
      'dist-tags': { latest: version },
      versions: { [version]: { ...m, dist: { ...dist, tarball: `${base}/-/${dist.tarball}` } } },
    })
    res.writeHead(200, { 'content-type': 'application/json' })
    res.end(body)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  return {
    url: `${base}/`,
    requests,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  }
}
