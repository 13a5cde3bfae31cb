// Where the record lives, when it is not kept: app.info says `persistent: false` (the all-in-one
// container without a volume on /var/lib/kiln). The page knows nothing else of the mode.
import { useApp } from '../state/app';

export function RecordBanner() {
  const persistent = useApp((s) => s.info?.persistent);
  if (persistent !== false) return null;
  return (
    <div className="banner banner-warn" role="note" aria-label="Record not kept">
      The record lives only as long as this container: add <code>-v kiln-state:/var/lib/kiln</code> to <code>docker run</code> to keep its timeline,
      checkpoints and undo.
    </div>
  );
}
