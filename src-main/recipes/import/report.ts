// What an import did with each part of what it read: mapped into the recipe, kept only as a note
// (in the recipe's IMPORT-REPORT.md, for a person to act on), or refused with the reason. Nothing
// read is ever executed, and no variable in it is ever expanded.
export interface ImportItem {
  /** The part read, e.g. `devcontainer.json $.features["ghcr.io/…/node:1"]`. */
  what: string;
  /** Where it went (mapped) or why (note, refused). */
  detail: string;
}

export interface ImportReport {
  /** The files read, relative to what was given. */
  sources: string[];
  mapped: ImportItem[];
  notes: ImportItem[];
  refused: ImportItem[];
}

export const emptyReport = (): ImportReport => ({ sources: [], mapped: [], notes: [], refused: [] });

export function reportMarkdown(report: ImportReport, title: string): string {
  const section = (head: string, items: ImportItem[]) =>
    items.length ? [`## ${head}`, '', ...items.map((i) => `- **${i.what}** — ${i.detail}`), ''] : [];
  return [
    `# Import report: ${title}`,
    '',
    `Read: ${report.sources.join(', ') || '(nothing)'}. Nothing was executed and no variable was expanded.`,
    '',
    ...section('Mapped into the recipe', report.mapped),
    ...section('Kept as notes (not applied; act on them yourself)', report.notes),
    ...section('Refused', report.refused),
  ].join('\n');
}
