import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { loadConfigFile, MAX_ALIAS_COUNT, parseConfig, type ConfigError, type ConfigResult } from '../../src/config/load.js';
import { configSchema, type Config } from '../../src/config/schema.js';
import { SPEC_EXAMPLE } from './spec-example.js';

function ok(result: ConfigResult): { config: Config; warnings: string[] } {
  if (!result.ok) assert.fail(`expected a valid config, got: ${result.error.message}`);
  return result;
}

function err(result: ConfigResult): ConfigError {
  if (result.ok) assert.fail('expected a config error');
  return result.error;
}

describe('parseConfig: valid input', () => {
  it('parses the full §1.6 example', () => {
    const { config, warnings } = ok(parseConfig(SPEC_EXAMPLE));
    assert.deepEqual(warnings, []);
    assert.deepEqual(config.features, { 'order-fulfillment': ['services/orders/**', 'packages/orders-*/**'] });
    assert.deepEqual(config.services, { orders: ['services/orders/**'], billing: ['services/billing/**'] });
    assert.deepEqual(config.wrappers.publish, ['EventBus.publish', 'this.events.emit']);
    assert.equal(config.patterns.dlqChannel, '(?i)(\\.dlq|\\.dlt|dead[-_.]?letter)$');
    assert.equal(config.thresholds.payloadBytes.pubsub, 10000000);
    assert.deepEqual(config.instrumentation.provided, ['services/legacy-gateway']);
    // YAML 1.2: `off` is the string "off", not the boolean YAML 1.1 would make of it.
    assert.deepEqual(config.rules, {
      'sync-rpc-chain': 'off',
      'retry-without-jitter': { severity: 'Suggestion' },
      'undeclared-channel': { ignore: ['connect-offsets', '_schemas'] },
    });
  });

  for (const [name, text] of [
    ['an empty file', ''],
    ['whitespace only', '\n   \n'],
    ['comments only', '# arch-review config\n# nothing set yet\n'],
    ['a yaml-language-server directive', '# yaml-language-server: $schema=../schema/arch-review.schema.json\n'],
  ] as const) {
    it(`treats ${name} as all defaults`, () => {
      assert.deepEqual(ok(parseConfig(text)).config, configSchema.parse({}));
    });
  }

  it('allows a modest use of anchors and aliases', () => {
    const text = 'wrappers:\n  publish: &bus ["EventBus.publish"]\n  dlq: *bus\n';
    assert.deepEqual(ok(parseConfig(text)).config.wrappers.dlq, ['EventBus.publish']);
  });

  it('warns about an override for a rule the engine does not know, with a suggestion', () => {
    const text = 'gate:\n  strict: true\nrules:\n  sync-rpc-chian: off\n';
    const { warnings } = ok(parseConfig(text, '.github/arch-review.yml', { knownRuleIds: ['sync-rpc-chain', 'dual-write'] }));
    assert.deepEqual(warnings, [
      '.github/arch-review.yml:4:3: unknown rule "sync-rpc-chian" in rules; the override has no effect — did you mean "sync-rpc-chain"?',
    ]);
  });
});

