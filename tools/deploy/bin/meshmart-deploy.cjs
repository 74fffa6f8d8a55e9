#!/usr/bin/env node
// The deployment tool runs from its TypeScript source: SWC compiles it on load, decorators included.
const { join } = require('node:path');
process.env.TS_NODE_PROJECT ??= join(__dirname, '..', '..', '..', 'tsconfig.base.json');
require('@swc-node/register');
require('../src/main.ts');
