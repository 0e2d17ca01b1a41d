#!/usr/bin/env node
// The `pybundle` command. The program lives in ../dist/main.js (built by `tsc -b`).
import '../dist/main.js'
