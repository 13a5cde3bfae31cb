// devcontainer.json → parts of a recipe. JSON with comments and trailing commas (jsonc-parser).
// What Kiln can carry is mapped (containerEnv → ENV in the recipe's Dockerfile); what only a
// person can judge is kept as a note (the image, lifecycle commands, ports); what would reach
// the host or need the network at build is refused and named (initializeCommand, compose,
// privileged runArgs, host mounts, features). `${localEnv:…}` is never resolved.
import { parse, printParseErrorCode, type ParseError } from 'jsonc-parser';
import type { ImportReport } from './report';

export interface EnvironmentParts {
  env: [string, string][];
  run: string[];
  /** Extra files for the recipe (kept notes such as the original Dockerfile). */
  files: { path: string; text: string }[];
  name?: string;
}

const LIFECYCLE = ['onCreateCommand', 'updateContentCommand', 'postCreateCommand', 'postStartCommand', 'postAttachCommand'] as const;
const PRIVILEGED_RUNARGS = /^--?(privileged|cap-add|security-opt|device|volume|v|mount|network|net|pid|ipc|uts|userns|cgroupns)\b/;
const VARIABLE = /\$\{[^}]*\}/;

const show = (v: unknown) => (typeof v === 'string' ? v : JSON.stringify(v));

