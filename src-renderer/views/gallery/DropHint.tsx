// Shown while files are dragged over the window.
export function DropHint() {
  return (
    <div className="drop-hint" aria-hidden="true">
      <p>Drop a recipe folder (or a devcontainer.json, agent .md, AGENTS.md, environment.json) to import it</p>
    </div>
  );
}
