import { render } from 'preact';
import './options.css';
import { localizeDocument } from '../ui/document';
import { Options } from './Options';

localizeDocument('optionsTitle');
const app = document.getElementById('app');
if (app) render(<Options />, app);
