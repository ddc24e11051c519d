/**
 * Synthesizes the reference app: `npx ts-node examples/reference/main.ts` (or `cdk8s synth` in this folder).
 * Output goes to $CDK8S_OUTDIR, else ./dist, as with any cdk8s App. Synth fails, writing nothing, if any object
 * breaks a rule of the hardened profile.
 */
import { buildReferenceApp } from './app';

if (require.main === module) {
  buildReferenceApp().app.synth();
}
