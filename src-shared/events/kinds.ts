// Kiln's event kinds: regular kinds (an append-only log) in a block of our own.
// Addressable kinds (30000+) would let a relay replace history, so they are wrong for receipts.
export const KIND = {
  sessionStart: 4600,
  action: 4601,
  checkpoint: 4602,
  error: 4603,
  sessionEnd: 4604,
} as const;

export type KindName = keyof typeof KIND;
export type KilnKind = (typeof KIND)[KindName];

/** The `t` tag of an action event says which of these it is. */
export const ACTION_TYPES = ['file', 'changes', 'command', 'tool', 'message', 'git'] as const;
export type ActionType = (typeof ACTION_TYPES)[number];

const NAME_BY_KIND = new Map<number, KindName>(
  (Object.entries(KIND) as [KindName, number][]).map(([name, kind]) => [kind, name]),
);

/** The name of a Kiln kind, or undefined for any other kind. */
export function kindName(kind: number): KindName | undefined {
  return NAME_BY_KIND.get(kind);
}
