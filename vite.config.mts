import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// base './' so the same build loads from file:// in Electron and from the host's root. The target is
// Electron 45's Chromium (140): CSS light-dark() and nesting ship as written, not polyfilled.
export default defineConfig({
  root: 'src-renderer',
  base: './',
  plugins: [react()],
  build: { outDir: '../dist/renderer', emptyOutDir: true, sourcemap: true, target: 'chrome140', cssTarget: 'chrome140' },
});
