/**
 * Where the native addon cannot be loaded (not installed: npm leaves an optional
 * dependency out where it does not compile; installed but never built; built for
 * another Node), openBundle throws a PyBundleError NO_MMAP that says which, what
 * to run, and points at openBundleFromBuffer: never Node's raw require/dlopen error.
 */
import { execFileSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { writeBundle } from '@pybundle/bundler'
import { code, module, PY311, tempFile } from './fixtures.js'

const preload = fileURLToPath(new URL('./hide-mmap.cjs', import.meta.url))
const script = fileURLToPath(new URL('./open-one.mjs', import.meta.url))

function openWith(mode: string | undefined, file: string): Record<string, unknown>[] {
  const env: NodeJS.ProcessEnv = { ...process.env, PYBUNDLE_TEST_HIDE_MMAP: mode ?? '' }
  delete env.NODE_OPTIONS
  return JSON.parse(execFileSync(process.execPath, ['--require', preload, script, file], { env, encoding: 'utf8' })) as Record<string, unknown>[]
}

describe('openBundle without the mmap addon', async () => {
  const file = tempFile('no-mmap.pyb', await writeBundle({ python: PY311, optimize: 0, modules: [module('m', code('3.11', { name: 'm' }))] }))

  it('opens normally when the addon loads (the preload itself changes nothing)', () => {
    expect(openWith(undefined, file)).toEqual([{ modules: 1 }, { modules: 1 }])
  })

  const cases = [
    ['missing', /not installed: it is an optional dependency of @pybundle\/loader.*npm install @pybundle\/mmap-io/],
    ['unbuilt', /installed but was never built.*npm rebuild @pybundle\/mmap-io/],
    ['dlopen', /cannot be loaded \(.*wrong ELF class: ELFCLASS32\).*npm rebuild @pybundle\/mmap-io/],
  ] as const
  for (const [mode, says] of cases) {
    it(`${mode}: NO_MMAP naming the file, what to run, and openBundleFromBuffer (every time)`, () => {
      const [first, second] = openWith(mode, file)
      expect(first).toMatchObject({ name: 'PyBundleError', code: 'NO_MMAP', file })
      expect(first.message).toMatch(says)
      expect(first.message).toContain('openBundleFromBuffer')
      expect(first.message).not.toMatch(/Require stack|\n/)
      expect(second).toEqual(first)
    })
  }
})
