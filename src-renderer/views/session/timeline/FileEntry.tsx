// A file receipt ('file') or a many-file receipt ('changes'). Diffs inline when the receipt holds
// them; otherwise fetched when opened (timeline.blob for a blob-referenced diff, timeline.diff
// for a file of a checkpoint). Binary files are shown by size and hash.
import { useEffect, useState } from 'react';
import type { ChangedFile, ChangesAction, FileAction } from '../../../../src-shared/events/content';
import { bridge } from '../../../bridge';
import { asKilnError, type KilnError } from '../../../state/errors';
import { ErrorNotice } from '../../common/ErrorNotice';
import { formatBytes } from '../../common/ProgressBar';
import { FileDiff, type ViewKind } from './FileDiff';

const OPEN_INLINE_BELOW = 4096;
const CHANGE_LABEL: Record<string, string> = { added: 'added', modified: 'changed', deleted: 'removed', renamed: 'renamed' };

type Loader = () => Promise<{ diff?: string; binary?: boolean; size?: number; oid?: string }>;

function FileRow({ file, load, view, startOpen }: { file: ChangedFile; load: Loader | null; view: ViewKind; startOpen: boolean }) {
  const [open, setOpen] = useState(startOpen);
  const [diff, setDiff] = useState<string | undefined>(file.diff);
  const [binary, setBinary] = useState<{ size?: number; hash?: string } | null>(
    file.binary ? { size: file.size, hash: file.sha256 ?? file.oid } : null,
  );
  const [error, setError] = useState<KilnError | null>(null);
  const [loading, setLoading] = useState(false);
  useEffect(() => {
    if (!open || diff !== undefined || binary || !load || loading || error) return;
    setLoading(true);
    load()
      .then((r) => {
        if (r.binary) setBinary({ size: r.size ?? file.size, hash: r.oid ?? file.sha256 ?? file.oid });
        else setDiff(r.diff ?? '');
      })
      .catch((err) => setError(asKilnError(err)))
      .finally(() => setLoading(false));
  }, [open, diff, binary, load, loading, error, file]);
  const canOpen = !binary && (diff !== undefined || !!load);
  return (
    <div className={`file-row change-${file.change}`}>
      <div className="file-line">
        <span className={`change-tag tag-${file.change}`}>{CHANGE_LABEL[file.change] ?? file.change}</span>
        <span className="file-path">
          {file.from ? `${file.from} → ` : ''}
          {file.path}
        </span>
        {binary && (
          <span className="muted small">
            binary{binary.size !== undefined ? ` · ${formatBytes(binary.size)}` : ''}
            {binary.hash ? ` · ${binary.hash.slice(0, 12)}` : ''}
          </span>
        )}
        {canOpen && (
          <button type="button" className="btn btn-ghost btn-small" aria-expanded={open} onClick={() => setOpen(!open)} aria-label={`${open ? 'Hide' : 'Show'} diff of ${file.path}`}>
            {open ? 'Hide diff' : 'Show diff'}
          </button>
        )}
      </div>
      {open && loading && <p className="muted small">Loading the diff…</p>}
      {open && error && <ErrorNotice error={error} compact />}
      {open && diff !== undefined && <FileDiff diff={diff} path={file.path} view={view} />}
    </div>
  );
}

export function FileEntry({ session, content, view, openSmall }: { session: string; content: FileAction; view: ViewKind; openSmall: boolean }) {
  let load: Loader | null = null;
  if (content.diff === undefined && content.blob) {
    const sha256 = content.blob;
    load = async () => {
      const b = await bridge.call('timeline.blob', { id: session, sha256 });
      if (b.binary || b.text === undefined) return { binary: true, size: b.size };
      if (content.shortened) {
        try {
          return { diff: (JSON.parse(b.text) as { diff?: string }).diff ?? '' };
        } catch {
          return { diff: '' };
        }
      }
      return { diff: b.text };
    };
  } else if (content.diff === undefined && content.checkpoint && !content.binary) {
    const commit = content.checkpoint;
    load = () => bridge.call('timeline.diff', { id: session, commit, path: content.path });
  }
  const startOpen = openSmall && content.diff !== undefined && content.diff.length <= OPEN_INLINE_BELOW;
  return <FileRow file={content} load={load} view={view} startOpen={startOpen} />;
}

export function ChangesEntry({ session, content, view, openSmall }: { session: string; content: ChangesAction; view: ViewKind; openSmall: boolean }) {
  const [shown, setShown] = useState(20);
  const commit = content.checkpoint;
  const files = content.files.slice(0, shown);
  return (
    <div className="changes">
      <div className="muted small">
        {content.total} file{content.total === 1 ? '' : 's'} changed
        {content.files.length < content.total ? ` (${content.files.length} listed; the rest are in the checkpoint)` : ''}
      </div>
      {files.map((f) => (
        <FileRow
          key={f.path}
          file={f}
          view={view}
          startOpen={openSmall && content.files.length <= 3 && f.diff !== undefined && f.diff.length <= OPEN_INLINE_BELOW}
          load={commit && !f.binary ? () => bridge.call('timeline.diff', { id: session, commit, path: f.path }) : null}
        />
      ))}
      {content.files.length > shown && (
        <button type="button" className="btn btn-ghost btn-small" onClick={() => setShown(shown + 50)}>
          Show {Math.min(50, content.files.length - shown)} more files
        </button>
      )}
    </div>
  );
}
