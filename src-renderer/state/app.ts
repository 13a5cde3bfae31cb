// The app and its engine: connection, app info, engine, runtime image, models, and the progress
// of long tasks (image build, model pull, session start) from the `progress` stream.
import { create } from 'zustand';
import type { RequestOutput, StreamPayload } from '../../src-shared/api/contract';
import { bridge, connectionState, onConnection, type ConnectionState } from '../bridge';
import { asKilnError, type KilnError } from './errors';

export type Progress = StreamPayload<'progress'>;

interface AppState {
  connection: ConnectionState;
  info: RequestOutput<'app.info'> | null;
  engine: RequestOutput<'engine.status'> | null;
  image: RequestOutput<'image.status'> | null;
  models: RequestOutput<'models.status'> | null;
  progress: Record<string, Progress>;
  error: KilnError | null;
  refreshEngine(): Promise<void>;
  refreshImage(): Promise<void>;
  ensureImage(): Promise<void>;
  refreshModels(): Promise<void>;
  load(): Promise<void>;
  setError(e: KilnError | null): void;
}

export const useApp = create<AppState>((set, get) => ({
  connection: connectionState(),
  info: null,
  engine: null,
  image: null,
  models: null,
  progress: {},
  error: null,
  async refreshEngine() {
    try {
      set({ engine: await bridge.call('engine.status', {}) });
    } catch (err) {
      set({ engine: { ok: false, error: asKilnError(err), tried: [] } });
    }
  },
  async refreshImage() {
    try {
      set({ image: await bridge.call('image.status', {}) });
    } catch (err) {
      set({ error: asKilnError(err) });
    }
  },
  async ensureImage() {
    try {
      await bridge.call('image.ensure', {});
      await get().refreshImage();
    } catch (err) {
      set({ error: asKilnError(err) });
    }
  },
  async refreshModels() {
    try {
      set({ models: await bridge.call('models.status', {}) });
    } catch (err) {
      set({ error: asKilnError(err) });
    }
  },
  async load() {
    try {
      set({ info: await bridge.call('app.info', {}) });
    } catch (err) {
      set({ error: asKilnError(err) });
    }
    await get().refreshEngine();
  },
  setError(error) {
    set({ error });
  },
}));

onConnection((connection) => useApp.setState({ connection }));
bridge.on('progress', (p) => useApp.setState((s) => ({ progress: { ...s.progress, [p.task]: p } })));