describe('parseConfig: unknown keys', () => {
  it('names a typo in a nested block key, its line and the closest allowed key', () => {
    const text = ['# gating', 'drafts: false', 'gate:', '  failon: [Critical]', '  scope: all', ''].join('\n');
    const error = err(parseConfig(text));
    assert.equal(error.message, '.github/arch-review.yml:4:3: unknown key "gate.failon" — did you mean "failOn"?');
    assert.equal(error.key, 'gate.failon');
    assert.equal(error.line, 4);
    assert.equal(error.column, 3);
  });

  it('locates a typo inside a flow mapping', () => {
    const text = 'inline: { max: 10 }\ngate: { failon: [Critical] }\n';
    const error = err(parseConfig(text, 'cfg.yml'));
    assert.equal(error.message, 'cfg.yml:2:9: unknown key "gate.failon" — did you mean "failOn"?');
    assert.equal(error.line, 2);
  });

  it('suggests the full path when a key is written at the wrong level', () => {
    const error = err(parseConfig('onError: failure\nminPrecision: High\n'));
    assert.equal(error.line, 2);
    assert.match(error.message, /unknown key "minPrecision" — did you mean "gate\.minPrecision"\?$/);
  });

  it('lists the allowed keys when nothing is close', () => {
    const error = err(parseConfig('asyncapi:\n  wibble: 1\n'));
    assert.match(error.message, /unknown key "asyncapi\.wibble" \(allowed here: traceHeaderIn\)$/);
  });

  it('suggests within a rule override object', () => {
    const error = err(parseConfig('rules:\n  dual-write:\n    sevrity: Important\n'));
    assert.equal(error.line, 3);
    assert.match(error.message, /unknown key "rules\.dual-write\.sevrity" — did you mean "severity"\?$/);
  });
});

describe('parseConfig: wrong values', () => {
  it('names key, line and the expected severities for an unknown severity', () => {
    const text = 'gate:\n  scope: all\n  failOn: [Critical, Blocker]\n';
    const error = err(parseConfig(text));
    assert.equal(
      error.message,
      '.github/arch-review.yml:3:22: gate.failOn[1]: expected one of Critical, Important, Suggestion, System, got "Blocker"',
    );
    assert.equal(error.key, 'gate.failOn[1]');
    assert.equal(error.line, 3);
  });

  it('names the expected values of a scalar enum', () => {
    const error = err(parseConfig('summaryComment: sometimes\n'));
    assert.equal(error.line, 1);
    assert.match(error.message, /summaryComment: expected one of always, on-command, never, got "sometimes"$/);
  });

  it('says what type was expected, YAML 1.1 booleans included', () => {
    const error = err(parseConfig('gate:\n  strict: yes\n'));
    assert.equal(error.line, 2);
    assert.match(error.message, /gate\.strict: expected true or false, got "yes"$/);
  });

  it('points at the key when a value is left empty', () => {
    const error = err(parseConfig('gate:\n  failOn:\n  scope: all\n'));
    assert.deepEqual([error.line, error.column], [2, 3]);
    assert.match(error.message, /gate\.failOn: expected a list, got an empty value$/);
  });

  it('reports range violations with the bound', () => {
    const error = err(parseConfig('inline:\n  max: 250\n'));
    assert.equal(error.line, 2);
    assert.match(error.message, /inline\.max: expected at most 100, got 250$/);
  });

  it('reports a bad rule override value with the accepted forms', () => {
    const error = err(parseConfig('rules:\n  dual-write: disabled\n'));
    assert.equal(error.line, 2);
    assert.match(error.message, /rules\.dual-write: expected off, on or a mapping, got "disabled"$/);
  });

  it('reports an invalid regular expression with its key and line', () => {
    const text = 'patterns:\n  outboxTable: "(?i)outbox"\n  inboxTable: "(inbox|dedup"\n';
    const error = err(parseConfig(text));
    assert.equal(error.key, 'patterns.inboxTable');
    assert.equal(error.line, 3);
    assert.match(error.message, /^\.github\/arch-review\.yml:3:\d+: patterns\.inboxTable is not a valid regular expression: /);
  });

  it('reports the first problem in file order and counts the rest', () => {
    const text = 'inline:\n  max: -1\ngate:\n  minPrecision: Low\n';
    const error = err(parseConfig(text));
    assert.equal(error.line, 2);
    assert.match(error.message, /\(and 1 more problem\)$/);
  });

  it('rejects a document that is not a mapping', () => {
    const error = err(parseConfig('- gate\n- inline\n'));
    assert.match(error.message, /top level: expected a mapping, got a list$/);
  });
});

