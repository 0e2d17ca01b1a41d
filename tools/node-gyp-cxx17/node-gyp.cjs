#!/usr/bin/env node
// Why this exists: mmap-io 1.1.7 (the user's choice of mmap binding) forces
// `-std=c++11` in its binding.gyp, but Node 20's V8 headers need C++17, so a
// plain `npm ci` fails to compile it.
//
// This package is a dependency of the root (installed from the tarball next to
// this folder), so npm links this file as node_modules/.bin/node-gyp before it
// runs any install script; every package's `node-gyp` command finds it ahead of
// npm's own shim on PATH. We append -std=c++17 to CXXFLAGS (the generated
// Makefile puts CXXFLAGS after the target's cflags, so the later -std wins) and
// hand over to npm's own node-gyp. No environment variable, no manual step.
// (npm's `node-gyp` config setting is not honoured for dependency install
// scripts, which is why this is a bin and not an .npmrc line.)
//
// Rebuild the tarball after editing: `npm run tools:pack-node-gyp`.
'use strict'
const path = require('node:path')
const fs = require('node:fs')

const flag = '-std=c++17'
const current = process.env.CXXFLAGS || ''
if (!current.split(/\s+/).includes(flag)) {
  process.env.CXXFLAGS = current ? `${current} ${flag}` : flag
}

// npm's bundled node-gyp, found from the npm that is running us.
function findNodeGyp() {
  const candidates = []
  if (process.env.npm_execpath) {
    candidates.push(path.resolve(path.dirname(process.env.npm_execpath), '..', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'))
  }
  candidates.push(path.resolve(path.dirname(process.execPath), '..', 'lib', 'node_modules', 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'))
  for (const c of candidates) if (fs.existsSync(c)) return c
  try {
    return require.resolve('node-gyp/bin/node-gyp.js')
  } catch {
    console.error('pybundle: cannot find node-gyp (looked in ' + candidates.join(', ') + ')')
    process.exit(1)
  }
}

require(findNodeGyp())
