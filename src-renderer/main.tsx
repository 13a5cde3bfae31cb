// Entry: styles, then the app. The bridge (src-renderer/bridge) connects on import.
import './zod-config';
import { createRoot } from 'react-dom/client';
import '@xterm/xterm/css/xterm.css';
import 'react-diff-view/style/index.css';
import './styles.css';
import { App } from './app/App';

createRoot(document.getElementById('root')!).render(
  // No StrictMode: its double mount would open every terminal twice on the host.
  <App />,
);
