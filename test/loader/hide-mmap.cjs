// Preload for no-mmap.test.ts: makes loading @pybundle/mmap-io fail the way it
// does on a host where it is not installed, was never built, or was built for
// another Node (PYBUNDLE_TEST_HIDE_MMAP = missing | unbuilt | dlopen).
'use strict'
const Module = require('node:module')
const mode = process.env.PYBUNDLE_TEST_HIDE_MMAP
const resolve = Module._resolveFilename
Module._resolveFilename = function (request, parent, ...rest) {
  if (mode === 'missing' && request === '@pybundle/mmap-io') {
    throw Object.assign(new Error(`Cannot find module '${request}'\nRequire stack:\n- ${parent?.filename}`), { code: 'MODULE_NOT_FOUND' })
  }
  if (mode === 'unbuilt' && request.endsWith('build/Release/mmap-io.node')) {
    throw Object.assign(new Error(`Cannot find module '${request}'\nRequire stack:\n- ${parent?.filename}`), { code: 'MODULE_NOT_FOUND' })
  }
  return resolve.call(this, request, parent, ...rest)
}
if (mode === 'dlopen') {
  const load = Module._extensions['.node']
  Module._extensions['.node'] = function (module, filename) {
    if (filename.endsWith('mmap-io.node')) {
      throw Object.assign(new Error(`${filename}: wrong ELF class: ELFCLASS32`), { code: 'ERR_DLOPEN_FAILED' })
    }
    return load.call(this, module, filename)
  }
}
