import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import rule from '../../rules/docs/related-artifacts-integrity.js';
import { LOYALTY_POINTS_FIXTURE, readFixtureTree, runRuleOnCase, testDocsRule } from '../harness/docs-rule-tester.js';

const loyalty = readFixtureTree(LOYALTY_POINTS_FIXTURE);
const L = 'docs/features/loyalty-points';

/** One string per line, so a case's expected line is the index + 1. */
const md = (...lines: string[]) => `${lines.join('\n')}\n`;

const O = 'docs/features/orders';
const CONTRACT = `${O}/contracts/orders.placed.v1.md`;
const SCHEMA = `${O}/schemas/orders.placed.v1.json`;
const ASYNCAPI = `${O}/asyncapi/orders.placed.v1.yaml`;
const DESIGN = `${O}/design.md`;
const README = `${O}/README.md`;
const RUNBOOK = `${O}/runbooks/dlq-triage.md`;
const LAUNCH = `${O}/launches/2026-06-01.md`;
const ADR = `${O}/adrs/0001-outbox.md`;

const contract = (...related: string[]) => md('# Contract: `orders.placed.v1`', '', '## Summary', '- **Status**: Active', '', '## Related artifacts', ...related);

/** The rule 23 Passes example, lines 7-11. */
const PASSES = [
  '- Schema: [../schemas/orders.placed.v1.json](../schemas/orders.placed.v1.json)',
  '- AsyncAPI: [../asyncapi/orders.placed.v1.yaml](../asyncapi/orders.placed.v1.yaml)',
  '- Design: [../design.md](../design.md)',
  '- Per-feature README: [../README.md](../README.md)',
  '- Runbooks: `../runbooks/dlq-triage.md` (not yet written)',
];
const PEERS = { [SCHEMA]: '{}', [ASYNCAPI]: 'asyncapi: 3.1.0\n', [DESIGN]: md('# Orders Design'), [README]: md('# Orders') };
/** Files that exist but are not loaded (their rules are not under test). */
const extraPaths = Object.keys(PEERS);

