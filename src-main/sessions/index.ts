// Public API of sessions. Import from here.
export { SessionManager, type SessionManagerOptions, type CreateSessionOptions, type SessionInfo, type CreatedSession, type RecorderConnection } from './manager';
export { kilnPaths, type KilnPaths } from './paths';
export { sessionIdFor, recorderName, workspaceName, stateVolumeName } from './naming';
export { LABEL, RECORDER_PORT, LIMITS } from './pod-spec';
export type { SessionState } from './pod-state';
export { execInWorkspace, recordedCommand, type WorkspaceExecIo } from './exec';
export type { SessionRecord } from './metadata';
