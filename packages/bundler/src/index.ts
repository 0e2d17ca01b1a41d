export * from './bundle-input.js'
export * from './writer/index.js'
