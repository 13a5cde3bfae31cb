// The runtime image: built once on this machine, with the build's progress as a real bar.
import { useEffect, useState } from 'react';
import { useApp } from '../../state/app';
import { ErrorNotice } from '../common/ErrorNotice';
import { ProgressBar } from '../common/ProgressBar';

export function ImageStep() {
  const image = useApp((s) => s.image);
  const progress = useApp((s) => s.progress['image.build']);
  const error = useApp((s) => s.error);
  const { ensureImage, setError } = useApp.getState();
  const [started, setStarted] = useState(false);
  const building = started || !!image?.building;
  // Something already building it (another tab, the CLI): follow along.
  useEffect(() => {
    if (image?.building && !started) {
      setStarted(true);
      void ensureImage();
    }
  }, [image?.building, started, ensureImage]);
  return (
    <section className="step" aria-labelledby="image-title">
      <h1 id="image-title">Prepare the runtime</h1>
      <p className="lead">Kiln runs every session in a container made from its runtime image. It is built once, on this computer, and takes a few minutes.</p>
      {building ? (
        <ProgressBar label="Runtime image" current={progress?.current} total={progress?.total} message={progress?.message ?? 'Starting the build…'} />
      ) : (
        <div className="actions">
          <button
            type="button"
            className="btn btn-primary"
            onClick={() => {
              setError(null);
              setStarted(true);
              void ensureImage().finally(() => setStarted(false));
            }}
          >
            Prepare the runtime
          </button>
        </div>
      )}
      {error && <ErrorNotice error={error} onDismiss={() => setError(null)} />}
    </section>
  );
}
