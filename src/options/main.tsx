import { render } from 'preact';
import './options.css';
import { localizeDocument } from '../ui/document';
import { Options } from './Options';

localizeDocument('optionsTitle');
render(<Options />, document.getElementById('app')!);
