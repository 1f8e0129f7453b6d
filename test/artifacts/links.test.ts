import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  checkLink,
  isConventionalPath,
  isExternalTarget,
  isSkillReference,
  linksOfField,
  ownerOf,
  pathExists,
  relativeLink,
  resolveLinkPath,
  targetFragment,
} from '../../src/artifacts/links.js';
import { findField, parseMarkdown } from '../../src/artifacts/markdown.js';

const F = 'docs/features/loyalty-points';
const TREE = new Set([
  `${F}/README.md`,
  `${F}/design.md`,
  `${F}/contracts/loyalty.points-awarded.v1.md`,
  `${F}/runbooks/dlq-triage.md`,
  'docs/system/catalog.md',
  'docs/features/orders/contracts/orders.placed.v1.md',
]);
/** The docs runner's `exists`: a file, or a folder (trailing `/`) holding at least one file. */
const exists = (path: string) => (path.endsWith('/') ? [...TREE].some((p) => p.startsWith(path)) : TREE.has(path));

describe('resolveLinkPath (artifacts.md §5.3)', () => {
  it('resolves relative to the directory of the file holding the link', () => {
    assert.equal(resolveLinkPath(`${F}/contracts/x.md`, '../schemas/x.json'), `${F}/schemas/x.json`);
    assert.equal(resolveLinkPath(`${F}/design.md`, 'adrs/0001-a.md'), `${F}/adrs/0001-a.md`);
    assert.equal(resolveLinkPath(`${F}/design.md`, './README.md'), `${F}/README.md`);
    assert.equal(resolveLinkPath(`${F}/adrs/0001-a.md`, '../../../system/adrs/'), 'docs/system/adrs/');
    assert.equal(resolveLinkPath(`${F}/runbooks/a.md`, './'), `${F}/runbooks/`);
    assert.equal(resolveLinkPath(`${F}/runbooks/a.md`, '..'), `${F}/`);
  });

  it('drops fragments and queries, decodes percent escapes, and treats a leading / as the root', () => {
    assert.equal(resolveLinkPath(`${F}/design.md`, 'runbooks/dlq-triage.md#redrive'), `${F}/runbooks/dlq-triage.md`);
    assert.equal(resolveLinkPath(`${F}/design.md`, 'my%20notes.md?plain=1'), `${F}/my notes.md`);
    assert.equal(resolveLinkPath(`${F}/design.md`, '/docs/system/catalog.md'), 'docs/system/catalog.md');
  });

  it('returns null for external targets, pure anchors and paths above the root', () => {
    assert.equal(resolveLinkPath(`${F}/design.md`, 'https://example.com/a.md'), null);
    assert.equal(resolveLinkPath(`${F}/design.md`, 'mailto:a@b.c'), null);
    assert.equal(resolveLinkPath(`${F}/design.md`, '#summary'), null);
    assert.equal(resolveLinkPath('docs/a.md', '../../../x.md'), null);
  });

  it('classifies external targets and reads fragments', () => {
    assert.equal(isExternalTarget('#anchor'), true);
    assert.equal(isExternalTarget('http://x'), true);
    assert.equal(isExternalTarget('../x.md'), false);
    assert.equal(targetFragment('../x.md#class-b'), 'class-b');
    assert.equal(targetFragment('../x.md'), null);
  });
});

describe('pathExists (CHANGES.md item 3)', () => {
  it('accepts files and folders holding at least one file, with or without the trailing slash', () => {
    assert.equal(pathExists(`${F}/design.md`, exists), true);
    assert.equal(pathExists(`${F}/runbooks/`, exists), true);
    assert.equal(pathExists(`${F}/runbooks`, exists), true);
    assert.equal(pathExists(`${F}/adrs/`, exists), false);
    assert.equal(pathExists(`${F}/launches/2026-05-20.md`, exists), false);
  });
});

describe('isSkillReference', () => {
  it('accepts reference/<name>.md behind any ./ and ../', () => {
    assert.equal(isSkillReference('reference/failure-modes.md'), true);
    assert.equal(isSkillReference('../../../reference/failure-modes.md#poison'), true);
    assert.equal(isSkillReference('./reference/operational-runbooks.md'), true);
    assert.equal(isSkillReference('docs/reference/failure-modes.md'), false);
    assert.equal(isSkillReference('reference/sub/x.md'), false);
    assert.equal(isSkillReference('reference/x.json'), false);
  });
});

