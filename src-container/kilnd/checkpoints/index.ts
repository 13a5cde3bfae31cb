// The checkpoints module's public surface: the shadow-git checkpoint store and undo.
export { CheckpointStore, CheckpointError, REF } from './store';
export type { Checkpoint, CheckpointChange, CheckpointInfo, CheckpointStoreOptions, RestoreResult, Skipped } from './store';
export { isBinary } from './text-diff';
export { ALWAYS_EXCLUDED_DIRS, BUILD_OUTPUT_DIRS } from './exclusions';
