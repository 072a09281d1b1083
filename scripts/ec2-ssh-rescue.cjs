#!/usr/bin/env node
// The CLI is written in TypeScript; tsx compiles it on load so the package needs no build step.
require('tsx/cjs');
require('../src/cli.ts')
  .main(process.argv)
  .catch((err) => {
    process.stderr.write(`ec2-ssh-rescue: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 2;
  });
