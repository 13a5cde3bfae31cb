// What a terminal can run besides a shell: its own module, light enough for every command's
// usage text (the CLI loads what a command runs only when it runs; see session-agent.ts).
export const TERMINAL_AGENTS = ['opencode', 'claude-code', 'codex', 'gemini-cli'] as const;
export type TerminalAgent = (typeof TERMINAL_AGENTS)[number];

export const isTerminalAgent = (kind: string): kind is TerminalAgent => (TERMINAL_AGENTS as readonly string[]).includes(kind);
