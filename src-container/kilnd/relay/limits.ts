// What the relay accepts, and the NIP-11 document that announces it. Public-relay sized limits
// (DESIGN.md), so events recorded here can be published elsewhere unchanged.
import { EVENT_LIMITS, DEFAULT_MAX_LIMIT } from '../store';

export interface RelayLimits {
  maxMessageBytes: number;
  maxEventBytes: number;
  maxSubscriptions: number;
  maxFilters: number;
  maxLimit: number;
  maxEventTags: number;
  maxSubidLength: number;
  /** Pending outgoing bytes on one socket above which live delivery to it stops (slow reader). */
  maxBufferedBytes: number;
}

export const DEFAULT_LIMITS: RelayLimits = {
  maxMessageBytes: 128 * 1024,
  maxEventBytes: EVENT_LIMITS.maxEventBytes,
  maxSubscriptions: 20,
  maxFilters: 10,
  maxLimit: DEFAULT_MAX_LIMIT,
  maxEventTags: EVENT_LIMITS.maxEventTags,
  maxSubidLength: 64,
  maxBufferedBytes: 16 * 1024 * 1024,
};

export const SUPPORTED_NIPS = [1, 11, 42, 45] as const;

/** NIP-11 relay information document. */
export function infoDocument(limits: RelayLimits, authRequired: boolean) {
  return {
    name: 'Kiln recorder',
    description: 'The session event store of a Kiln pod: signed receipts of every agent action.',
    software: 'https://github.com/kiln-runtime/kiln',
    version: '0.1.0',
    supported_nips: [...SUPPORTED_NIPS],
    limitation: {
      max_message_length: limits.maxMessageBytes,
      max_subscriptions: limits.maxSubscriptions,
      max_filters: limits.maxFilters,
      max_limit: limits.maxLimit,
      max_subid_length: limits.maxSubidLength,
      max_event_tags: limits.maxEventTags,
      max_content_length: limits.maxEventBytes,
      auth_required: authRequired,
      restricted_writes: true,
      payment_required: false,
    },
  };
}
