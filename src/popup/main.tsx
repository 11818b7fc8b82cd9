import { render } from 'preact';
import './popup.css';
import { POPUP_PORT, type StoredState } from '../shared/state';
import browser from '../ui/browser';
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
    afterNextPaint(() => {
      // Held while the popup is open (first, so the check below already knows): the worker follows
      // an import's progress only then.
      browser.runtime.connect({ name: POPUP_PORT });
      void sendCommand({ type: 'popup-opened' });
    });
  }
});
