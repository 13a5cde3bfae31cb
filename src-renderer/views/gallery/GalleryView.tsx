// The recipe gallery: built-in and imported recipes as cards (lineage, agents, models, short
import './gallery.css';
// hash), Start (progress while a recipe image builds), Fork, and import by folder, git URL or a
// drop anywhere on the window. An import's problems are listed by file and JSON path; its
// report says what was mapped, kept as a note, or refused.
import { useEffect, useRef, useState } from 'react';
import { useApp } from '../../state/app';
import { asKilnError } from '../../state/errors';
import { useRecipes, type ImportOutcome, type RecipeCard } from '../../state/recipes';
import { ErrorNotice } from '../common/ErrorNotice';
import { ProgressBar } from '../common/ProgressBar';
import { ForkDialog } from './ForkDialog';
import { desktop } from './hooks';
import { fromFileList, toDropped } from './read-files';

export function GalleryView({ onStarted }: { onStarted(): void }) {
  const cards = useRecipes((s) => s.cards);
  const loaded = useRecipes((s) => s.loaded);
  const error = useRecipes((s) => s.error);
  const linkError = useRecipes((s) => s.linkError);
  const importing = useRecipes((s) => s.importing);
  const outcome = useRecipes((s) => s.outcome);
  const focus = useRecipes((s) => s.focus);
  const [url, setUrl] = useState('');
  const [forking, setForking] = useState<RecipeCard | null>(null);
  const folderInput = useRef<HTMLInputElement | null>(null);

  useEffect(() => {
    void useRecipes.getState().load();
  }, []);
  useEffect(() => {
    folderInput.current?.setAttribute('webkitdirectory', '');
  }, []);

  const importFolder = async () => {
    const kd = desktop();
    if (!kd) return folderInput.current?.click();
    try {
      const picked = await kd.pickRecipeFolder();
      if (picked) await useRecipes.getState().importSource(picked.path, picked.path);
    } catch (err) {
      useRecipes.setState({ error: asKilnError(err) });
    }
  };

  const focused = cards.find((c) => c.hash === focus);
  const others = cards.filter((c) => c.hash !== focus);

  return (
    <main className="settings gallery" aria-label="Recipes">
      <h1>Recipes</h1>
      <p className="muted">
        A recipe is a ready setup of agents, roles and models. Start one, fork it to make it yours, or bring one in: import a folder, paste a git URL, or drop a folder (or a
        devcontainer.json, an agent .md file, AGENTS.md, environment.json) anywhere on this window.
      </p>
      <section className="card" aria-labelledby="gallery-import">
        <h2 id="gallery-import">Import a recipe</h2>
        <div className="row gallery-import-row">
          <button type="button" className="btn" onClick={() => void importFolder()} disabled={!!importing}>
            Import folder…
          </button>
          <input
            ref={folderInput}
            type="file"
            multiple
            hidden
            aria-label="Recipe folder"
            onChange={(e) => {
              const files = e.currentTarget.files;
              if (!files || files.length === 0) return;
              const list = fromFileList(files);
              e.currentTarget.value = '';
              void toDropped(list).then((d) => useRecipes.getState().importSource(d, d.name ?? `${list.length} files`));
            }}
          />
          <form
            className="row grow"
            onSubmit={(e) => {
              e.preventDefault();
              const v = url.trim();
              if (v) void useRecipes.getState().importSource(v, v).then((o) => o?.card && setUrl(''));
            }}
          >
            <label className="grow">
              Git URL or kiln:// link
              <input value={url} onChange={(e) => setUrl(e.target.value)} placeholder="https://github.com/you/recipe.git#main:subdir" spellCheck={false} />
            </label>
            <button type="submit" className="btn" disabled={!url.trim() || !!importing}>
              Import
            </button>
          </form>
        </div>
        {importing && (
          <p className="muted small" role="status">
            <span className="spinner" aria-hidden="true" /> Checking {importing}…
          </p>
        )}
        {linkError && <ErrorNotice error={linkError} onDismiss={() => useRecipes.getState().clearError()} />}
        {error && <ErrorNotice error={error} onDismiss={() => useRecipes.getState().clearError()} />}
        {outcome && <Outcome outcome={outcome} />}
      </section>

      {focused && (
        <section aria-label="Opened recipe">
          <Card card={focused} highlighted onStarted={onStarted} onFork={() => setForking(focused)} />
        </section>
      )}

      {!loaded ? (
        <p className="muted" role="status">
          Loading recipes…
        </p>
      ) : cards.length === 0 ? (
        <p className="empty">No recipes yet. Import a folder, paste a git URL, or drop a recipe folder on this window.</p>
      ) : (
        <ul className="gallery-grid" aria-label="Recipe cards">
          {others.map((c) => (
            <li key={c.hash}>
              <Card card={c} onStarted={onStarted} onFork={() => setForking(c)} />
            </li>
          ))}
        </ul>
      )}
      {forking && <ForkDialog card={forking} onClose={() => setForking(null)} />}
    </main>
  );
}

