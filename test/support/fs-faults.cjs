// Fault injection for the tests of synth's output writer, kept out of the shipped code: loaded into the CLI's process
// with NODE_OPTIONS="--require test/support/fs-faults.cjs", it wraps the fs calls of src/output/atomic.ts and
// src/output/tree.ts. CDK8S_TEST_FAULT says what to do:
//   kill-at:<step>      SIGKILL (as a power cut or the OOM killer would) at a step of replacing the output tree:
//                       filled (the new tree is written, not yet marked complete), marked, moved-old (the previous
//                       tree is moved aside, the new one not yet in place), moved-new (the new one is in place, the
//                       previous one not yet removed);
//   corrupt:<file>      a file named <file> in the new tree is written with only the first half of its bytes;
//   lock-race:<dir>,<n>,<ms>  after this process first reads an output lock (`.<name>.lock`), it waits until <n>
//                       processes have read it (each leaves a file in <dir>), then <ms> milliseconds more: so two
//                       runs both judge one stale lock before either acts, in the order the test chooses.
// The variable is removed from this process's environment as soon as it is read, so the app synth runs (which
// inherits NODE_OPTIONS, and so this file) is never faulted.
'use strict';
const fs = require('fs');
const path = require('path');

const fault = process.env.CDK8S_TEST_FAULT;
delete process.env.CDK8S_TEST_FAULT;

const STEPS = ['filled', 'marked', 'moved-old', 'moved-new'];
const MARKER = '.cdk8s-hardened-tree';
/** `.<out>.tmp-<12 hex>` (a new tree) or `.<out>.old-<12 hex>` (the previous one, moved aside). */
const isTree = (p, kind) => new RegExp(`^\\..+\\.${kind}-[0-9a-f]{12}$`).test(path.basename(p));
const inNewTree = (p) => path.resolve(p).split(path.sep).some((part) => isTree(part, 'tmp'));

function kill() {
  process.kill(process.pid, 'SIGKILL');
}

if (fault !== undefined) {
  const [mode, arg] = [fault.slice(0, fault.indexOf(':')), fault.slice(fault.indexOf(':') + 1)];
  if (mode === 'kill-at' && STEPS.includes(arg)) {
    const { writeFileSync, renameSync } = fs;
    fs.writeFileSync = function (file, ...rest) {
      const marking = typeof file === 'string' && path.basename(file) === MARKER && isTree(path.dirname(file), 'tmp');
      if (marking && arg === 'filled') {
        kill();
      }
      const result = writeFileSync.call(this, file, ...rest);
      if (marking && arg === 'marked') {
        kill();
      }
      return result;
    };
    fs.renameSync = function (from, to, ...rest) {
      const result = renameSync.call(this, from, to, ...rest);
      if ((arg === 'moved-old' && isTree(String(to), 'old')) || (arg === 'moved-new' && isTree(String(from), 'tmp'))) {
        kill();
      }
      return result;
    };
  } else if (mode === 'corrupt' && arg !== '') {
    const { writeFileSync } = fs;
    fs.writeFileSync = function (file, data, ...rest) {
      if (typeof file === 'string' && path.basename(file) === arg && inNewTree(file)) {
        const bytes = Buffer.from(data);
        return writeFileSync.call(this, file, bytes.subarray(0, bytes.length >> 1), ...rest);
      }
      return writeFileSync.call(this, file, data, ...rest);
    };
  } else if (mode === 'lock-race') {
    const [dir, parties, ms] = arg.split(',');
    const { readFileSync } = fs;
    const sleep = (n) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, n);
    let waited = false;
    fs.readFileSync = function (file, ...rest) {
      const result = readFileSync.call(this, file, ...rest);
      if (!waited && typeof file === 'string' && /^\..+\.lock$/.test(path.basename(file))) {
        waited = true;
        fs.writeFileSync(path.join(dir, String(process.pid)), '');
        for (const end = Date.now() + 20_000; fs.readdirSync(dir).length < Number(parties) && Date.now() < end;) {
          sleep(5);
        }
        sleep(Number(ms));
      }
      return result;
    };
  } else {
    throw new Error(`CDK8S_TEST_FAULT=${fault}: expected kill-at:<${STEPS.join('|')}>, corrupt:<file name> or lock-race:<dir>,<n>,<ms>`);
  }
}
