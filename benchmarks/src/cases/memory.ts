import type { CaseResult } from '../case.js'
import type { Fixture } from '../fixtures.js'
export async function memoryCase(_s: Fixture, _t: Fixture, _q: boolean): Promise<CaseResult> {
  return { id: 'memory', title: '5. memory', description: 'todo', lines: [], tables: [], targets: [], notes: [] }
}
