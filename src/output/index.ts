export { OutputError, replaceDirAtomically } from './atomic';
export { applyRank, compareApplyOrder, SYNC_WAVE_ANNOTATION, syncWave, syncWaveTable, SortKey } from './order';
export {
  GENERATED_HEADER, GitOpsFolder, GitOpsGroup, GitOpsInput, GitOpsLayout, GitOpsOptions, GitOpsResult, GitOpsTree,
  planGitOpsTree, writeGitOpsTree,
} from './tree';
export { looksLikeNonString, toYaml } from './yaml';
