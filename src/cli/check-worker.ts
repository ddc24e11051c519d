/**
 * A worker thread of a large `check` (see parallel.ts): reads the document ranges it is given, keeps their objects,
 * returns them for the rules over the whole set, then judges them with the same rules as the main thread.
 * Every answer is posted on the port and counted on the shared signal (the main thread waits on it).
 */
import { parentPort, workerData } from 'worker_threads';
import type { MessagePort } from 'worker_threads';
import type { EvaluateOptions } from '../policy/engine';
import type { Manifest } from '../policy/rule';
import type { WireReading, WorkerRecipe, WorkerTask } from './parallel';

/* eslint-disable @typescript-eslint/no-require-imports */
function serve(port: MessagePort, signal: Int32Array, recipe: WorkerRecipe): void {
  // Loaded here, inside the caller's try: a module that fails to load is answered as a crash, never a silent hang.
  const { exemptionSuppressions, suppressionPolicy } = require('../config/config') as typeof import('../config/config');
  const { InputError, NotKubernetesError } = require('../input/errors') as typeof import('../input/errors');
  const { readYamlChunks } = require('../input/read') as typeof import('../input/read');
  const { evaluateShard } = require('../catalogue') as typeof import('../catalogue');
  const { isBuildConfiguration } = require('./inputs') as typeof import('./inputs');
  const { checkRules } = require('./rule-set') as typeof import('./rule-set');
  const { slimManifest } = require('./parallel') as typeof import('./parallel');
  const rules = checkRules(recipe.profile, recipe.config, recipe.crds, recipe.psps ?? []);
  const options: EvaluateOptions = {
    crds: recipe.crds,
    exemptions: exemptionSuppressions(recipe.config),
    suppressionPolicy: suppressionPolicy(recipe.config, new Date(recipe.now)),
    ...(recipe.scan ? { scan: recipe.scan } : {}),
  };
  const held = new Map<number, Manifest[]>();
  const answer = (message: unknown) => {
    port.postMessage(message);
    Atomics.add(signal, 0, 1);
    Atomics.notify(signal, 0);
  };
  port.on('message', (task: WorkerTask) => {
    try {
      if (task.task === 'read') {
        const readings: WireReading[] = [];
        for (const { id, stream } of task.pieces) {
          try {
            const { manifests, skipped } = readYamlChunks(stream);
            held.set(id, manifests.filter((m) => !isBuildConfiguration(m.object)));
            readings.push({ manifests: manifests.map(slimManifest), ...(skipped ? { skipped: skipped.message } : {}) });
          } catch (error) {
            if (!(error instanceof InputError)) {
              throw error;
            }
            readings.push({ error: error.message, notKubernetes: error instanceof NotKubernetesError });
            break; // nothing after the first failure is read, as on one thread
          }
        }
        answer({ readings });
      } else {
        answer({ shards: task.shards.map(({ id, context }) => evaluateShard(held.get(id) ?? [], rules, options, context)) });
      }
    } catch (error) {
      answer({ crash: error instanceof Error ? error.stack ?? error.message : String(error) });
    }
  });
}

if (parentPort && workerData?.port) {
  const { port, signal, recipe } = workerData as { port: MessagePort; signal: Int32Array; recipe: WorkerRecipe };
  try {
    serve(port, signal, recipe);
  } catch (error) {
    port.postMessage({ crash: error instanceof Error ? error.stack ?? error.message : String(error) });
    Atomics.add(signal, 0, 1);
    Atomics.notify(signal, 0);
  }
}
