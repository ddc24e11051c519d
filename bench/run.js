#!/usr/bin/env node
'use strict';
/**
 * cdk8s-hardened benchmarks: synth and check at scale, each beside its floor.
 *
 *   npm run bench              # full: synth N = 100, 1,000, 5,000; check 2,000 and 20,000 objects and 200,000
 *                              # documents; writes bench/RESULTS.md
 *   npm run bench -- --quick   # under a minute on 2 cores: synth N = 100, 1,000; check 2,000 objects
 *
 * Every measurement runs in a fresh child process (so peak RSS is that scenario's own), measures the compiled
 * lib/ (run `npm run compile` first; `npm run bench` does), and reports the median of its repetitions.
 * The last line printed is `BENCH {json}`.
 */
const { execFileSync, spawnSync } = require('child_process');
const { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } = require('fs');
const os = require('os');
const path = require('path');

const ROOT = path.join(__dirname, '..');
const LIB = path.join(ROOT, 'lib');
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const now = () => Number(process.hrtime.bigint()) / 1e6;
const peakRssMb = () => process.resourceUsage().maxRSS / 1024;

// ---------------------------------------------------------------- child-process scenarios
function timeRepeated(reps, fn) {
  const times = [];
  let result;
  for (let i = 0; i < reps; i++) {
    const start = now();
    result = fn();
    times.push(now() - start);
  }
  return { ms: median(times), result };
}

const SCENARIOS = {
  /** Plain cdk8s synth of N hardened workloads (no policy, no schema). */
  'synth-plain'(n, reps) {
    const { buildScaleApp } = require('./scale-app');
    return timeRepeated(reps, () => buildScaleApp(Number(n), false).synthYaml().length);
  },
  /** The same app through HardenedApp: synth + schema + the hardened rules. */
  'synth-hardened'(n, reps) {
    const { buildScaleApp } = require('./scale-app');
    return timeRepeated(reps, () => buildScaleApp(Number(n), true).synthYaml().length);
  },
  /**
   * `cdk8s-hardened synth` in-process on the same app (bench/scale-main.js, a HardenedApp): runs the app in a child
   * process, reads back what it wrote, judges it, writes the GitOps tree into a fresh folder. Peak RSS is the CLI's own.
   */
  async 'synth-cli'(n, reps) {
    const { runSynth } = require(path.join(LIB, 'cli', 'synth.js'));
    const io = { stdout: () => undefined, stderr: (s) => process.stderr.write(s) };
    const times = [];
    for (let i = 0; i < reps; i++) {
      const out = mkdtempSync(path.join(os.tmpdir(), 'cdk8s-hardened-bench-out-'));
      Object.assign(process.env, appEnv(n));
      const start = now();
      const code = await runSynth({ entry: path.join(__dirname, 'scale-main.js'), out: path.join(out, 'dist') }, io);
      times.push(now() - start);
      rmSync(out, { recursive: true, force: true });
      if (code !== 0) {
        throw new Error(`synth exited with ${code}`);
      }
    }
    return { ms: median(times), result: n };
  },
  /** The app alone, as `cdk8s synth` runs it: a child process writing its YAML to CDK8S_OUTDIR (the CLI's floor). */
  'synth-app'(n, reps) {
    return timeRepeated(reps, () => {
      const out = mkdtempSync(path.join(os.tmpdir(), 'cdk8s-hardened-bench-out-'));
      try {
        execFileSync(process.execPath, [path.join(__dirname, 'scale-main.js')], { env: { ...process.env, ...appEnv(n), CDK8S_OUTDIR: out } });
      } finally {
        rmSync(out, { recursive: true, force: true });
      }
      return n;
    });
  },
};

if (process.argv[2] === '--scenario') {
  const [name, arg, reps] = process.argv.slice(3);
  Promise.resolve(SCENARIOS[name](arg, Number(reps))).then(({ ms, result }) => {
    process.stdout.write(JSON.stringify({ ms, result, peakRssMb: peakRssMb() }));
    process.exit(0);
  });
} else {
  main();
}

