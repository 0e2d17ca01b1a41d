export * from './bundle-input.js'
