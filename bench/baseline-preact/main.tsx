// The size baseline: a bare Preact hello-world, built by the same Vite and Preact preset.
import { render } from 'preact';

render(<p>Hello, world</p>, document.getElementById('app')!);