// ---------------------------------------------------------------- orchestration
function scenario(name, arg, reps, env = {}) {
  const out = execFileSync(process.execPath, [__filename, '--scenario', name, String(arg), String(reps)], {
    encoding: 'utf8', maxBuffer: 1 << 26, env: { ...process.env, ...env },
  });
  return JSON.parse(out);
}

/**
 * A RAM filesystem to run the CLI synth on as well (Linux's /dev/shm when it is a tmpfs), or undefined: the same work
 * without the disk, so that what writing one file per object costs on this machine's disk shows beside it.
 */
function ramFolder() {
  try {
    const mounted = readFileSync('/proc/mounts', 'utf8').split('\n').some((line) => /^\S+ \/dev\/shm tmpfs /.test(line));
    return mounted ? '/dev/shm' : undefined;
  } catch {
    return undefined;
  }
}

/** The environment of bench/scale-main.js for a CLI synth argument: `1000` (a HardenedApp) or `1000:plain` (a plain App). */
function appEnv(arg) {
  const [count, kind] = String(arg).split(':');
  return { BENCH_N: count, BENCH_PLAIN: kind === 'plain' ? '1' : '0' };
}

function coldStart(file, runs) {
  const times = [];
  for (let i = 0; i < runs; i++) {
    const start = now();
    const r = spawnSync(process.execPath, [path.join(LIB, 'cli', 'main.js'), 'check', '--format', 'json', file], { encoding: 'utf8' });
    times.push(now() - start);
    if (r.status !== 0 && r.status !== 1) {
      throw new Error(`cold start run failed: ${r.stderr}`);
    }
  }
  return median(times);
}

/**
 * One whole process, timed from spawn to exit, with its peak RSS (reported by bench/rss.js, preloaded, on fd 3).
 * `status` is the exit code; stdout is discarded.
 */
function wholeProcess(args) {
  const start = now();
  const r = spawnSync(process.execPath, ['-r', path.join(__dirname, 'rss.js'), ...args], { stdio: ['ignore', 'ignore', 'pipe', 'pipe'], maxBuffer: 1 << 26 });
  const ms = now() - start;
  const rss = Number(String(r.output[3] ?? '').trim() || 'NaN');
  return { ms, peakRssMb: rss, status: r.status, stderr: String(r.stderr ?? '') };
}

/** The floor of check: js-yaml's loadAll of the same bytes in a fresh node process (whole-process wall time). */
function loadAllFloor(file) {
  return wholeProcess(['-e', `require(${JSON.stringify(require.resolve('js-yaml'))}).loadAll(require('fs').readFileSync(${JSON.stringify(file)}, 'utf8'))`]);
}

/** `cdk8s-hardened check --profile hardened` of a file, as a user runs it (whole process, JSON report). */
function checkProcess(file, extra = []) {
  const r = wholeProcess([path.join(LIB, 'cli', 'main.js'), 'check', '--profile', 'hardened', '--format', 'json', ...extra, file]);
  if (r.status !== 0 && r.status !== 1) {
    throw new Error(`check failed (exit ${r.status}): ${r.stderr.split('\n')[0]}`);
  }
  return r;
}

/** Least-squares slope of log(time) against log(N): 1.0 is linear. */
function scalingExponent(points) {
  const xs = points.map((p) => Math.log(p.n));
  const ys = points.map((p) => Math.log(p.ms));
  const mx = xs.reduce((a, b) => a + b, 0) / xs.length;
  const my = ys.reduce((a, b) => a + b, 0) / ys.length;
  const num = xs.reduce((a, x, i) => a + (x - mx) * (ys[i] - my), 0);
  const den = xs.reduce((a, x) => a + (x - mx) ** 2, 0);
  return num / den;
}

