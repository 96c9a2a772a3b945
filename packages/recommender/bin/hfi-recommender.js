#!/usr/bin/env node
// Thin launcher: the program is built into dist/ by `npm run build` (run by `npm ci` through `prepare`).
import '../dist/src/main.js';
