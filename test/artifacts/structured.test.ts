import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseJson, parseYaml } from '../../src/artifacts/structured.js';

const lines = (...rows: string[]) => `${rows.join('\n')}\n`;

describe('parseYaml', () => {
  const text = lines(
    'asyncapi: 3.1.0', // 1
    'channels:', // 2
    '  pointsAwardedV1:', // 3
    '    address: loyalty.points-awarded.v1', // 4
    '    messages:', // 5
    '      pointsAwarded:', // 6
    "        $ref: '#/components/messages/PointsAwarded'", // 7
    'tags:', // 8
    '  - name: first', // 9
    '  - name: second', // 10
  );

  it('returns the value and maps key paths to lines', () => {
    const result = parseYaml(text);
    assert.ok(result.ok);
    assert.equal((result.value as { asyncapi: string }).asyncapi, '3.1.0');
    assert.equal(result.lineOf(['channels', 'pointsAwardedV1', 'address']), 4);
    assert.equal(result.lineOf(['channels', 'pointsAwardedV1', 'messages', 'pointsAwarded', '$ref']), 7);
    assert.equal(result.lineOf(['tags', 1]), 10);
    assert.equal(result.lineOf(['tags', 1, 'name']), 10);
    assert.equal(result.lineOf(['channels', 'missing']), null);
    assert.equal(result.lineOf(['asyncapi', 'deeper']), null);
  });

  it('follows aliases when mapping a path', () => {
    const result = parseYaml(lines('base: &b', '  kind: x', 'copy: *b'));
    assert.ok(result.ok);
    assert.equal(result.lineOf(['copy', 'kind']), 2);
  });

  it('applies `<<` merge keys, and maps a merged key to its line in the anchored map', () => {
    const result = parseYaml(
      lines(
        'shared: &ce', // 1
        '  traceparent: { type: string }', // 2
        '  correlationid: { type: string }', // 3
        'more: &more', // 4
        '  causationid: { type: string }', // 5
        'headers:', // 6
        '  properties:', // 7
        '    <<: [*ce, *more]', // 8
        '    correlationid: { type: integer }', // 9
        '    specversion: { type: string }', // 10
      ),
    );
    assert.ok(result.ok);
    const properties = (result.value as { headers: { properties: Record<string, { type: string }> } }).headers.properties;
    assert.deepEqual(Object.keys(properties).sort(), ['causationid', 'correlationid', 'specversion', 'traceparent']);
    assert.equal(properties.correlationid.type, 'integer', 'an own key wins over a merged one');
    assert.equal(result.lineOf(['headers', 'properties', 'traceparent']), 2);
    assert.equal(result.lineOf(['headers', 'properties', 'traceparent', 'type']), 2);
    assert.equal(result.lineOf(['headers', 'properties', 'causationid']), 5);
    assert.equal(result.lineOf(['headers', 'properties', 'correlationid']), 9);
    assert.equal(result.lineOf(['headers', 'properties', 'specversion']), 10);
    assert.equal(result.lineOf(['headers', 'properties', 'missing']), null);
    assert.equal(result.lineOf(['headers', 'properties', '<<']), null, 'the merge key is no key of the value');
    const quoted = parseYaml(lines('m:', '  "<<": {a: 1}'));
    assert.ok(quoted.ok);
    assert.deepEqual((quoted.value as { m: unknown }).m, { '<<': { a: 1 } }, 'a quoted << is an ordinary key');
  });

  it('rejects a merge-key bomb instead of expanding it', () => {
    const rows = ['a0: &a0 {k: 1}'];
    for (let i = 1; i < 12; i++) rows.push(`a${i}: &a${i} {<<: [${Array(9).fill(`*a${i - 1}`).join(', ')}]}`);
    const started = performance.now();
    const result = parseYaml(lines(...rows));
    assert.equal(result.ok, false);
    assert.match(!result.ok ? result.error : '', /alias/i);
    assert.ok(performance.now() - started < 2000);
  });

  it('rejects an alias bomb instead of expanding it', () => {
    const bomb = lines(
      'a: &a [x, x, x, x, x, x, x, x, x]',
      'b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]',
      'c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]',
      'd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]',
      'e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]',
      'f: [*e, *e, *e, *e, *e, *e, *e, *e, *e]',
    );
    const result = parseYaml(bomb);
    assert.equal(result.ok, false);
    assert.match(!result.ok ? result.error : '', /alias/i);
  });

  it('reports the line of a syntax error and of a duplicate key', () => {
    const broken = parseYaml(lines('info:', '  title: x', '  title: y'));
    assert.equal(broken.ok, false);
    assert.equal(!broken.ok && broken.line, 3);
    const unclosed = parseYaml(lines('a: 1', 'b: [1, 2', 'c: 3'));
    assert.equal(unclosed.ok, false);
    assert.equal(typeof (!unclosed.ok && unclosed.line), 'number');
  });

  it('refuses deep nesting', () => {
    const flow = parseYaml('a: ' + '['.repeat(5000) + ']'.repeat(5000));
    assert.equal(flow.ok, false);
    const block = parseYaml(Array.from({ length: 200 }, (_, i) => `${' '.repeat(i)}k:`).join('\n') + ' 1\n');
    assert.equal(block.ok, false);
  });

  it('refuses files over the size limit', () => {
    const result = parseYaml('a: 1\n'.repeat(100), { maxBytes: 100 });
    assert.equal(result.ok, false);
    assert.equal(!result.ok && result.tooLarge, true);
  });
});

