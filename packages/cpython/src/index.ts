export * from './value.js'
export * from './str.js'