testDocsRule(rule, {
  valid: [
    { name: 'the loyalty-points example feature (artifacts.md §10)', files: loyalty },
    { name: 'rule 23 Passes example', files: { [CONTRACT]: contract(...PASSES) }, extraPaths },
    {
      name: 'folder targets, platform folders announced, anchors and external links',
      files: {
        [ADR]: md(
          '# ADR-0001: Outbox',
          '',
          'See [the summary](#summary) and [CloudEvents](https://cloudevents.io/).',
          '',
          '## Related artifacts',
          '- Design: [../design.md#boundary-contracts](../design.md#boundary-contracts)',
          '- Contracts: [../contracts/](../contracts/)',
          '- README: [../README.md](../README.md)',
          '- Platform ADRs: `../../../system/adrs/` (not yet written)',
        ),
      },
      extraPaths: [DESIGN, README, CONTRACT],
    },
    {
      name: 'a skill reference path needs no file in the repository',
      files: {
        [RUNBOOK]: md(
          '# Runbook',
          '',
          '## Related artifacts',
          '- Design: [../design.md](../design.md)',
          '- Contract: [../contracts/orders.placed.v1.md](../contracts/orders.placed.v1.md)',
          '- README: [../README.md](../README.md)',
          '- Failure modes: [reference/failure-modes.md](../../../../reference/failure-modes.md)',
        ),
      },
      extraPaths: [DESIGN, README, CONTRACT],
    },
    {
      name: 'READMEs, the catalog and sysdocs are not read (their links belong to other rules)',
      files: {
        [README]: md('# Orders', '', '## Artifacts', '- **Design**: [design.md](design.md)'),
        'docs/system/catalog.md': md('# System Catalog', '', '| Feature | Index |', '| --- | --- |', '| x | [README](../features/x/README.md) |'),
        'docs/system/glossary.md': md('# Glossary', '[missing](nowhere.md)'),
      },
    },
    {
      name: 'code spans that are not relative paths are never link targets',
      files: {
        [RUNBOOK]: md(
          '# Runbook',
          '',
          '## Dashboards',
          '- `orders/consumer-health`, `application/cloudevents+json`, `msg/s`, `orders.placed.v1`',
          '',
          '## Related artifacts',
          '- Design: [../design.md](../design.md)',
          '- Contract: [../contracts/orders.placed.v1.md](../contracts/orders.placed.v1.md)',
          '- README: [../README.md](../README.md)',
        ),
      },
      extraPaths: [DESIGN, README, CONTRACT],
    },
  ],
  invalid: [
    {
      name: 'rule 23 Fails example: two unresolved entries, and no schema or AsyncAPI link of the channel',
      files: { [CONTRACT]: contract('- Schema: `../schemas/orders.placed.json`', '- Runbooks: `../runbooks/dlq.md`') },
      errors: [
        { messageId: 'brokenEntry', path: CONTRACT, line: 7, severity: 'Important' },
        { messageId: 'brokenEntry', path: CONTRACT, line: 8, severity: 'Important' },
        { messageId: 'missingTriplet', path: CONTRACT, line: 6, severity: 'Important' },
      ],
    },
    {
      name: 'step 1: section missing (line 1) and section not last (Suggestion)',
      files: {
        [DESIGN]: md('# Orders Design', '', '## Summary', '- **Status**: Draft'),
        [RUNBOOK]: md(
          '# Runbook', // 1
          '', // 2
          '## Related artifacts', // 3
          '- Design: [../design.md](../design.md)', // 4
          '- Contract: [../contracts/orders.placed.v1.md](../contracts/orders.placed.v1.md)', // 5
          '- README: [../README.md](../README.md)', // 6
          '', // 7
          '## Triage', // 8
        ),
      },
      extraPaths: [README, CONTRACT],
      errors: [
        { messageId: 'missingSection', path: DESIGN, line: 1, severity: 'Important' },
        { messageId: 'notLast', path: RUNBOOK, line: 3, severity: 'Suggestion' },
      ],
    },
    {
      name: 'step 2: an announced path that is not conventional, and a stale annotation',
      files: {
        [CONTRACT]: contract(
          ...PASSES.slice(0, 4),
          '- Notes: [../notes/ideas.md](../notes/ideas.md) (not yet written)',
          '- Other feature: `../../payments/design.md` (not yet written)',
          '- Schema again: [schema](../schemas/orders.placed.v1.json) (not yet written)',
        ),
      },
      extraPaths,
      errors: [
        { messageId: 'unconventionalAnnouncement', path: CONTRACT, line: 11, severity: 'Suggestion' },
        { messageId: 'unconventionalAnnouncement', path: CONTRACT, line: 12, severity: 'Suggestion' },
        { messageId: 'staleAnnotation', path: CONTRACT, line: 13, severity: 'Suggestion' },
      ],
    },
    {
      name: 'step 2: a link above the repository root is broken even when annotated',
      files: { [CONTRACT]: contract(...PASSES.slice(0, 4), '- Far: `../../../../../../x.md` (not yet written)') },
      extraPaths,
      errors: [{ messageId: 'brokenEntry', path: CONTRACT, line: 11 }],
    },
    {
      name: 'step 3: existing peers of the template list not linked (one Suggestion listing them)',
      files: {
        [LAUNCH]: md(
          '## Summary', // 1
          '- **Status**: GO', // 2
          '', // 3
          '## Related artifacts', // 4
          '- Design: [../design.md](../design.md)', // 5
          '- README: [../README.md](../README.md)', // 6
        ),
      },
      extraPaths: [DESIGN, README, CONTRACT, RUNBOOK, ADR, 'docs/system/catalog.md'],
      errors: [{ messageId: 'missingPeers', path: LAUNCH, line: 4, severity: 'Suggestion' }],
    },
    {
      name: 'step 3: a design lists each contract, schema and AsyncAPI file of the feature',
      files: {
        [DESIGN]: md(
          '# Orders Design', // 1
          '', // 2
          '## Related artifacts', // 3
          '- Contracts: [contracts/orders.placed.v1.md](contracts/orders.placed.v1.md), [schemas/orders.placed.v1.json](schemas/orders.placed.v1.json), [asyncapi/orders.placed.v1.yaml](asyncapi/orders.placed.v1.yaml)', // 4
        ),
      },
      extraPaths: [CONTRACT, SCHEMA, ASYNCAPI, `${O}/contracts/orders.cancelled.v1.md`],
      errors: [{ messageId: 'missingPeers', path: DESIGN, line: 3, severity: 'Suggestion' }],
    },
    {
      name: 'step 4: a broken relative link elsewhere in the document (Suggestion)',
      files: {
        [RUNBOOK]: md(
          '# Runbook', // 1
          '', // 2
          '## Redrive', // 3
          '1. Follow [the replay guide](./replay.md#ramp).', // 4
          '', // 5
          '## Related artifacts', // 6
          '- Design: [../design.md](../design.md)', // 7
          '- Contract: [../contracts/orders.placed.v1.md](../contracts/orders.placed.v1.md)', // 8
          '- README: [../README.md](../README.md)', // 9
        ),
      },
      extraPaths: [DESIGN, README, CONTRACT],
      errors: [{ messageId: 'brokenElsewhere', path: RUNBOOK, line: 4, severity: 'Suggestion' }],
    },
    {
      name: 'the loyalty-points runbook without its Related artifacts section',
      files: {
        ...loyalty,
        [`${L}/runbooks/dlq-triage.md`]: loyalty[`${L}/runbooks/dlq-triage.md`].replace(/\n## Related artifacts[\s\S]*$/, '\n'),
      },
      errors: [{ messageId: 'missingSection', path: `${L}/runbooks/dlq-triage.md`, line: 1 }],
    },
  ],
});

describe('related-artifacts-integrity messages', () => {
  const peersOf = (path: string, related: string[], extraPaths: string[]) =>
    runRuleOnCase(rule, { name: 'message', files: { [path]: md('# Doc', '', '## Related artifacts', ...related) }, extraPaths })
      .filter((f) => f.messageId === 'missingPeers')
      .map((f) => f.message.split(': ').slice(1).join(': ').split('. Each entry')[0]);

  it('names the files to link, one peer in the singular with its candidates', () => {
    const RUNBOOK2 = `${O}/runbooks/replay.md`;
    assert.deepEqual(peersOf(RUNBOOK, ['- Design: [../design.md](../design.md)', '- README: [../README.md](../README.md)'], [DESIGN, README, RUNBOOK2, CONTRACT]), [
      'a contract (../contracts/orders.placed.v1.md) and a sibling runbook (replay.md) are not linked',
    ]);
    const ADR2 = `${O}/adrs/0002-relay.md`;
    assert.deepEqual(peersOf(ADR, ['- Contract: [../contracts/orders.placed.v1.md](../contracts/orders.placed.v1.md)'], [ADR2, CONTRACT, README]), [
      'a sibling ADR (0002-relay.md) and the README (../README.md) are not linked',
    ]);
    const many = ['a', 'b', 'c', 'd', 'e'].map((n) => `${O}/contracts/orders.${n}.v1.md`);
    assert.deepEqual(peersOf(LAUNCH, ['- Design: [../design.md](../design.md)'], [DESIGN, ...many]), [
      'a contract (../contracts/orders.a.v1.md, ../contracts/orders.b.v1.md, ../contracts/orders.c.v1.md or 2 more) is not linked',
    ]);
  });
});