function Outcome({ outcome }: { outcome: ImportOutcome }) {
  const clear = useRecipes((s) => s.clearOutcome);
  const { problems, report, card } = outcome;
  const byFile = new Map<string, typeof problems>();
  for (const p of problems) {
    const k = p.file ?? '(the recipe)';
    byFile.set(k, [...(byFile.get(k) ?? []), p]);
  }
  return (
    <div className={`notice ${problems.length ? 'notice-error' : 'notice-ok'}`} role={problems.length ? 'alert' : 'status'} aria-label="Import result">
      <div className="notice-body">
        {problems.length > 0 ? (
          <>
            <p className="notice-message">
              {outcome.what} is not a valid recipe: {problems.length} problem{problems.length === 1 ? '' : 's'}. Nothing was added.
            </p>
            <ul className="recipe-problems" aria-label="Recipe problems">
              {[...byFile].map(([file, ps]) => (
                <li key={file}>
                  <code className="problem-file">{file}</code>
                  <ul>
                    {ps.map((p, i) => (
                      <li key={i}>
                        {p.path && p.path !== '$' && <code className="problem-path">{p.path}</code>} {p.message}
                      </li>
                    ))}
                  </ul>
                </li>
              ))}
            </ul>
            <p className="notice-next">Fix these in the files and import again.</p>
          </>
        ) : (
          card && <p className="notice-message">Imported “{card.name}”.</p>
        )}
        {report && (
          <div className="import-report" aria-label="Import report">
            <p className="muted small">From {report.sources.join(', ')}:</p>
            <ReportList title="Mapped" items={report.mapped} />
            <ReportList title="Kept as a note" items={report.notes} />
            <ReportList title="Refused" items={report.refused} />
          </div>
        )}
      </div>
      <button type="button" className="btn btn-ghost btn-small" onClick={clear} aria-label="Dismiss import result">
        Dismiss
      </button>
    </div>
  );
}

function ReportList({ title, items }: { title: string; items: { what: string; detail: string }[] }) {
  if (items.length === 0) return null;
  return (
    <>
      <h3 className="small">{title}</h3>
      <ul aria-label={title}>
        {items.map((it, i) => (
          <li key={i}>
            <strong>{it.what}</strong>: {it.detail}
          </li>
        ))}
      </ul>
    </>
  );
}

function Card({ card, highlighted, onStarted, onFork }: { card: RecipeCard; highlighted?: boolean; onStarted(): void; onFork(): void }) {
  const task = useRecipes((s) => s.starting[card.hash]);
  const progress = useApp((s) => (task ? s.progress[task] : undefined));
  const headingId = `recipe-${card.short}`;
  const models = new Map(card.models.map((m) => [m.id, `${m.model} (${m.provider})`]));
  return (
    <article className={`card recipe-card${highlighted ? ' highlighted' : ''}`} aria-labelledby={headingId}>
      <div className="recipe-card-head">
        <h2 id={headingId}>{card.name}</h2>
        <span className="muted small">
          {card.builtin ? 'built-in' : (card.origin?.kind ?? 'imported')} · v{card.version}
        </span>
      </div>
      <p>{card.description}</p>
      <dl className="recipe-facts">
        {card.author && (
          <>
            <dt>Author</dt>
            <dd>{card.author}</dd>
          </>
        )}
        <dt>Agents</dt>
        <dd>
          {card.agents.map((a) => (
            <span key={a.id} className="recipe-agent">
              {a.id} <span className="muted">({a.agent}, {a.model === 'default' ? 'default model' : (models.get(a.model) ?? a.model)})</span>
            </span>
          ))}
        </dd>
        {card.parent && (
          <>
            <dt>Lineage</dt>
            <dd className="recipe-lineage">
              forked from {card.parentName ?? 'a recipe not on this machine'} · <code>{card.parent.slice(7, 19)}</code>
            </dd>
          </>
        )}
        <dt>Hash</dt>
        <dd>
          <code title={card.hash}>{card.short}</code>
        </dd>
      </dl>
      {task && <ProgressBar label={`Starting ${card.name}`} message={progress?.message ?? 'Starting the session…'} current={progress?.current} total={progress?.total} />}
      <div className="row">
        <button
          type="button"
          className="btn btn-primary"
          aria-label={`Start ${card.name}`}
          disabled={!!task}
          onClick={() => void useRecipes.getState().start(card).then((id) => id && onStarted())}
        >
          {task ? 'Starting…' : 'Start'}
        </button>
        <button type="button" className="btn" aria-label={`Fork ${card.name}`} onClick={onFork}>
          Fork
        </button>
      </div>
    </article>
  );
}
