/**
 * fetchWithHead (packages/pyodide/src/fetch-with-head.ts): a memory snapshot's
 * first bytes before the rest (a page sizes Pyodide's heap from its header while
 * the 30 MB still arrive), served by a local HTTP server that sends the body in
 * pieces with pauses between them; failures are PyBundleError IO naming the URL.
 */
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { PyBundleError } from '@pybundle/errors'

const HERE = path.dirname(fileURLToPath(import.meta.url))
type FetchWithHead = (url: string, headSize: number, init?: RequestInit, what?: string) => { head: Promise<Uint8Array>; bytes: Promise<Uint8Array> }
// Not part of the package's surface: the built module, as pre-emit.test.ts does.
const { fetchWithHead } = await import(path.resolve(HERE, '../../packages/pyodide/dist/fetch-with-head.js')) as { fetchWithHead: FetchWithHead }

const BODY = new Uint8Array(300_000).map((_, i) => (i * 7 + 3) & 0xff)
let server: Server
let url: string
/** Resolved when the test lets the server send the rest of /slow. */
let release: () => void = () => {}

beforeAll(async () => {
  server = createServer((req, res) => {
    if (req.url === '/slow') {
      res.writeHead(200, { 'Content-Type': 'application/octet-stream' })
      res.write(BODY.subarray(0, 100))
      // The rest only when the test says so: the head must have arrived before.
      new Promise<void>((r) => { release = r }).then(() => res.end(BODY.subarray(100)), () => {})
      return
    }
    if (req.url === '/tiny') {
      res.writeHead(200)
      res.end(BODY.subarray(0, 10))
      return
    }
    res.writeHead(404, { 'Content-Type': 'text/plain' })
    res.end('no')
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
})
afterAll(() => new Promise<void>((r) => server.close(() => r())))

describe('fetchWithHead', () => {
  it('resolves the head as soon as its bytes are in, then the whole body', async () => {
    const { head, bytes } = fetchWithHead(`${url}/slow`, 64)
    let done = false
    void bytes.then(() => { done = true })
    const h = await head
    expect([...h]).toEqual([...BODY.subarray(0, 64)])
    expect(done).toBe(false) // the server has not sent the rest yet
    release()
    expect([...(await bytes)].length).toBe(BODY.length)
    expect(Buffer.from(await bytes).equals(Buffer.from(BODY))).toBe(true)
  })

  it('a body shorter than the head: the head is what there is', async () => {
    const { head, bytes } = fetchWithHead(`${url}/tiny`, 64)
    expect((await head).length).toBe(10)
    expect((await bytes).length).toBe(10)
  })

  it('an HTTP error rejects both with IO, the status and the URL', async () => {
    const { head, bytes } = fetchWithHead(`${url}/nope`, 64, undefined, 'the memory snapshot')
    for (const p of [head, bytes]) {
      const e = await p.then(() => null, (x: unknown) => x)
      expect(e).toBeInstanceOf(PyBundleError)
      expect((e as PyBundleError).code).toBe('IO')
      expect((e as PyBundleError).message).toBe(`could not fetch the memory snapshot ${url}/nope: HTTP 404 Not Found`)
      expect((e as PyBundleError).details).toEqual({ status: 404 })
    }
  })
})
