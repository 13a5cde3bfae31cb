// Files a person hands the page (a folder picked with <input webkitdirectory>, or dropped) read as
// the contract's dropped files: relative POSIX paths, bytes as base64. A dropped folder is walked
// through its FileSystemEntry; a flat list of files keeps each file's relative path (its
// webkitRelativePath, else its name), and a common top folder is taken as the recipe's name.
import type { RecipeSource } from '../../state/recipes';

type DroppedFiles = Exclude<RecipeSource, string>;
interface Named {
  path: string;
  file: File;
}

/** The host refuses more than this anyway (src-shared/api/contract.ts DroppedFilesSchema). */
const MAX_FILES = 2000;

function base64(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
}

/** Strips a top folder every path shares ("my-recipe/recipe.json" → "recipe.json", name "my-recipe"). */
export async function toDropped(list: Named[]): Promise<DroppedFiles> {
  const paths = list.map((f) => f.path.replace(/\\/g, '/').replace(/^\/+/, ''));
  const first = paths[0]?.split('/')[0];
  const shared = first && paths.every((p) => p.startsWith(`${first}/`)) ? first : undefined;
  const files = await Promise.all(
    list.slice(0, MAX_FILES).map(async (f, i) => ({
      path: shared ? paths[i]!.slice(shared.length + 1) : paths[i]!,
      content: base64(new Uint8Array(await f.file.arrayBuffer())),
    })),
  );
  return { files, ...(shared ? { name: shared } : {}) };
}

export function fromFileList(files: FileList | File[]): Named[] {
  return [...files].map((file) => ({ file, path: file.webkitRelativePath || file.name }));
}

function readEntries(dir: FileSystemDirectoryEntry): Promise<FileSystemEntry[]> {
  const reader = dir.createReader();
  const all: FileSystemEntry[] = [];
  return new Promise((resolve, reject) => {
    const next = () =>
      reader.readEntries((batch) => {
        if (batch.length === 0) return resolve(all);
        all.push(...batch);
        next();
      }, reject);
    next();
  });
}

async function walk(entry: FileSystemEntry, out: Named[]): Promise<void> {
  if (out.length > MAX_FILES) return;
  if (entry.isFile) {
    const file = await new Promise<File>((resolve, reject) => (entry as FileSystemFileEntry).file(resolve, reject));
    out.push({ file, path: entry.fullPath.replace(/^\//, '') });
  } else if (entry.isDirectory) {
    for (const child of await readEntries(entry as FileSystemDirectoryEntry)) await walk(child, out);
  }
}

/** What a drop holds: folders walked, files as they are. Synchronous parts run before the event ends. */
export function collectDrop(dt: DataTransfer): () => Promise<Named[]> {
  const entries = [...dt.items].filter((i) => i.kind === 'file').map((i) => i.webkitGetAsEntry?.() ?? null);
  const files = fromFileList(dt.files);
  return async () => {
    if (entries.length > 0 && entries.every((e) => e) && entries.some((e) => e!.isDirectory)) {
      const out: Named[] = [];
      for (const e of entries) await walk(e!, out);
      return out;
    }
    return files;
  };
}