describe('isConventionalPath (artifacts.md §2, §5.3 (b))', () => {
  const feature = { scope: 'feature' as const, slug: 'loyalty-points' };
  const platform = { scope: 'platform' as const };

  it('accepts the feature paths of section 2 for the same feature', () => {
    for (const path of [
      `${F}/design.md`,
      `${F}/README.md`,
      `${F}/architecture-rfc.md`,
      `${F}/adrs/0002-ledger-compaction.md`,
      `${F}/contracts/loyalty.points-reversed.v1.md`,
      `${F}/schemas/loyalty.points-reversed.v1.avsc`,
      `${F}/asyncapi/loyalty.points-reversed.v1.yaml`,
      `${F}/runbooks/consumer-lag.md`,
      `${F}/launches/2026-07-01.md`,
      `${F}/adrs/`,
      `${F}/runbooks/`,
      `${F}/contracts/`,
    ]) {
      assert.equal(isConventionalPath(path, feature), true, path);
    }
  });

  it('accepts platform paths from any file', () => {
    for (const path of ['docs/system/catalog.md', 'docs/system/adrs/', 'docs/system/adrs/0003-broker.md', 'docs/system/dr.md', 'docs/system/standards/']) {
      assert.equal(isConventionalPath(path, feature), true, path);
      assert.equal(isConventionalPath(path, platform), true, path);
    }
  });

  it('rejects other features, unconventional names and folders, and legacy paths', () => {
    for (const path of [
      'docs/features/orders/design.md',
      `${F}/contracts/orders.placed.md`,
      `${F}/schemas/points.json`,
      `${F}/launches/next-week.md`,
      `${F}/notes/ideas.md`,
      `${F}/drafts/`,
      'docs/designs/loyalty-points-design.md',
      'docs/system/notes/',
      'src/index.ts',
    ]) {
      assert.equal(isConventionalPath(path, feature), false, path);
    }
  });

  it('lets platform files announce the READMEs of the features they affect', () => {
    assert.equal(isConventionalPath('docs/features/orders/README.md', platform), true);
    assert.equal(isConventionalPath('docs/features/orders/design.md', platform), false);
  });

  it('derives the owner from the file path', () => {
    assert.deepEqual(ownerOf(`${F}/adrs/0001-a.md`), feature);
    assert.deepEqual(ownerOf('docs/system/runbooks/broker-outage.md'), platform);
  });
});

describe('checkLink', () => {
  const from = `${F}/contracts/loyalty.points-awarded.v1.md`;
  const owner = ownerOf(from);
  const verdict = (target: string, notYetWritten = false) => checkLink({ target, notYetWritten }, from, owner, exists).verdict;

  it('judges each target the way §5.3 resolves it', () => {
    assert.equal(verdict('../design.md'), 'exists');
    assert.equal(verdict('../runbooks/'), 'exists');
    assert.equal(verdict('https://example.com'), 'external');
    assert.equal(verdict('#dlq-and-replay'), 'external');
    assert.equal(verdict('../schemas/loyalty.points-awarded.v1.json'), 'missing');
    assert.equal(verdict('../schemas/loyalty.points-awarded.v1.json', true), 'announced');
    assert.equal(verdict('../notes/todo.md', true), 'announced-unconventional');
    assert.equal(verdict('../design.md', true), 'stale-annotation');
    assert.equal(verdict('../../../../reference/failure-modes.md'), 'skill-reference');
    assert.equal(verdict('../../../../../../../x.md', true), 'missing');
  });

  it('returns the resolved repository path', () => {
    assert.equal(checkLink({ target: '../design.md#summary', notYetWritten: false }, from, owner, exists).resolved, `${F}/design.md`);
  });
});

describe('relativeLink', () => {
  it('writes the path from one file to another', () => {
    assert.equal(relativeLink(`${F}/contracts/a.md`, `${F}/schemas/a.json`), '../schemas/a.json');
    assert.equal(relativeLink(`${F}/README.md`, `${F}/design.md`), 'design.md');
    assert.equal(relativeLink('docs/system/catalog.md', `${F}/README.md`), '../features/loyalty-points/README.md');
  });
});

describe('linksOfField', () => {
  it('holds the links of the list written under a field with an empty inline value', () => {
    const parsed = parseMarkdown(['## Artifacts', '- **Runbooks**:', '  - [a](runbooks/a.md)', '  - [b](./runbooks/b.md)', '- **Launch decisions**: [l](launches/x.md)', ''].join('\n'));
    assert.ok(parsed.ok);
    const runbooks = findField(parsed.doc.fields, 'Runbooks')!;
    assert.deepEqual(
      linksOfField(parsed.doc, runbooks).map((l) => [l.target, l.line]),
      [
        ['runbooks/a.md', 3],
        ['./runbooks/b.md', 4],
      ],
    );
  });
});
