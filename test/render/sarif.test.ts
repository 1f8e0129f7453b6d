import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import AjvDraft04 from 'ajv-draft-04';
import type * as Sarif from 'sarif';
import { renderSarif, type SarifRule } from '../../src/render/sarif.js';
import { buildResult, exampleFacts, exampleFindings, FILE, finding } from './fixture.js';

// ajv-draft-04 is CommonJS: under NodeNext the default import is `module.exports`, whose `default`
// is the constructor.
const Ajv = AjvDraft04.default;

const schema = JSON.parse(readFileSync(new URL('../schemas/sarif-2.1.0-rtm.5.json', import.meta.url), 'utf8'));

function validator() {
  // The official schema's `language` pattern (`...[a-zA-Z]{2}]?$`) is not valid under the `u` flag.
  const ajv = new Ajv({ allErrors: true, strict: false, unicodeRegExp: false });
  // ajv-draft-04 ships no formats; these are the three the schema uses, checked with WHATWG URL.
  ajv.addFormat('uri', (s: string) => URL.canParse(s));
  ajv.addFormat('uri-reference', (s: string) => URL.canParse(s, 'https://base.test/') && !/\s/.test(s));
  ajv.addFormat('date-time', (s: string) => !Number.isNaN(Date.parse(s)));
  return ajv.compile(schema);
}

const RULES: SarifRule[] = [
  { id: 'dual-write', description: 'DB write and broker publish in two commits', docsUrl: 'https://example.test/dual-write.md', severity: 'Critical', precision: 'High' },
  { id: 'non-idempotent-consumer', description: 'Consumer side effect without a dedup guard', docsUrl: 'https://example.test/nic.md', severity: 'Critical', precision: 'Medium' },
  { id: 'missing-dlq', description: 'No dead-letter path', docsUrl: 'https://example.test/missing-dlq.md', severity: 'Important', precision: 'Medium' },
  { id: 'consumer-graceful-shutdown', description: 'No SIGTERM handling', docsUrl: 'https://example.test/cgs.md', severity: 'Suggestion', precision: 'Heuristic' },
  { id: 'system-concerns-drift', description: 'Posture change', docsUrl: 'https://example.test/scd.md', severity: 'System', precision: 'High' },
];

function log(): Sarif.Log {
  const findings = [
    ...exampleFindings(),
    finding({ ruleId: 'unbounded-retry', status: 'removed', line: 30 }),
    finding({
      ruleId: 'missing-dlq',
      status: 'pre-existing',
      path: 'services/other dir/ünïcode#1.ts',
      line: 3,
      accepted: { by: 'alice', reason: 'DLQ lands next sprint' },
    }),
  ];
  return JSON.parse(renderSarif(buildResult(findings, exampleFacts()), RULES, '0.1.0')) as Sarif.Log;
}

describe('renderSarif', () => {
  it('validates against the SARIF 2.1.0 schema', () => {
    const validate = validator();
    const ok = validate(log());
    assert.ok(ok, JSON.stringify(validate.errors, null, 2));
  });

  it('rejects an invalid log, so the validation is real', () => {
    const validate = validator();
    const bad = log() as unknown as { runs: { results: { level: string }[] }[] };
    bad.runs[0].results[0].level = 'fatal';
    assert.equal(validate(bad), false);
  });

  it('describes the tool and its rules', () => {
    const driver = log().runs[0].tool.driver;
    assert.equal(driver.name, 'arch-review');
    assert.equal(driver.version, '0.1.0');
    assert.ok(driver.informationUri);
    assert.equal(driver.rules!.length, RULES.length);
    assert.deepEqual(driver.rules![0], {
      id: 'dual-write',
      shortDescription: { text: 'DB write and broker publish in two commits' },
      helpUri: 'https://example.test/dual-write.md',
      defaultConfiguration: { level: 'error' },
      properties: { precision: 'High', severity: 'Critical' },
    });
    assert.deepEqual(
      driver.rules!.map((r) => r.defaultConfiguration!.level),
      ['error', 'error', 'warning', 'note', 'note'],
    );
  });

  it('maps severity to level and carries fingerprints, baseline state and locations', () => {
    const results = log().runs[0].results!;
    const byRule = (id: string) => results.filter((r) => r.ruleId === id);

    const dual = byRule('dual-write')[0];
    assert.equal(dual.level, 'error');
    assert.equal(dual.ruleIndex, 0);
    assert.equal(dual.baselineState, 'new');
    assert.match(dual.partialFingerprints!['archReview/v1'], /^[0-9a-f]{8}(ab){16}$/);
    assert.deepEqual(dual.locations![0].physicalLocation, {
      artifactLocation: { uri: FILE, uriBaseId: '%SRCROOT%' },
      region: { startLine: 20, endLine: 20 },
    });
    assert.deepEqual(dual.relatedLocations, [
      {
        id: 0,
        physicalLocation: { artifactLocation: { uri: FILE, uriBaseId: '%SRCROOT%' }, region: { startLine: 17, endLine: 17 } },
        message: { text: 'DB write' },
      },
    ]);

    assert.equal(byRule('missing-dlq')[0].level, 'warning');
    assert.equal(byRule('consumer-graceful-shutdown')[0].level, 'note');
    assert.equal(byRule('system-concerns-drift')[0].level, 'note');

    const fps = results.map((r) => r.partialFingerprints!['archReview/v1']);
    assert.equal(new Set(fps).size, fps.length);
  });

  it('leaves removed findings out (their place is the base\'s), and shows accepted risks as external suppressions', () => {
    const results = log().runs[0].results!;
    assert.equal(results.filter((r) => r.ruleId === 'unbounded-retry' || r.baselineState === 'absent').length, 0);
    assert.ok(results.length > 0);

    const accepted = results.find((r) => r.suppressions)!;
    assert.equal(accepted.baselineState, 'unchanged');
    assert.deepEqual(accepted.suppressions, [
      { kind: 'external', status: 'accepted', justification: 'risk accepted by @alice: DLQ lands next sprint' },
    ]);
    assert.equal(accepted.locations![0].physicalLocation!.artifactLocation!.uri, 'services/other%20dir/%C3%BCn%C3%AFcode%231.ts');
  });

  it('keeps a backslash in a file name as part of the name', () => {
    const out = JSON.parse(renderSarif(buildResult([finding({ ruleId: 'dual-write', path: 'src/back\\slash.ts', line: 2 })], exampleFacts()), RULES, '0.1.0')) as Sarif.Log;
    assert.equal(out.runs[0].results![0].locations![0].physicalLocation!.artifactLocation!.uri, 'src/back%5Cslash.ts');
  });
});
