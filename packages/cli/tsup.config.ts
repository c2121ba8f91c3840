import { defineConfig } from 'tsup';

export default defineConfig({
  // index.ts is the programmatic API; main.ts is the `trapeze` bin (its shebang is kept).
  entry: ['src/index.ts', 'src/main.ts'],
  format: ['esm'],
  target: 'node20',
  platform: 'node',
  dts: { entry: 'src/index.ts' },
  sourcemap: true,
  clean: true,
});
