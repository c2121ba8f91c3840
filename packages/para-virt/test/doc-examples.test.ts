/** The `@example` blocks of this package's doc comments, run and type-checked (see vitest.doc-examples.ts). */
import { docExampleTests, packageDirOf } from '../../../vitest.doc-examples.ts';

docExampleTests(packageDirOf(import.meta.url), {
  required: ['TableValidator', 'createParaMachine'],
});
