#!/usr/bin/env node
import { readFileSync } from 'fs';
import { internalError, runCli } from './program';

// `cdk8s-hardened check ... | head`: a closed pipe ends the output quietly, not with an EPIPE stack trace;
// any other failure of an output stream ends the run with exit 2 (there is nowhere left to report it).
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    process.exit(error.code === 'EPIPE' ? process.exitCode ?? 0 : 2);
  });
}

const io = {
  stdout: (s: string) => {
    process.stdout.write(s);
  },
  stderr: (s: string) => {
    process.stderr.write(s);
  },
  readStdin: () => readFileSync(0),
  stdoutIsTTY: Boolean(process.stdout.isTTY),
  stderrIsTTY: Boolean(process.stderr.isTTY),
  env: process.env,
};

process.on('uncaughtException', (error) => {
  process.exitCode = internalError(error, io);
});

runCli(process.argv.slice(2), io).then((code) => {
  process.exitCode = code;
}, (error: unknown) => {
  process.exitCode = internalError(error, io);
});
