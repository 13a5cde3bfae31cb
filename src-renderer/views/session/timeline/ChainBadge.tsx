// The chain badge: the host verifies every signature and link of the session's chains and the
// badge says "N receipts, all signed and linked" or names the first problem. It runs when the
// timeline opens and again (debounced) as receipts arrive, and 3 s after a check that could
// not run; a click runs it now.
import { useEffect } from 'react';
import { useTimeline } from '../../../state/timeline';

export function ChainBadge({ session, count }: { session: string; count: number }) {
  const verify = useTimeline((s) => s.verify);
  const run = useTimeline((s) => s.runVerify);
  useEffect(() => {
    const t = setTimeout(() => void run(), count === 0 ? 0 : 1500);
    return () => clearTimeout(t);
  }, [session, count, run]);
  // A failed check (the recorder still starting, a reconnect) tries again by itself.
  useEffect(() => {
    if (!verify.error) return;
    const t = setTimeout(() => void run(), 3000);
    return () => clearTimeout(t);
  }, [verify.error, run]);
  let text = 'Checking the chain…';
  let cls = 'chain-pending';
  if (verify.error) {
    text = `Could not verify: ${verify.error.message}`;
    cls = 'chain-bad';
  } else if (verify.result) {
    const r = verify.result;
    if (r.valid) {
      text = `${r.events.toLocaleString()} receipt${r.events === 1 ? '' : 's'}, all signed and linked`;
      cls = 'chain-ok';
    } else {
      const p = r.problems[0];
      text = p ? `Chain problem: ${p.message}${p.seq !== undefined ? ` (receipt ${p.seq})` : ''}` : 'The chain did not verify';
      cls = 'chain-bad';
    }
  }
  return (
    <button type="button" className={`chain-badge ${cls}`} onClick={() => void run()} aria-label={`Chain: ${text}. Verify again`} title="Verify again" aria-live="polite">
      <span className="chain-icon" aria-hidden="true">{cls === 'chain-ok' ? '✓' : cls === 'chain-bad' ? '!' : '…'}</span>
      {text}
    </button>
  );
}