function main() {
  const quick = process.argv.includes('--quick');
  if (!existsSync(path.join(LIB, 'index.js'))) {
    console.error('bench: lib/ not found: run `npm run compile` first (npm run bench does)');
    process.exit(2);
  }
  const YAML = require('yaml');
  const { mixedObjects } = require('./fixtures');
  const work = mkdtempSync(path.join(os.tmpdir(), 'cdk8s-hardened-bench-'));
  const lines = [];
  const say = (s) => { lines.push(s); console.log(s); };
  try {
    // check: 2,000 and 20,000 mixed objects, one multi-document file each, beside js-yaml's loadAll of the same
    // bytes. Every figure beside its floor: subject and floor run back to back in fresh processes, several pairs.
    // On a shared machine run times drift by 10-20%, and a pair run back to back sees the same drift; the ratio
    // reported is the median of the pairs' ratios, the times the medians of each side.
    const pairCount = quick ? 3 : 5;
    const paired = (subject, floorName, arg, reps, env = {}) => {
      const pairs = Array.from({ length: pairCount }, () => [scenario(subject, arg, reps, env), scenario(floorName, arg, reps, env)]);
      const side = (i) => ({
        ms: median(pairs.map((p) => p[i].ms)),
        peakRssMb: Math.max(...pairs.map((p) => p[i].peakRssMb)),
        result: pairs[0][i].result,
      });
      return { subject: side(0), floor: side(1), ratio: median(pairs.map(([a, b]) => a.ms / b.ms)) };
    };
    const checkSizes = quick ? [2000] : [2000, 20000];
    const checks = {};
    for (const count of checkSizes) {
      const file = path.join(work, `mixed-${count}.yaml`);
      writeFileSync(file, mixedObjects(count).map((o) => YAML.stringify(o)).join('---\n'));
      // Each round: check as users run it (threads chosen by size and cores), the floor, check on one thread
      // (--jobs 1) and on one thread per core (--jobs <cores>).
      const cores = String(os.availableParallelism());
      const pairs = Array.from({ length: pairCount }, () => [checkProcess(file), loadAllFloor(file), checkProcess(file, ['--jobs', '1']),
        checkProcess(file, ['--jobs', cores])]);
      const sideOf = (i) => ({ ms: median(pairs.map((p) => p[i].ms)), peakRssMb: Math.max(...pairs.map((p) => p[i].peakRssMb)) });
      const subject = sideOf(0);
      const floor = sideOf(1);
      const single = sideOf(2);
      const ratio = median(pairs.map(([a, b]) => a.ms / b.ms));
      const perCore = sideOf(3);
      const speedup = median(pairs.map(([, , c, d]) => c.ms / d.ms));
      checks[count] = { subject, floor, ratio, file, single, speedup, perCore };
      say(`check  ${count} objects: cdk8s-hardened check --profile hardened ${subject.ms.toFixed(0)} ms vs js-yaml loadAll ${floor.ms.toFixed(0)} ms `
        + `= ${ratio.toFixed(2)}x (whole processes, median of ${pairCount} pairs); ${(count / (subject.ms / 1000)).toFixed(0)} objects/s; `
        + `peak RSS ${subject.peakRssMb.toFixed(0)} MB (floor ${floor.peakRssMb.toFixed(0)} MB)`);
      say(`check  ${count} objects on ${cores} cores: one thread (--jobs 1) ${single.ms.toFixed(0)} ms, peak RSS ${single.peakRssMb.toFixed(0)} MB; `
        + `${cores} threads (--jobs ${cores}) ${perCore.ms.toFixed(0)} ms, peak RSS ${perCore.peakRssMb.toFixed(0)} MB: ${speedup.toFixed(2)}x one thread's speed`);
    }
    const check = checks[2000].subject;
    const checkRatio = checks[2000].ratio;
    const objectsPerS = 2000 / (check.ms / 1000);
    const oneFile = path.join(work, 'one.yaml');
    writeFileSync(oneFile, mixedObjects(12).map((o) => YAML.stringify(o)).join('---\n'));
    const cold = coldStart(oneFile, quick ? 3 : 5);
    say(`check  cold start (node lib/cli/main.js check, 12 objects): ${cold.toFixed(0)} ms`);
    // Peers on the same corpora (full bench, when go is on PATH): kubeconform -strict against schemas written from our
    // vendored 1.28 definitions; see bench/peers.js.
    const peers = quick ? { lines: [], figures: {} } : require('./peers').runPeers(checkSizes.map((c) => [c, checks[c].file]), pairCount);
    peers.lines.forEach(say);
    let many;
    if (!quick) {
      // 200,000 small documents in one file: read and judged without error (once a stack overflow).
      const manyFile = path.join(work, 'many.yaml');
      writeFileSync(manyFile, Array.from({ length: 200000 }, (_, i) => `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c${i}, namespace: team}\ndata: {k: v}\n`).join('---\n'));
      many = checkProcess(manyFile);
      say(`check  200000 documents: ${many.status === 0 || many.status === 1 ? 'checked' : 'FAILED'} in ${many.ms.toFixed(0)} ms, peak RSS ${many.peakRssMb.toFixed(0)} MB`);
    }

    // synth: N hardened workloads (Deployment + Service + ServiceAccount + NetworkPolicy each).
    const sizes = quick ? [100, 1000] : [100, 1000, 5000];
    const plainPoints = [];
    const hardenedPoints = [];
    let peak = Math.max(...Object.values(checks).map((c) => c.subject.peakRssMb));
    let synthRatio;
    for (const n of sizes) {
      // One synth per process: the peak RSS is that of one synth, not of garbage left by earlier runs.
      const { subject: hardened, floor: plain, ratio } = paired('synth-hardened', 'synth-plain', n, 1);
      plainPoints.push({ n, ms: plain.ms });
      hardenedPoints.push({ n, ms: hardened.ms });
      peak = Math.max(peak, hardened.peakRssMb, plain.peakRssMb);
      synthRatio = ratio;
      say(`synth  N=${n}: HardenedApp ${hardened.ms.toFixed(0)} ms vs plain cdk8s ${plain.ms.toFixed(0)} ms = `
        + `${ratio.toFixed(2)}x (median of ${pairCount} pairs); peak RSS ${hardened.peakRssMb.toFixed(0)} MB (plain ${plain.peakRssMb.toFixed(0)} MB)`);
    }
    const largest = sizes[sizes.length - 1];
    const exponent = scalingExponent(hardenedPoints);
    // Fixed costs (start-up, first use of each rule) flatten the fit over all sizes; the slope between the two
    // largest sizes is the marginal cost of more objects, which is what "linear in N" is about.
    const marginal = scalingExponent(hardenedPoints.slice(-2));
    const prev = sizes[sizes.length - 2];
    say(`synth  scaling exponent (log time vs log N, HardenedApp): ${exponent.toFixed(2)} over N = ${sizes.join(', ')} `
      + `(plain cdk8s ${scalingExponent(plainPoints).toFixed(2)})`
      + (sizes.length > 2 ? `; ${marginal.toFixed(2)} from N=${prev} to N=${largest} (plain cdk8s ${scalingExponent(plainPoints.slice(-2)).toFixed(2)})` : ''));

    // The CLI on the same app: run it, read back and judge its output, write the GitOps tree.
    // A HardenedApp (as the synth figures above) and a plain cdk8s App: the app alone is cdk8s synth of the same app.
    const cliN = quick ? 100 : 1000;
    const cliRuns = {};
    for (const [label, arg] of [['hardened', `${cliN}`], ['plain', `${cliN}:plain`], ...(quick ? [] : [['hardened', '5000']])]) {
      const { subject: cli, floor: app, ratio } = paired('synth-cli', 'synth-app', arg, 1);
      const n = Number(arg.split(':')[0]);
      cliRuns[`${label}:${n}`] = ratio;
      peak = Math.max(peak, cli.peakRssMb);
      say(`synth  CLI (cdk8s-hardened synth of a ${label === 'plain' ? 'plain cdk8s App' : 'HardenedApp'}, N=${n}): ${cli.ms.toFixed(0)} ms `
        + `vs the app alone writing its YAML ${app.ms.toFixed(0)} ms = ${ratio.toFixed(2)}x; CLI peak RSS ${cli.peakRssMb.toFixed(0)} MB (the app runs in its own process)`);
    }
    const cliRatio = cliRuns[`hardened:${cliN}`];
    // The same pairs with every folder on a RAM filesystem (the app's output, synth's work folder and the tree).
    const ram = ramFolder();
    const ramRuns = {};
    for (const n of ram ? [cliN, ...(quick ? [] : [5000])] : []) {
      const { subject: cli, floor: app, ratio } = paired('synth-cli', 'synth-app', `${n}`, 1, { TMPDIR: ram });
      ramRuns[n] = ratio;
      say(`synth  CLI on a RAM filesystem (TMPDIR=${ram}; HardenedApp, N=${n}): ${cli.ms.toFixed(0)} ms vs the app alone ${app.ms.toFixed(0)} ms `
        + `= ${ratio.toFixed(2)}x (the line above without this machine's disk: synth writes one file per object, the app one per chart)`);
    }

    const result = {
      quick,
      synth_ratio: Number(synthRatio.toFixed(3)),
      synth_ratio_at_n: largest,
      synth_scaling_exponent: Number(exponent.toFixed(3)),
      synth_marginal_exponent: Number(marginal.toFixed(3)),
      check_ratio: Number(checkRatio.toFixed(3)),
      check_threads_speedup_2k: Number(checks[2000].speedup.toFixed(3)),
      ...(checks[20000] ? {
        check_ratio_20k: Number(checks[20000].ratio.toFixed(3)),
        check_peak_rss_mb_20k: Math.round(checks[20000].subject.peakRssMb),
        check_threads_speedup_20k: Number(checks[20000].speedup.toFixed(3)),
        check_one_thread_peak_rss_mb_20k: Math.round(checks[20000].single.peakRssMb),
        check_threads_peak_rss_mb_20k: Math.round(checks[20000].perCore.peakRssMb),
      } : {}),
      ...(many ? { check_200k_documents_ms: Math.round(many.ms) } : {}),
      ...peers.figures,
      check_objects_per_s: Math.round(objectsPerS),
      synth_cli_ratio: Number(cliRatio.toFixed(3)),
      synth_cli_ratio_plain_app: Number(cliRuns[`plain:${cliN}`].toFixed(3)),
      ...(cliRuns['hardened:5000'] !== undefined ? { synth_cli_ratio_5000: Number(cliRuns['hardened:5000'].toFixed(3)) } : {}),
      ...(ramRuns[cliN] !== undefined ? { synth_cli_ratio_ramfs: Number(ramRuns[cliN].toFixed(3)) } : {}),
      ...(ramRuns[5000] !== undefined ? { synth_cli_ratio_ramfs_5000: Number(ramRuns[5000].toFixed(3)) } : {}),
      peak_rss_mb: Math.round(peak),
      cold_start_ms: Math.round(cold),
    };
    writeResults(lines, result);
    console.log(`BENCH ${JSON.stringify(result)}`);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

function writeResults(lines, result) {
  const cpu = os.cpus();
  const machine = `${cpu.length} x ${cpu[0] ? cpu[0].model.trim() : 'unknown CPU'}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, `
    + `${os.type()} ${os.release()}, Node ${process.version}; load average at the end (1 / 5 / 15 min) `
    + `${os.loadavg().map((l) => l.toFixed(2)).join(' / ')}${os.loadavg()[1] > cpu.length ? ': other work shared the cores, so the figures are noisier than usual' : ''}`;
  const body = [
    '# Benchmark results',
    '',
    `Generated by \`npm run bench${result.quick ? ' -- --quick' : ''}\` (bench/run.js); do not edit by hand.`,
    '',
    `Machine: ${machine}.`,
    '',
    '```',
    ...lines,
    '```',
    '',
    'Targets: policy + schema add at most 25% to plain cdk8s synth at N = 5,000 (synth_ratio <= 1.25); check at',
    'most 2x js-yaml loadAll of the same bytes (whole processes) on 2,000 and 20,000 objects (check_ratio,',
    'check_ratio_20k <= 2), peak RSS at most 300 MB at 20,000 objects, 200,000 documents checked; cost linear in N',
    '(the marginal scaling exponent, between the two largest N, close to 1; the fit over all N is lower because of',
    'fixed start-up costs). See bench/README.md for what each figure measures and the hot spots fixed so far.',
    '',
    '```',
    `BENCH ${JSON.stringify(result)}`,
    '```',
    '',
  ].join('\n');
  writeFileSync(path.join(__dirname, 'RESULTS.md'), body);
}
