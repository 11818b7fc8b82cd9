import { render } from 'preact';
import '../ui/base.css';
import './popup.css';
import { localizeDocument } from '../ui/document';
import { Popup } from './Popup';

localizeDocument('popupTitle');
// Opened from a notification as a tab: same page, page-sized.
if (new URLSearchParams(location.search).get('view') === 'tab') document.body.classList.add('tab');
render(<Popup />, document.getElementById('app')!);