export function importDevcontainer(
  text: string,
  file: string,
  report: ImportReport,
  readRelative: (rel: string) => string | { refused: string },
): EnvironmentParts {
  const errors: ParseError[] = [];
  const json = parse(text, errors, { allowTrailingComma: true, disallowComments: false }) as Record<string, unknown> | undefined;
  const parts: EnvironmentParts = { env: [], run: [], files: [] };
  if (errors.length || typeof json !== 'object' || json === null || Array.isArray(json)) {
    const e = errors[0];
    report.refused.push({ what: file, detail: `not readable as JSON with comments${e ? ` (${printParseErrorCode(e.error)} at offset ${e.offset})` : ''}; nothing of it was imported.` });
    return parts;
  }
  const at = (key: string) => `${file} $.${key}`;
  const handled = new Set<string>();
  const take = (key: string) => {
    handled.add(key);
    return json[key];
  };

  const name = take('name');
  if (typeof name === 'string') {
    parts.name = name;
    report.mapped.push({ what: at('name'), detail: 'the recipe name (as a slug).' });
  }
  const image = take('image');
  if (typeof image === 'string') {
    report.notes.push({ what: at('image'), detail: `"${image}": Kiln sessions run on Kiln's runtime image, which is not pulled from here; add the tools you need from that image to the recipe's Dockerfile.` });
  }
  // `build` (current) or the legacy top-level `dockerFile` / `context`; paths relative to the file.
  const build = take('build');
  const legacyDockerfile = take('dockerFile');
  const legacyContext = take('context');
  const b = typeof build === 'object' && build !== null ? (build as Record<string, unknown>) : {};
  const dockerfile = typeof b.dockerfile === 'string' ? b.dockerfile : typeof legacyDockerfile === 'string' ? legacyDockerfile : undefined;
  const context = typeof b.context === 'string' ? b.context : typeof legacyContext === 'string' ? legacyContext : '.';
  if (dockerfile) {
    const which = typeof b.dockerfile === 'string' ? 'build.dockerfile' : 'dockerFile (legacy)';
    const read = readRelative(dockerfile);
    if (typeof read === 'string') {
      parts.files.push({ path: 'notes/devcontainer.Dockerfile', text: read });
      report.notes.push({ what: at(which), detail: `${dockerfile} (context "${context}") is kept as notes/devcontainer.Dockerfile: it starts from its own base image, so it is not built; move what you need into the recipe's Dockerfile.` });
    } else report.refused.push({ what: at(which), detail: read.refused });
  }
  if (b.args !== undefined) report.notes.push({ what: at('build.args'), detail: `${show(b.args)}: build arguments of the devcontainer's Dockerfile, kept as a note.` });
  for (const key of ['target', 'cacheFrom', 'options']) if (b[key] !== undefined) report.notes.push({ what: at(`build.${key}`), detail: `${show(b[key])}: kept as a note.` });

  for (const key of ['containerEnv', 'remoteEnv']) {
    const env = take(key);
    if (typeof env !== 'object' || env === null) continue;
    for (const [k, v] of Object.entries(env as Record<string, unknown>)) {
      const what = `${file} $.${key}.${k}`;
      if (typeof v !== 'string' || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(k)) report.refused.push({ what, detail: 'not a plain NAME = "text" pair.' });
      else if (VARIABLE.test(v)) report.refused.push({ what, detail: `the value ${v} refers to ${v.match(VARIABLE)![0]}, which is never resolved (a secret or a host value must not enter a recipe); kept only as this reference. Set it in the session yourself.` });
      else {
        parts.env.push([k, v]);
        report.mapped.push({ what, detail: 'ENV in the recipe\'s Dockerfile.' });
      }
    }
  }
  for (const key of LIFECYCLE) {
    const cmd = take(key);
    if (cmd !== undefined) report.notes.push({ what: at(key), detail: `${show(cmd)}: never run at import; run it yourself in the session (\`kiln exec SESSION -- …\`) if you trust it.` });
  }
  const init = take('initializeCommand');
  if (init !== undefined) report.refused.push({ what: at('initializeCommand'), detail: `${show(init)}: it runs on the host, outside any container; Kiln never runs a recipe's commands on your machine.` });
  const features = take('features');
  if (typeof features === 'object' && features !== null) {
    for (const id of Object.keys(features)) {
      report.refused.push({ what: `${file} $.features["${id}"]`, detail: 'a Dev Container feature is downloaded from the network when the container is built; not imported. Install what it provides in the recipe\'s Dockerfile.' });
    }
  }
  for (const key of ['dockerComposeFile', 'service', 'runServices']) {
    const v = take(key);
    if (v !== undefined) report.refused.push({ what: at(key), detail: `${show(v)}: compose mode starts other containers with their own mounts and networks; a Kiln session is one workspace container.` });
  }
  const runArgs = take('runArgs');
  if (Array.isArray(runArgs)) {
    let valueOf: string | undefined; // `-v X`: X belongs to the refused flag before it
    runArgs.forEach((arg, k) => {
      const what = `${file} $.runArgs[${k}]`;
      if (valueOf !== undefined) {
        report.refused.push({ what, detail: `${show(arg)}: the value of the refused "${valueOf}".` });
        valueOf = undefined;
      } else if (typeof arg === 'string' && PRIVILEGED_RUNARGS.test(arg)) {
        report.refused.push({ what, detail: `"${arg}" would widen the container's reach (privileges, devices, host mounts or namespaces); Kiln containers are never privileged.` });
        if (!arg.includes('=') && !/^--privileged$/.test(arg)) valueOf = arg;
      } else report.notes.push({ what, detail: `${show(arg)}: a docker run flag, kept as a note.` });
    });
  }
  for (const key of ['privileged', 'capAdd', 'securityOpt', 'init']) {
    const v = take(key);
    if (v !== undefined && key !== 'init') report.refused.push({ what: at(key), detail: `${show(v)}: Kiln containers are never privileged and keep their default capabilities.` });
    else if (v !== undefined) report.notes.push({ what: at(key), detail: `${show(v)}: kept as a note.` });
  }
  const mounts = take('mounts');
  if (Array.isArray(mounts)) {
    mounts.forEach((m, k) => report.refused.push({ what: `${file} $.mounts[${k}]`, detail: `${show(m)}: only the workspace is mounted into a Kiln session; host folders never are.` }));
  }
  for (const key of ['workspaceMount', 'workspaceFolder']) {
    const v = take(key);
    if (v !== undefined) report.refused.push({ what: at(key), detail: `${show(v)}: Kiln mounts the workspace at /workspace itself.` });
  }
  for (const [k, v] of Object.entries(json)) {
    if (!handled.has(k)) report.notes.push({ what: at(k), detail: `${show(v).slice(0, 200)}: not used by Kiln, kept as a note.` });
  }
  return parts;
}
