import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { parse } from 'yaml';
import { renderConfigJsonSchema, SCHEMA_FILE, SCHEMA_ID } from '../../scripts/export-config-schema.js';
import { SPEC_EXAMPLE } from './spec-example.js';

describe('schema/arch-review.schema.json', () => {
  it('is up to date with src/config/schema.ts (run `npm run schema` to regenerate)', () => {
    assert.equal(readFileSync(SCHEMA_FILE, 'utf8'), renderConfigJsonSchema());
  });

  const schema = JSON.parse(renderConfigJsonSchema()) as Record<string, unknown>;

  it('carries $id, title and description for editors', () => {
    assert.equal(schema.$id, SCHEMA_ID);
    assert.equal(typeof schema.title, 'string');
    assert.equal(typeof schema.description, 'string');
  });

  it('accepts the §1.6 example and rejects a misspelt key, as the loader does', () => {
    const validate = new Ajv2020({ strict: false }).compile(schema);
    assert.equal(validate(parse(SPEC_EXAMPLE)), true, JSON.stringify(validate.errors));
    assert.equal(validate({}), true);
    assert.equal(validate({ gate: { failon: ['Critical'] } }), false);
    assert.equal(validate({ inline: { max: 101 } }), false);
  });
});
