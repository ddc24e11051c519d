#!/usr/bin/env node
import { readFileSync } from 'fs';
import { runCli } from './program';

runCli(process.argv.slice(2), {
  stdout: (s) => process.stdout.write(s),
  stderr: (s) => process.stderr.write(s),
  readStdin: () => readFileSync(0, 'utf8'),
  stdoutIsTTY: Boolean(process.stdout.isTTY),
}).then((code) => {
  process.exitCode = code;
}, (error: unknown) => {
  process.stderr.write(`cdk8s-hardened: internal error: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 2;
});
