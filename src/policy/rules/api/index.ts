import { Rule } from '../../rule';
import { removedApi } from './removed';
import { secretData } from './secret-data';

/** Removed APIs and secrets in a GitOps tree. */
export const API_RULES: readonly Rule[] = [
  secretData,
  removedApi,
];
