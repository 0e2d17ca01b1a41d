export * from './layout.js'
export { fnv1a32, moduleNameHash } from './module-hash.js'
