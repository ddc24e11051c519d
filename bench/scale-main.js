'use strict';
/**
 * The synth benchmark's app as a program (for `cdk8s-hardened synth`): BENCH_N hardened workloads, synthesized, in a
 * HardenedApp, or in a plain cdk8s App with BENCH_PLAIN=1.
 */
const { buildScaleApp } = require('./scale-app');

buildScaleApp(Number(process.env.BENCH_N || 100), process.env.BENCH_PLAIN !== '1').synth();
