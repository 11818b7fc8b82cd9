import preact from '@preact/preset-vite';
import { defineConfig } from 'vite';

export default defineConfig({
  root: import.meta.dirname,
  plugins: [preact()],
  logLevel: 'error',
  build: { target: 'es2022', emptyOutDir: true, modulePreload: { polyfill: false } },
});
