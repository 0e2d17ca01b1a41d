import type { CaseResult } from '../case.js'
import type { Fixture } from '../fixtures.js'
export async function buildCase(_t: Fixture, _q: boolean): Promise<CaseResult> {
  return { id: 'build', title: '6. build', description: 'todo', lines: [], tables: [], targets: [], notes: [] }
}
