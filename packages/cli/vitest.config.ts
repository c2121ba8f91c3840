import { defineConfig, mergeConfig } from 'vitest/config';
import shared from '../../vitest.shared.ts';

// passWithNoTests: the cli has no tests of its own yet; drop it once it does.
export default mergeConfig(shared, defineConfig({ test: { passWithNoTests: true } }));
