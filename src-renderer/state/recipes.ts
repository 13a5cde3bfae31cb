// Recipes: the gallery's cards (recipes.list), import from any source (a path, a git URL, a
// kiln:// link, files read in the page), the last import's problems and report, fork, save and
// start. A start's fallback sentences (`notes`) wait here until the person dismisses them.
import { create } from 'zustand';
import type { RecipeCardShape, RequestInput, RequestOutput } from '../../src-shared/api/contract';
import { bridge, onReconnect } from '../bridge';
import { asKilnError, type KilnError } from './errors';
import { useSessions } from './sessions';

export type RecipeCard = RecipeCardShape;
type ImportAnswer = RequestOutput<'recipes.import'>;
export type RecipeProblem = ImportAnswer['problems'][number];
export type ImportReport = NonNullable<ImportAnswer['report']>;
export type RecipeSource = RequestInput<'recipes.import'>['source'];

export interface ImportOutcome {
  /** What was imported, in words ("the folder my-recipe", "https://…"). */
  what: string;
  problems: RecipeProblem[];
  report?: ImportReport;
  card?: RecipeCard;
}

interface RecipesState {
  cards: RecipeCard[];
  loaded: boolean;
  error: KilnError | null;
  importing: string | null;
  outcome: ImportOutcome | null;
  /** The card a kiln:// link (or an import) brought forward. */
  focus: string | null;
  /** A kiln:// link that was refused. */
  linkError: KilnError | null;
  /** recipe hash → the progress task of its start. */
  starting: Record<string, string>;
  /** Fallback sentences of the last start, with its session. */
  notes: { session: string; name: string; notes: string[] } | null;
  load(): Promise<void>;
  importSource(source: RecipeSource, what: string): Promise<ImportOutcome | null>;
  openLink(link: string): Promise<void>;
  fork(hash: string, dir: string, name?: string): Promise<boolean>;
  save(session: string, dir: string): Promise<string | null>;
  start(card: RecipeCard): Promise<string | null>;
  clearOutcome(): void;
  clearNotes(): void;
  clearError(): void;
}

let taskCount = 0;

export const useRecipes = create<RecipesState>((set, get) => ({
  cards: [],
  loaded: false,
  error: null,
  importing: null,
  outcome: null,
  focus: null,
  linkError: null,
  starting: {},
  notes: null,
  async load() {
    try {
      set({ cards: await bridge.call('recipes.list', {}), loaded: true });
    } catch (err) {
      set({ error: asKilnError(err), loaded: true });
    }
  },
  async importSource(source, what) {
    set({ importing: what, error: null, outcome: null, linkError: null });
    try {
      const a = await bridge.call('recipes.import', { source });
      const outcome: ImportOutcome = { what, problems: a.problems, ...(a.report ? { report: a.report } : {}), ...(a.card ? { card: a.card } : {}) };
      set({ outcome, ...(a.card ? { focus: a.card.hash } : {}) });
      if (a.card) await get().load();
      return outcome;
    } catch (err) {
      set({ error: asKilnError(err) });
      return null;
    } finally {
      set({ importing: null });
    }
  },
  async openLink(link) {
    // Imported (validated, pinned) and shown as its card with a Start button; never started here.
    const outcome = await get().importSource(link, link);
    if (!outcome && get().error) set({ linkError: get().error, error: null });
  },
  async fork(hash, dir, name) {
    set({ error: null });
    try {
      const r = await bridge.call('recipes.fork', { source: hash, dir, ...(name ? { name } : {}) });
      await get().load();
      set({ focus: r.hash, outcome: null });
      return true;
    } catch (err) {
      set({ error: asKilnError(err) });
      return false;
    }
  },
  async save(session, dir) {
    set({ error: null });
    try {
      const r = await bridge.call('recipes.save', { session, dir });
      // Into the library too, so it shows in the gallery.
      await bridge.call('recipes.import', { source: r.dir });
      await get().load();
      set({ focus: r.hash });
      return r.dir;
    } catch (err) {
      set({ error: asKilnError(err) });
      return null;
    }
  },
  async start(card) {
    const task = `recipes.start:${Date.now()}-${++taskCount}`;
    set((s) => ({ starting: { ...s.starting, [card.hash]: task }, error: null }));
    try {
      const session = await bridge.call('recipes.start', { recipe: card.hash, task });
      if (session.notes?.length) set({ notes: { session: session.id, name: session.name, notes: session.notes } });
      await useSessions.getState().load();
      useSessions.getState().select(session.id);
      return session.id;
    } catch (err) {
      set({ error: asKilnError(err) });
      return null;
    } finally {
      set((s) => {
        const starting = { ...s.starting };
        delete starting[card.hash];
        return { starting };
      });
    }
  },
  clearOutcome: () => set({ outcome: null }),
  clearNotes: () => set({ notes: null }),
  clearError: () => set({ error: null, linkError: null }),
}));

onReconnect(() => void useRecipes.getState().load());
