import { render } from 'preact';
import '../ui/base.css';
import './popup.css';
import { localizeDocument } from '../ui/document';
import { Popup } from './Popup';

localizeDocument('popupTitle');
render(<Popup />, document.getElementById('app')!);
