// A real progress bar (role=progressbar with its value) when the total is known, else an
// indeterminate one; the message says what is happening.
export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let v = n / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v >= 10 ? v.toFixed(0) : v.toFixed(1)} ${units[i]}`;
}

export function ProgressBar({ label, current, total, message, bytes }: { label: string; current?: number; total?: number; message?: string; bytes?: boolean }) {
  const known = typeof current === 'number' && typeof total === 'number' && total > 0;
  const pct = known ? Math.min(100, Math.round((current! / total!) * 100)) : undefined;
  return (
    <div className="progress">
      <div
        className={`progress-track${known ? '' : ' indeterminate'}`}
        role="progressbar"
        aria-label={label}
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={pct}
        aria-valuetext={known ? `${pct}%` : message}
      >
        <div className="progress-fill" style={{ width: known ? `${pct}%` : undefined }} />
      </div>
      <div className="progress-caption">
        <span>{message ?? label}</span>
        {known && <span>{bytes ? `${formatBytes(current!)} of ${formatBytes(total!)}` : `${pct}%`}</span>}
      </div>
    </div>
  );
}
