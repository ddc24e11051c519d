/**
 * Kept for src/config and src/plugin, which import the "did you mean" helper from here: it lives in the neutral
 * src/util/suggest.ts (policy must not import schema). Import it from there in new code.
 */
export { editDistance, suggest } from '../util/suggest';
