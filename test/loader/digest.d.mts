import type { Bundle } from '@pybundle/loader'
export declare function digest(bundle: Bundle): { modules: number; sha256: string }
