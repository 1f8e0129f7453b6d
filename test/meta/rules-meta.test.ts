// Fails when a rule is missing a piece every rule must have: its file named by id, a registry
// entry, a docs page with why / bad / good / how to suppress, and a RuleTester test file.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { allRules } from '../../rules/index.js';
import { DOCS_BASE_URL } from '../../src/review/rule.js';

const root = new URL('../../', import.meta.url);
const read = (path: string) => readFileSync(new URL(path, root), 'utf8');
const REQUIRED_SECTIONS = ['why', 'bad', 'good', 'how to suppress'];

describe('rule meta', () => {
  it('registers every rule file, and every registered rule has its file', () => {
    for (const kind of ['code', 'docs'] as const) {
      const files = readdirSync(new URL(`rules/${kind}/`, root))
        // `_`-prefixed modules are helpers shared by rules, not rules.
        .filter((f) => f.endsWith('.ts') && !f.startsWith('_'))
        .map((f) => f.replace(/\.ts$/, ''));
      const registered = allRules.filter((r) => r.meta.kind === kind).map((r) => r.meta.id);
      assert.deepEqual([...registered].sort(), [...files].sort(), `rules/${kind}/ and the registry disagree`);
    }
  });

  it('has unique ids in kebab-case', () => {
    const ids = allRules.map((r) => r.meta.id);
    assert.equal(new Set(ids).size, ids.length);
    for (const id of ids) assert.match(id, /^[a-z0-9]+(-[a-z0-9]+)*$/);
  });

  for (const rule of allRules) {
    describe(rule.meta.id, () => {
      it('has complete meta', () => {
        assert.equal(rule.meta.docsUrl, `${DOCS_BASE_URL}${rule.meta.id}.md`);
        assert.ok(rule.meta.description.length > 20, 'description');
        const messages = Object.entries(rule.meta.messages);
        assert.ok(messages.length > 0, 'at least one message');
        for (const [id, text] of messages) assert.ok(text.trim().length > 0, `message ${id} is empty`);
      });

      it(`has docs/rules/${rule.meta.id}.md with why / bad / good / how to suppress`, () => {
        const path = `docs/rules/${rule.meta.id}.md`;
        assert.ok(existsSync(new URL(path, root)), `${path} is missing`);
        const headings = read(path)
          .split('\n')
          .filter((line) => /^##\s/.test(line))
          .map((line) => line.replace(/^##\s+/, '').trim().toLowerCase());
        for (const section of REQUIRED_SECTIONS) {
          assert.ok(headings.some((h) => h.startsWith(section)), `${path} lacks a "## ${section}" section`);
        }
      });

      it(`has test/rules/${rule.meta.id}.test.ts exercising valid and invalid cases`, () => {
        const path = `test/rules/${rule.meta.id}.test.ts`;
        assert.ok(existsSync(new URL(path, root)), `${path} is missing`);
        const text = read(path);
        assert.match(text, new RegExp(`rules/${rule.meta.kind}/${rule.meta.id}\\.js`), 'the test imports the rule');
        assert.match(text, /valid\s*:/, 'has valid cases');
        assert.match(text, /invalid\s*:/, 'has invalid cases');
      });
    });
  }
});

describe('docs/rules/README.md', () => {
  it('lists every registered rule (regenerate with npm run rules-index)', async () => {
    const { renderRulesIndex, RULES_INDEX } = await import('../../scripts/rules-index.js');
    assert.equal(readFileSync(RULES_INDEX, 'utf8'), renderRulesIndex());
  });
});
