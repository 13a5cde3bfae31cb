// Public API of the event vocabulary. Import from here, not from the files.
export { KIND, ACTION_TYPES, kindName, type KindName, type KilnKind, type ActionType } from './kinds';
export { MAX_EVENT_BYTES, MAX_TAGS, MAX_INLINE_DIFF_BYTES, utf8Length } from './limits';
export { cleanText, cleanValue, MAX_VALUE_DEPTH } from './clean';
export { createRedactor, redactValue, isSecretName, KNOWN_SECRET_NAMES, MIN_SECRET_VALUE_LENGTH, type Redactor } from './redact';
export * from './content';
export { KilnEventError, type KilnEventErrorCode } from './errors';
export { secretKeySigner, plainEvent, type Signer, type EventTemplate, type NostrEvent } from './signer';
export { DIFF_MIME, JSON_MIME, useSha256, type EventBlob } from './blob';
export {
  SessionWriter, type WriterOptions, type StartOptions, type WriteOptions, type ChainPosition, type Written,
} from './session-writer';
export {
  NostrEventSchema, parseKilnEvent, tagValue, seqOf,
  type ParseResult, type ParseFailure, type ParsedKilnEvent, type ParsedSessionStart, type ParsedAction,
  type ParsedCheckpoint, type ParsedError, type ParsedSessionEnd,
} from './parse';
export { verifyChain, type ChainProblem, type ChainProblemCode, type ChainReport } from './chain';
export { relayAuthSecretKey, relayAuthPubkey } from './auth';
