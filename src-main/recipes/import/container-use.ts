// container-use's .container-use/environment.json → parts of a recipe. Its setup and install
// commands are meant to build the environment, so they become RUN lines of the recipe's
// Dockerfile (run when the person builds the recipe's image, never at import); env becomes ENV;
// secrets (op://, env://, vault:// references) are refused and kept only as references.
import type { EnvironmentParts } from './devcontainer';
import type { ImportReport } from './report';

export function importContainerUse(text: string, file: string, report: ImportReport): EnvironmentParts {
  const parts: EnvironmentParts = { env: [], run: [], files: [] };
  let json: Record<string, unknown>;
  try {
    json = JSON.parse(text) as Record<string, unknown>;
    if (typeof json !== 'object' || json === null || Array.isArray(json)) throw new Error('not an object');
  } catch (err) {
    report.refused.push({ what: file, detail: `not readable as a JSON object (${(err as Error).message}); nothing of it was imported.` });
    return parts;
  }
  for (const [key, value] of Object.entries(json)) {
    const what = `${file} $.${key}`;
    if (key === 'setup_commands' || key === 'install_commands') {
      if (!Array.isArray(value)) report.refused.push({ what, detail: 'not a list of commands.' });
      else
        value.forEach((c, k) => {
          if (typeof c === 'string') {
            parts.run.push(c);
            report.mapped.push({ what: `${what}[${k}]`, detail: `RUN in the recipe's Dockerfile (runs when the recipe's image is built, not at import): ${c}` });
          } else report.refused.push({ what: `${what}[${k}]`, detail: 'not a command string.' });
        });
    } else if (key === 'env') {
      (Array.isArray(value) ? value : []).forEach((e, k) => {
        const m = typeof e === 'string' ? /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/s.exec(e) : null;
        if (m && !/\$\{?[A-Za-z_]/.test(m[2]!)) {
          parts.env.push([m[1]!, m[2]!]);
          report.mapped.push({ what: `${what}[${k}]`, detail: `ENV ${m[1]} in the recipe's Dockerfile.` });
        } else report.refused.push({ what: `${what}[${k}]`, detail: `${JSON.stringify(e)}: not a plain NAME=value (variables are never expanded).` });
      });
    } else if (key === 'secrets') {
      (Array.isArray(value) ? value : []).forEach((s, k) => {
        const name = typeof s === 'string' ? s.split('=')[0] : JSON.stringify(s);
        report.refused.push({ what: `${what}[${k}]`, detail: `secret ${name}: a reference to a secret store, never resolved and never put in a recipe; give the session the key through Kiln's key store.` });
      });
    } else if (key === 'services') {
      report.refused.push({ what, detail: 'extra service containers; a Kiln session is one workspace container beside its recorder.' });
    } else if (key === 'base_image') {
      report.notes.push({ what, detail: `${JSON.stringify(value)}: Kiln sessions run on Kiln's runtime image; the setup commands run on it instead.` });
    } else {
      report.notes.push({ what, detail: `${JSON.stringify(value).slice(0, 200)}: not used by Kiln, kept as a note.` });
    }
  }
  return parts;
}
