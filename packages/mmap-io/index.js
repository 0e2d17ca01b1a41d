// mmap-io 1.1.7's dist/mmap-io.js (MIT, Oscar Campbell), loading the addon this
// package builds at install time (build/Release/mmap-io.node).
'use strict'
const raw = require('./build/Release/mmap-io.node')

// The C++ msync takes exactly five arguments; the overloads are sorted out here.
const rawSync = raw.sync_lib_private__
delete raw.sync_lib_private__
raw.sync = function sync(buf, parA, parB, parC, parD) {
  if (typeof parA === 'boolean') rawSync(buf, 0, buf.length, parA, parB || false)
  else rawSync(buf, parA || 0, parB || buf.length, parC || false, parD || false)
}

module.exports = raw
module.exports.default = raw
