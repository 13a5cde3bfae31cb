// The model Kiln offers when a recipe names none: a 7–8B tool-calling coder that runs on a
// laptop, with a context window agents can work in.

export interface DefaultModel {
  /** Ollama model name. */
  name: string;
  /** Context window Kiln sets (Ollama's 4K default truncates agents' tool definitions). */
  contextLength: number;
  /**
   * Download size in bytes, shown before the pull starts. Approximate: the sum of the layers of
   * the library manifest of ollama.com/library/qwen2.5-coder:7b (Q4_K_M) when this was written.
   * /api/show cannot tell it before the model is pulled; the pull's own totals replace it then.
   */
  approxBytes: number;
  /** Shown in the UI next to the size. */
  label: string;
}

export const DEFAULT_MODEL: DefaultModel = {
  name: 'qwen2.5-coder:7b',
  contextLength: 65_536,
  approxBytes: 4_683_087_332,
  label: 'Qwen2.5 Coder 7B (tool calling)',
};

/** "4.7 GB" — decimal units, as Ollama and download pages show them. */
export function formatBytes(bytes: number): string {
  const units = ['B', 'kB', 'MB', 'GB', 'TB'];
  let v = bytes;
  let i = 0;
  while (v >= 1000 && i < units.length - 1) {
    v /= 1000;
    i++;
  }
  return `${i === 0 ? v : v.toFixed(1)} ${units[i]}`;
}
