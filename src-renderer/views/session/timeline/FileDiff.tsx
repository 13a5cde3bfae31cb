// A file's diff, rendered by react-diff-view over jsdiff: the recorder writes jsdiff unified
// patches (createTwoFilesPatch); jsdiff parses them and a git-style patch goes to parseDiff.
// Unified or split; a patch that cannot be parsed is shown as text.
import { useMemo } from 'react';
import { parsePatch } from 'diff';
import { Diff, Hunk, parseDiff, type DiffType } from 'react-diff-view';

export type ViewKind = 'unified' | 'split';

function toGitPatch(text: string, path: string): string | null {
  const patches = parsePatch(text);
  const p = patches[0];
  if (!p || p.hunks.length === 0) return null;
  const added = p.oldFileName === '/dev/null';
  const removed = p.newFileName === '/dev/null';
  const head = [
    `diff --git a/${path} b/${path}`,
    added ? 'new file mode 100644' : removed ? 'deleted file mode 100644' : '',
    `--- ${added ? '/dev/null' : `a/${path}`}`,
    `+++ ${removed ? '/dev/null' : `b/${path}`}`,
  ].filter(Boolean);
  const body = p.hunks.flatMap((h) => [`@@ -${h.oldStart},${h.oldLines} +${h.newStart},${h.newLines} @@`, ...h.lines]);
  return [...head, ...body].join('\n') + '\n';
}

export function FileDiff({ diff, path, view }: { diff: string; path: string; view: ViewKind }) {
  const files = useMemo(() => {
    try {
      const git = toGitPatch(diff, path);
      return git ? parseDiff(git, { nearbySequences: 'zip' }) : [];
    } catch {
      return null;
    }
  }, [diff, path]);
  if (files === null) return <pre className="diff-raw">{diff}</pre>;
  if (files.length === 0) return <p className="muted small">No textual change.</p>;
  return (
    <div className="diff" aria-label={`Changes to ${path}`}>
      {files.map((f) => (
        <Diff key={`${f.oldRevision}-${f.newRevision}-${path}`} viewType={view} diffType={f.type as DiffType} hunks={f.hunks}>
          {(hunks) => hunks.map((h) => <Hunk key={h.content} hunk={h} />)}
        </Diff>
      ))}
    </div>
  );
}
