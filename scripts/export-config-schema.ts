// Writes schema/arch-review.schema.json from the zod schema, so editors can validate and complete
// `.github/arch-review.yml` against exactly what the loader accepts. A test fails when the
// committed file is stale; run `npm run schema` after changing src/config/schema.ts.
import { writeFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { z } from 'zod';
import { configSchema } from '../src/config/schema.js';

export const SCHEMA_FILE = fileURLToPath(new URL('../schema/arch-review.schema.json', import.meta.url));
export const SCHEMA_ID = 'https://raw.githubusercontent.com/arch-review/arch-review/main/schema/arch-review.schema.json';

export function renderConfigJsonSchema(): string {
  // `input`: the file is what people write, where every key is optional and defaults are hints.
  const generated = z.toJSONSchema(configSchema, { io: 'input', target: 'draft-2020-12' });
  const { $schema, description: _short, ...rest } = generated as Record<string, unknown>;
  const document = {
    $schema,
    $id: SCHEMA_ID,
    title: 'arch-review configuration',
    description:
      'Configuration for arch-review, read from .github/arch-review.yml (rules.md §1.6). Every key is optional; see docs/configuration.md.',
    ...rest,
  };
  return `${JSON.stringify(document, null, 2)}\n`;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  writeFileSync(SCHEMA_FILE, renderConfigJsonSchema());
  console.log(`wrote ${SCHEMA_FILE}`);
}
