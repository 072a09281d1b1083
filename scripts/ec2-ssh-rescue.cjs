#!/usr/bin/env node
// The CLI is written in TypeScript; tsx compiles it on load so the package needs no build step.
require('tsx/cjs');
require('../src/cli.ts');
