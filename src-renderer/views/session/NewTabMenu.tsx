// "New tab": a menu button (WAI-ARIA menu pattern) listing what a new terminal tab of the session
// can run — a shell and every agent Kiln supports, by name. An agent not installed yet says it
// installs on first open; one that cannot run here is shown disabled with the reason.
import { useEffect, useRef, useState } from 'react';
import { useTerminals, type TerminalKind } from '../../state/terminals';

export function NewTabMenu({ session }: { session: string }) {
  const kinds = useTerminals((s) => s.kinds[session]);
  const { loadKinds, addTab } = useTerminals.getState();
  const [open, setOpen] = useState(false);
  const button = useRef<HTMLButtonElement | null>(null);
  const menu = useRef<HTMLDivElement | null>(null);

  useEffect(() => {
    if (!open) return;
    void loadKinds(session); // installed-ness changes when another tab installs an agent
    const away = (e: MouseEvent) => {
      if (!menu.current?.contains(e.target as Node) && !button.current?.contains(e.target as Node)) setOpen(false);
    };
    document.addEventListener('mousedown', away);
    return () => document.removeEventListener('mousedown', away);
  }, [open, session, loadKinds]);

  useEffect(() => {
    if (open && kinds) menu.current?.querySelector<HTMLElement>('[role=menuitem]:not([aria-disabled=true])')?.focus();
  }, [open, kinds]);

  const close = () => {
    setOpen(false);
    button.current?.focus();
  };
  const choose = (k: TerminalKind) => {
    if (k.unavailable) return;
    setOpen(false);
    addTab(session, k.kind, k.title);
  };
  const onMenuKey = (e: React.KeyboardEvent) => {
    const items = [...(menu.current?.querySelectorAll<HTMLElement>('[role=menuitem]') ?? [])];
    const i = items.indexOf(document.activeElement as HTMLElement);
    let j = -1;
    if (e.key === 'ArrowDown') j = (i + 1) % items.length;
    else if (e.key === 'ArrowUp') j = (i - 1 + items.length) % items.length;
    else if (e.key === 'Home') j = 0;
    else if (e.key === 'End') j = items.length - 1;
    else if (e.key === 'Escape' || e.key === 'Tab') return close();
    if (j < 0) return;
    e.preventDefault();
    items[j]?.focus();
  };

  return (
    <div className="menu-anchor">
      <button
        ref={button}
        type="button"
        className="btn btn-small"
        aria-haspopup="menu"
        aria-expanded={open}
        aria-controls={open ? `new-tab-menu-${session}` : undefined}
        onClick={() => setOpen((o) => !o)}
        onKeyDown={(e) => {
          if (e.key === 'ArrowDown' && !open) {
            e.preventDefault();
            setOpen(true);
          }
        }}
      >
        New tab
      </button>
      {open && (
        <div ref={menu} id={`new-tab-menu-${session}`} role="menu" aria-label="New tab" className="menu" onKeyDown={onMenuKey}>
          {!kinds && <div className="menu-note muted">Looking for agents…</div>}
          {kinds?.map((k) => (
            <button
              key={k.kind}
              type="button"
              role="menuitem"
              tabIndex={-1}
              className="menu-item"
              aria-label={k.title}
              aria-disabled={k.unavailable ? true : undefined}
              // Why it is off, where a pointer rests and where a screen reader reads (with the next step).
              title={k.unavailable ? [k.unavailable.message, k.unavailable.next].filter(Boolean).join(' ') : undefined}
              aria-description={k.unavailable ? [k.unavailable.message, k.unavailable.next].filter(Boolean).join(' ') : undefined}
              aria-describedby={!k.unavailable && !k.installed ? `new-tab-note-${session}-${k.kind}` : undefined}
              onClick={() => choose(k)}
            >
              <span>{k.title}</span>
              {(k.unavailable || !k.installed) && (
                <span id={`new-tab-note-${session}-${k.kind}`} className="menu-note muted">
                  {k.unavailable ? k.unavailable.message : 'installs on first open'}
                </span>
              )}
            </button>
          ))}
        </div>
      )}
    </div>
  );
}