describe('parseJson', () => {
  const text = lines(
    '{', // 1
    '  "type": "object",', // 2
    '  "required": ["member_id", "points"],', // 3
    '  "properties": {', // 4
    '    "member_id": {', // 5
    '      "type": "string", "x-pii": false', // 6
    '    },', // 7
    '    "points": { "type": "integer" }', // 8
    '  }', // 9
    '}', // 10
  );

  it('returns the value and maps key paths to lines', () => {
    const result = parseJson(text);
    assert.ok(result.ok);
    assert.deepEqual((result.value as { required: string[] }).required, ['member_id', 'points']);
    assert.equal(result.lineOf(['properties', 'member_id']), 5);
    assert.equal(result.lineOf(['properties', 'member_id', 'x-pii']), 6);
    assert.equal(result.lineOf(['properties', 'points', 'type']), 8);
    assert.equal(result.lineOf(['required', 1]), 3);
    assert.equal(result.lineOf([]), 1);
    assert.equal(result.lineOf(['nope']), null);
  });

  it('reads a file that starts with a UTF-8 byte order mark, lines unchanged', () => {
    const result = parseJson(`\uFEFF${text}`);
    assert.ok(result.ok, result.ok ? '' : result.error);
    assert.deepEqual((result.value as { required: string[] }).required, ['member_id', 'points']);
    assert.equal(result.lineOf(['properties', 'points', 'type']), 8);
  });

  it('reports the line of a syntax error', () => {
    const cases: [string, number][] = [
      [lines('{', '  "a": 1,', '  "b": ', '}'), 4],
      [lines('{', '  "a": 1,', '}'), 3],
      [lines('{', '  "a": 1', '  "b": 2', '}'), 3],
      [lines('{', "  'a': 1", '}'), 2],
      [lines('[1, 2,', '', '  3', ''), 5],
      [lines('{"a": 1}', 'trailing'), 2],
      ['{"a": "unterminated\n}', 1],
    ];
    for (const [input, line] of cases) {
      const result = parseJson(input);
      assert.equal(result.ok, false, input);
      assert.equal(!result.ok && result.line, line, input);
    }
  });

  it('refuses deep nesting and files over the size limit', () => {
    const deep = parseJson('['.repeat(100_000) + ']'.repeat(100_000));
    assert.equal(deep.ok, false);
    assert.match(!deep.ok ? deep.error : '', /Nesting deeper than 128/);
    assert.equal(parseJson('['.repeat(100) + ']'.repeat(100)).ok, true);
    const big = parseJson(`[${'1,'.repeat(100)}1]`, { maxBytes: 50 });
    assert.equal(!big.ok && big.tooLarge, true);
  });
});
