'use strict';
/** The synth benchmark's app as a program (for `cdk8s-hardened synth`): BENCH_N hardened workloads, synthesized. */
const { buildScaleApp } = require('./scale-app');

buildScaleApp(Number(process.env.BENCH_N || 100), true).synth();
