'use strict';
// Preloaded by bench/run.js (node -r bench/rss.js ...): reports the process's peak RSS in MB on fd 3 at exit.
const { writeSync } = require('fs');
process.on('exit', () => {
  try {
    writeSync(3, `${process.resourceUsage().maxRSS / 1024}\n`);
  } catch {
    // fd 3 not open: run by hand.
  }
});
