// Public API of the timeline client. Import from here.
export { TimelineClient } from './client';
export { RelayClient, sortChronologically, type Filter, type LiveSubscription } from './relay-client';
export { RecorderApi, type CheckpointInfo, type CheckpointTaken, type UndoResult, type RecorderTarget, type RecorderSession } from './recorder-api';
