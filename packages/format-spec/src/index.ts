export * from './layout.js'
export { fnv1a32, moduleNameHash } from './module-hash.js'
export { MAX_NAME_PART_BYTES, MAX_PATH_PART_BYTES, checkModuleName, checkNamePart, checkPathPart, checkRelativePath, pathFoldKey } from './names.js'
