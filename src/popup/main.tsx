import { render } from 'preact';
import './popup.css';
import type { StoredState } from '../shared/state';
import { afterNextPaint } from '../ui/after-paint';
import { localizeDocument } from '../ui/document';
import { sendCommand } from '../ui/commands';
import { watchStoredState } from '../ui/stored-state';
import { Popup } from './Popup';

localizeDocument('popupTitle');
// Opened from a notification as a tab: same page, page-sized.
if (new URLSearchParams(location.search).get('view') === 'tab') document.body.classList.add('tab');

// One direction: the service worker writes state, the popup renders it, on every change.
const app = document.getElementById('app') as HTMLElement; // in index.html, always
let firstRender = true;
watchStoredState((state: StoredState) => {
  render(<Popup state={state} />, app);
  if (firstRender) {
    firstRender = false;
    // Once the cached state is on screen, ask the service worker to refresh it: waking the worker
    // is work the first paint need not wait for.
    afterNextPaint(() => void sendCommand({ type: 'popup-opened' }));
  }
});
