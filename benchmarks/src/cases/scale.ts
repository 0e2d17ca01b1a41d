import type { CaseResult } from '../case.js'
import type { Fixture } from '../fixtures.js'
export async function scaleCase(_s: Fixture, _t: Fixture, _q: boolean): Promise<CaseResult> {
  return { id: 'scale', title: '7. scale', description: 'todo', lines: [], tables: [], targets: [], notes: [] }
}
