// First run, with no decision to make: one screen at a time, one primary button on each.
//   engine → runtime image → a model → the first session.
// Which screen shows is derived from what the host reports, so a reload lands on the same step.
import { useEffect } from 'react';
import { useApp } from '../../state/app';
import { EngineStep } from './EngineStep';
import { ImageStep } from './ImageStep';
import { ModelStep, modelReady } from './ModelStep';
import { SessionStep } from './SessionStep';

export type FirstRunStep = 'engine' | 'image' | 'model' | 'session' | 'done';

export function useFirstRunStep(sessionCount: number, sessionsLoaded: boolean): FirstRunStep | 'loading' {
  const engine = useApp((s) => s.engine);
  const image = useApp((s) => s.image);
  const models = useApp((s) => s.models);
  const { refreshImage, refreshModels } = useApp.getState();
  const firstRun = sessionsLoaded && sessionCount === 0;
  useEffect(() => {
    if (engine?.ok && firstRun) void refreshImage();
  }, [engine?.ok, firstRun, refreshImage]);
  useEffect(() => {
    if (engine?.ok && image?.present && firstRun) void refreshModels();
  }, [engine?.ok, image?.present, firstRun, refreshModels]);
  if (!engine || !sessionsLoaded) return 'loading';
  if (!engine.ok) return 'engine';
  if (sessionCount > 0) return 'done';
  if (!image) return 'loading';
  if (!image.present) return 'image';
  if (!models) return 'loading';
  if (!modelReady(models)) return 'model';
  return 'session';
}

const STEPS: { key: FirstRunStep; label: string }[] = [
  { key: 'engine', label: 'Engine' },
  { key: 'image', label: 'Runtime' },
  { key: 'model', label: 'Model' },
  { key: 'session', label: 'First session' },
];

export function FirstRun({ step }: { step: Exclude<FirstRunStep, 'done'> }) {
  const index = STEPS.findIndex((s) => s.key === step);
  return (
    <main className="first-run" aria-label="Set up Kiln">
      <div className="first-run-card">
        <div className="brand brand-large" aria-hidden="true">
          <span className="brand-mark" /> Kiln
        </div>
        <ol className="steps" aria-label="Setup steps">
          {STEPS.map((s, i) => (
            <li key={s.key} className={i < index ? 'done' : i === index ? 'current' : ''} aria-current={i === index ? 'step' : undefined}>
              <span className="step-dot">{i < index ? '✓' : i + 1}</span>
              {s.label}
            </li>
          ))}
        </ol>
        {step === 'engine' && <EngineStep />}
        {step === 'image' && <ImageStep />}
        {step === 'model' && <ModelStep />}
        {step === 'session' && <SessionStep />}
      </div>
    </main>
  );
}
