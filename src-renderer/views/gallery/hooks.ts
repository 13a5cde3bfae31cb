// Window-level ways a recipe arrives: a drop anywhere on the window (a folder, or a
// devcontainer.json / agent .md / AGENTS.md / environment.json file), and kiln:// links (the
// desktop app's `app.openLink` stream; `?link=kiln://…` on the page address in a browser). Each
// brings the gallery forward; a link shows its card with a Start button, never starts it.
import { useEffect, useState } from 'react';
import { bridge } from '../../bridge';
import { useRecipes } from '../../state/recipes';
import { collectDrop, toDropped } from './read-files';

interface KilnDesktop {
  pathForFile(file: File): string;
  pickRecipeFolder(): Promise<{ path: string } | null>;
}
/** The Electron preload's helpers (src-main/app/preload-surface.ts), absent in a browser. */
export const desktop = (): KilnDesktop | undefined => (window as unknown as { kilnDesktop?: KilnDesktop }).kilnDesktop;

const hasFiles = (e: DragEvent) => !!e.dataTransfer && [...e.dataTransfer.types].includes('Files');

/** True while files are dragged over the window (for the drop hint). */
export function useRecipeDrop(onGallery: () => void): boolean {
  const [over, setOver] = useState(false);
  useEffect(() => {
    let depth = 0;
    const enter = (e: DragEvent) => {
      if (!hasFiles(e)) return;
      depth++;
      setOver(true);
    };
    const leave = (e: DragEvent) => {
      if (!hasFiles(e)) return;
      depth = Math.max(0, depth - 1);
      if (depth === 0) setOver(false);
    };
    const overFn = (e: DragEvent) => {
      if (!hasFiles(e)) return;
      e.preventDefault();
      if (e.dataTransfer) e.dataTransfer.dropEffect = 'copy';
    };
    const drop = (e: DragEvent) => {
      depth = 0;
      setOver(false);
      const dt = e.dataTransfer;
      if (!dt || dt.files.length === 0) return;
      e.preventDefault();
      onGallery();
      const store = useRecipes.getState();
      const kd = desktop();
      const path = kd ? [...dt.files].map((f) => kd.pathForFile(f)).find(Boolean) : undefined;
      if (path) {
        void store.importSource(path, path);
        return;
      }
      const read = collectDrop(dt);
      void (async () => {
        const files = await read();
        const dropped = await toDropped(files);
        const what = dropped.name ?? (files.length === 1 ? files[0]!.path : `${files.length} files`);
        await useRecipes.getState().importSource(dropped, what);
      })();
    };
    window.addEventListener('dragenter', enter);
    window.addEventListener('dragleave', leave);
    window.addEventListener('dragover', overFn);
    window.addEventListener('drop', drop);
    return () => {
      window.removeEventListener('dragenter', enter);
      window.removeEventListener('dragleave', leave);
      window.removeEventListener('dragover', overFn);
      window.removeEventListener('drop', drop);
    };
  }, [onGallery]);
  return over;
}

export function useRecipeLinks(onGallery: () => void): void {
  useEffect(() => {
    const url = new URL(location.href);
    const link = url.searchParams.get('link');
    if (link) {
      url.searchParams.delete('link');
      history.replaceState(history.state, '', url.toString());
      onGallery();
      void useRecipes.getState().openLink(link);
    }
    return bridge.on('app.openLink', (msg) => {
      onGallery();
      if ('error' in msg) useRecipes.setState({ linkError: msg.error, outcome: null });
      else void useRecipes.getState().openLink(`${msg.url}${msg.ref ? `#${msg.ref}` : ''}${msg.subdir ? `:${msg.subdir}` : ''}`);
    });
  }, [onGallery]);
}
