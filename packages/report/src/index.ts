/**
 * @pybundle/report: a picture of a bundle. `renderReport` turns the figures of
 * `pybundle inspect` into one self-contained HTML file with a zoomable treemap.
 */
export type { ChecksumState, ModuleKind, RegionKind, ReportData, ReportModule, ReportRegion, ReportSummary, SectionFigures, TableFigures } from './report-data.js'
export type { RenderOptions } from './render.js'
export type { Figures, NodeKind, TreeNode } from './tree.js'
export type { PageApi, PageState } from './page.js'
export { renderReport } from './render.js'
export { validateReportData } from './validate.js'
export { buildTree } from './tree.js'
export { squarify } from './squarify.js'
export type { InspectJson, InspectJsonModule } from './inspect-adapter.js'
export { reportDataFromInspect } from './inspect-adapter.js'