describe('parseConfig: YAML and hostile input', () => {
  it('reports a YAML syntax error with its line', () => {
    const text = 'gate:\n  failOn: [Critical\ninline:\n  max: 3\n';
    const error = err(parseConfig(text));
    assert.match(error.message, /^\.github\/arch-review\.yml:\d+:\d+: YAML syntax error: /);
    assert.equal(typeof error.line, 'number');
    assert.ok(error.line! >= 2 && error.line! <= 3, `line ${error.line}`);
  });

  it('reports a duplicate key at the repeated key', () => {
    const error = err(parseConfig('drafts: true\ngate: {}\ndrafts: false\n'));
    assert.equal(error.line, 3);
    assert.match(error.message, /YAML syntax error: Map keys must be unique/);
  });

  it('rejects an alias bomb with a clear message instead of expanding it', () => {
    const levels = ['a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]'];
    for (let i = 1; i < 9; i++) {
      const prev = String.fromCharCode(96 + i);
      const name = String.fromCharCode(97 + i);
      levels.push(`${name}: &${name} [${Array(9).fill(`*${prev}`).join(', ')}]`);
    }
    const started = Date.now();
    const error = err(parseConfig(`${levels.join('\n')}\n`));
    assert.match(error.message, new RegExp(`too many YAML alias expansions \\(limit ${MAX_ALIAS_COUNT}\\)`));
    assert.ok(Date.now() - started < 2000, 'the bomb was expanded before being rejected');
  });

  it('rejects a file over 64 KiB before parsing it', () => {
    const text = `drafts: true\n# ${'x'.repeat(64 * 1024)}\n`;
    const error = err(parseConfig(text));
    assert.match(error.message, /larger than 64 KiB/);
    assert.equal(error.line, null);
  });

  it('counts the cap in UTF-8 bytes, not characters', () => {
    const text = `# ${'é'.repeat(40 * 1024)}\n`;
    assert.ok(text.length < 64 * 1024);
    assert.match(err(parseConfig(text)).message, /larger than 64 KiB/);
  });

  it('names a __proto__ key and its line instead of letting it change the shape of the config or vanish', () => {
    assert.equal(err(parseConfig('__proto__: {}\n')).key, '__proto__');
    assert.equal(err(parseConfig('features:\n  orders: ["src/**"]\n  __proto__: ["src/**"]\n', 'c.yml')).message, 'c.yml:3:3: a key named "__proto__" is not allowed');
    assert.equal(err(parseConfig('gate: { __proto__: { failOn: [] } }\n', 'c.yml')).message, 'c.yml:1:9: a key named "__proto__" is not allowed');
  });
});

describe('loadConfigFile', () => {
  let dir = '';
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'arch-review-config-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('returns the defaults without warnings when the file is missing', async () => {
    const result = ok(await loadConfigFile(join(dir, 'missing.yml')));
    assert.deepEqual(result.config, configSchema.parse({}));
    assert.deepEqual(result.warnings, []);
  });

  it('refuses a missing file the user named (mustExist)', async () => {
    const missing = join(dir, 'missing.yml');
    assert.equal(err(await loadConfigFile(missing, { mustExist: true })).message, `${missing}: no such file`);
  });

  it('parses a file on disk and names it in errors', async () => {
    const good = join(dir, 'good.yml');
    await writeFile(good, 'gate:\n  strict: true\n');
    assert.equal(ok(await loadConfigFile(good)).config.gate.strict, true);

    const bad = join(dir, 'bad.yml');
    await writeFile(bad, 'gate:\n  stict: true\n');
    assert.equal(err(await loadConfigFile(bad)).message, `${bad}:2:3: unknown key "gate.stict" — did you mean "strict"?`);
  });

  it('refuses an oversized file and a directory', async () => {
    const big = join(dir, 'big.yml');
    await writeFile(big, `# ${'x'.repeat(70 * 1024)}\n`);
    assert.match(err(await loadConfigFile(big)).message, /larger than 64 KiB/);
    assert.match(err(await loadConfigFile(dir)).message, /not a regular file/);
  });
});
