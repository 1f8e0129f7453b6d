import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { maskInline } from '../../src/artifacts/prose.js';
import {
  compilePattern,
  compileVocabulary,
  criterionStatus,
  escapeVocabulary,
  findCriteria,
  firstVocabularyMatch,
  isNamedState,
  isNegated,
  matchVocabulary,
  testVocabulary,
  wordsOf,
} from '../../src/artifacts/vocabulary.js';

/** The matched texts of one pattern in a text. */
const hits = (pattern: string, text: string) => matchVocabulary(text, compileVocabulary([pattern])).map((m) => m.text);
const matches = (pattern: string, text: string) => hits(pattern, text).length > 0;

describe('vocabulary matching (rules.md §3, CHANGES.md item 9)', () => {
  it('is case-insensitive', () => {
    assert.deepEqual(hits('alert when', 'ALERT WHEN lag grows'), ['ALERT WHEN']);
    assert.deepEqual(hits('TBD', 'owner tbd'), ['tbd']);
  });

  it('`ack` does not match inside "tracking", "backoff" or "rollback"', () => {
    for (const text of ['tracking', 'backoff', 'rollback', 'slack', 'acknowledge', 'acked']) {
      assert.equal(matches('ack', text), false, text);
    }
    assert.deepEqual(hits('ack', 'we ack, then ACK again'), ['ack', 'ACK']);
  });

  it('`page on` does not match "page on-call"; `alert on` does not match "alert once"', () => {
    assert.equal(matches('page on', 'page on-call first'), false);
    assert.equal(matches('page (if|when|on)', 'page on-call first'), false);
    assert.deepEqual(hits('page on', 'page on errors'), ['page on']);
    assert.equal(matches('alert on', 'alert once per hour'), false);
    assert.equal(matches('alert (if|when|on)', 'we alert once per hour'), false);
    assert.deepEqual(hits('alert (if|when|on)', 'alert on lag above 5 s'), ['alert on']);
  });

  it('the `if` of `stop .{0,20}(when|if)` does not match inside "classify" or "verify"', () => {
    assert.equal(matches('stop .{0,20}(when|if)', 'stop the job and classify'), false);
    assert.equal(matches('stop .{0,20}(when|if)', 'stop and verify it'), false);
    // The engine backtracks to the real word instead of giving up on the first candidate.
    assert.deepEqual(hits('stop .{0,20}(when|if)', 'stop the relay when verifying'), ['stop the relay when']);
    assert.deepEqual(hits('stop .{0,20}(when|if)', 'stop redrive if errors rise'), ['stop redrive if']);
  });

  it('the reference phrase `per` does not match inside "upper" or "per-key"', () => {
    assert.equal(matches('per', 'upper bound'), false);
    assert.equal(matches('per', 'per-key ordering'), false);
    assert.equal(matches('per', 'paper'), false);
    assert.deepEqual(hits('per', 'per the runbook'), ['per']);
  });

  it('hyphens and apostrophes inside a word belong to it', () => {
    assert.equal(matches('on', 'page on-call'), false);
    assert.equal(matches('call', 'page on-call'), false, 'a match cannot start after an inner hyphen');
    assert.deepEqual(hits('on-call', 'page on-call'), ['on-call']);
    assert.equal(matches('don', "don't"), false);
    assert.deepEqual(hits("don't", "we don't, we don’t"), ["don't", 'don’t'], 'straight and curly apostrophes match each other');
    assert.deepEqual(hits('at-least-once', 'delivery is at-least-once.'), ['at-least-once']);
  });

  it('a match starts at a word start', () => {
    assert.equal(matches('commit', 'recommit'), false);
    assert.equal(matches('reject', 'unrejected'), false);
    assert.deepEqual(hits('commit', '(commit first)'), ['commit']);
  });

  it('final words of four or more characters may run on (stems and inflections)', () => {
    assert.deepEqual(hits('reject', 'Rejected because'), ['Reject']);
    assert.deepEqual(hits('partition', 'partitions per member'), ['partition']);
    assert.deepEqual(hits('justif', 'the justification'), ['justif']);
    assert.deepEqual(hits('isolat', 'tenant isolation'), ['isolat']);
    assert.deepEqual(hits('cost', 'costly'), ['cost']);
  });

  it('final words of three characters or fewer must end at a word end', () => {
    assert.equal(matches('job', 'jobs'), false);
    assert.equal(matches('not', 'nothing'), false);
    assert.equal(matches('no', 'no-go'), false);
    assert.equal(matches('min', 'minimum'), false);
    assert.deepEqual(hits('n/a', 'Glossary: n/a.'), ['n/a']);
    assert.equal(matches('n/a', 'n/ab'), false);
    assert.deepEqual(hits('(redrive|replay) (all|everything|the whole)', 'redrive allowed; redrive all of it'), ['redrive all']);
  });

  it('counts a word that starts before a group: `retr(y|ies)` ends in a five-letter word', () => {
    assert.deepEqual(hits('retr(y|ies) (forever|indefinitely)', 'we retry forever; it retries indefinitely'), [
      'retry forever',
      'retries indefinitely',
    ]);
    assert.deepEqual(hits('retr(y|ies)', 'retrying'), ['retry'], 'a five-letter final word is a stem');
  });

  it('handles optional final items (`exceeds?`, `offsets?`)', () => {
    assert.deepEqual(hits('exceeds?', 'it exceeds'), ['exceeds']);
    assert.deepEqual(hits('commit (the )?offsets?', 'commit offsets first, commit the offset'), ['commit offsets', 'commit the offset']);
    assert.deepEqual(hits('acks?', 'acks and ack'), ['acks', 'ack']);
    assert.equal(matches('acks?', 'ackley'), false);
  });

  it('an explicit `\\b` or lookahead keeps its meaning', () => {
    assert.deepEqual(hits('\\b(later|tbd|todo|to be decided|n/a|not sure)\\b', 'later, then TBD'), ['later', 'TBD']);
    assert.equal(matches('\\b(later)\\b', 'latest'), false);
    assert.deepEqual(hits('retr(?=y)', 'retry'), ['retr']);
  });

  it('a final character class is not a literal word: `over\\s*\\d` matches "over 50"', () => {
    assert.deepEqual(hits('(above|over)\\s*\\d', 'over 50 ms, above 300'), ['over 5', 'above 3']);
    assert.equal(matches('(above|over)\\s*\\d', 'hangover 5'), false);
  });

  it('accepts RegExp objects, a leading (?i), and escaped literals', () => {
    const vocab = compileVocabulary([/isolat|schema per|per-tenant/i, '(?i)quota', escapeVocabulary('e.g.')]);
    assert.deepEqual(
      matchVocabulary('schema per tenant, e.g. quotas', vocab).map((m) => m.text),
      ['schema per', 'e.g.', 'quota'],
    );
    assert.equal(testVocabulary('schema per-tenant', compileVocabulary(['schema per'])), false);
    assert.equal(testVocabulary('egg', compileVocabulary([escapeVocabulary('e.g.')])), false);
  });

  it('keeps alternation inside groups and classes intact', () => {
    assert.ok(matches('auto[- ]?commit', 'auto-commit'));
    assert.ok(matches('auto[- ]?commit', 'autocommit'));
    assert.ok(matches('roll ?back (when|if|on)', 'rollback when p99 grows'));
    assert.ok(matches('(?:fail ?over) (?<cond>when|if)', 'failover if the region dies'));
    assert.ok(matches('\\d+\\s*(msg/s|/s|per second|messages per)', 'at 20 msg/s'));
    assert.ok(matches('\\d+\\s*(msg/s|/s|per second|messages per)', 'at 20 per second'));
    assert.equal(matches('\\d+\\s*(msg/s|/s)', '20 msg/sec'), false);
  });

  it('reports positions, and respects a range', () => {
    const vocab = compileVocabulary(['alert', 'lag']);
    const all = matchVocabulary('alert on lag, alert', vocab);
    assert.deepEqual(all.map((m) => [m.text, m.index, m.end, m.pattern]), [
      ['alert', 0, 5, 0],
      ['lag', 9, 12, 1],
      ['alert', 14, 19, 0],
    ]);
    assert.deepEqual(matchVocabulary('alert on lag, alert', vocab, { from: 1, to: 13 }).map((m) => m.text), ['lag']);
    assert.equal(firstVocabularyMatch('nothing here', vocab), null);
  });

  it('never matches inside a masked code span or link destination', () => {
    const unit = maskInline('Publish to `orders.ack.v1` per [the runbook](../runbooks/per-ack.md)');
    assert.equal(testVocabulary(unit, compileVocabulary(['ack'])), false);
    assert.equal(testVocabulary(unit, compileVocabulary(['orders'])), false);
    assert.deepEqual(matchVocabulary(unit, compileVocabulary(['per', 'runbook'])).map((m) => m.text), ['per', 'runbook']);
  });

  it('throws on an invalid pattern', () => {
    assert.throws(() => compilePattern('(unclosed'));
    assert.throws(() => compilePattern('closed)'));
  });
});

describe('wordsOf', () => {
  it('splits into rules.md §3 words', () => {
    assert.deepEqual(
      wordsOf("page on-call, at-least-once; don't 2026-06-16 snake_case").map((w) => w.word),
      ['page', 'on-call', 'at-least-once', "don't", '2026-06-16', 'snake_case'],
    );
  });
});

describe('negation window (rules.md §3)', () => {
  const at = (text: string, phrase: string) => text.indexOf(phrase);

  it('finds a negation word within the six words before the match', () => {
    const text = 'We never publish after the commit';
    assert.equal(isNegated(text, at(text, 'publish')), true);
    const far = 'No need to worry because one two three four five six we publish after commit';
    assert.equal(isNegated(far, at(far, 'publish')), false, 'seven words away is outside the window');
  });

  it('knows the two-word phrases and the stems', () => {
    const doNot = 'We do not write then publish';
    assert.equal(isNegated(doNot, at(doNot, 'write')), true);
    const instead = 'Use an outbox instead of commit then publish';
    assert.equal(isNegated(instead, at(instead, 'commit')), true);
    const prevents = 'The relay prevents the write then publish race';
    assert.equal(isNegated(prevents, at(prevents, 'write')), true);
  });

  it('is not fooled by words that merely contain a negation', () => {
    const text = 'Nothing notable: another write then publish';
    assert.equal(isNegated(text, at(text, 'write')), false);
    const nogo = 'On a no-go we write then publish';
    assert.equal(isNegated(nogo, at(nogo, 'write')), false);
  });

  it('works on masked text', () => {
    const unit = maskInline('`no` write then publish');
    assert.equal(isNegated(unit, unit.text.indexOf('write')), false, 'a code span is not a negation');
  });
});

describe('concrete criterion (rules.md §3, CHANGES.md items 1-2)', () => {
  const status = (markdown: string) => criterionStatus(maskInline(markdown));
  const kinds = (markdown: string) => findCriteria(maskInline(markdown)).map((h) => `${h.kind}:${h.text}`);

  it('(a) a number with a unit, `%` included ("5% of members")', () => {
    assert.deepEqual(kinds('abort if drift exceeds 5% of members'), ['comparator:exceeds 5', 'number:5%']);
    assert.deepEqual(kinds('roll back at 99.5%'), ['number:99.5%']);
    assert.deepEqual(kinds('lag above 300 s for 10 minutes'), ['comparator:above 3', 'number:300 s', 'number:10 minutes']);
    assert.deepEqual(kinds('redrive at 20 msg/s'), ['number:20 msg/s']);
    assert.deepEqual(kinds('200ms, 3x, 40 rps, 5 errors, 2 events'), ['number:200ms', 'number:3x', 'number:40 rps', 'number:5 errors', 'number:2 events']);
  });

  it('(a) a unit must not run on into a letter or digit', () => {
    assert.equal(status('version 5 semantics'), 'none');
    assert.equal(status('ship 2 small fixes'), 'none');
    assert.equal(status('use 3 hosts'), 'none');
    assert.equal(status('v2 rollout'), 'none');
  });

  it('(b) a comparator followed by a number', () => {
    assert.deepEqual(kinds('alert when depth > 0'), ['comparator:> 0']);
    assert.deepEqual(kinds('at least 3 replicas'), ['comparator:at least 3']);
    assert.deepEqual(kinds('when more than 2 consumers fail'), ['comparator:more than 2']);
    assert.equal(status('the hangover 5'), 'none');
  });

  it('(c) a named state in the prose or as the whole content of a code span', () => {
    assert.deepEqual(kinds('fail over when the breaker is HALF_OPEN'), ['state:HALF_OPEN']);
    assert.deepEqual(kinds('degrade when the region is `DEGRADED`'), ['state:DEGRADED']);
    assert.deepEqual(kinds('pause while `PAUSED`.'), ['state:PAUSED']);
  });

  it('(c) acronyms of the stop list, short words and other code spans are not states', () => {
    assert.equal(status('alert on DLQ growth and SLO burn'), 'none');
    assert.equal(status('page when PII leaks past the API or TBD'), 'none');
    assert.equal(status('roll back if OK'), 'none', 'two letters');
    assert.equal(status('flip `loyalty-awards-beta` off'), 'none', 'a flag name is not a state');
    assert.equal(status('watch `loyalty/consumer-health`'), 'none', 'a dashboard id is not a state');
    assert.equal(status('stop on NO-GO'), 'none', 'a hyphenated word is not made only of letters, digits and _');
    assert.equal(status('alert on `DEGRADED state`'), 'none', 'the code span must be exactly the state');
  });

  it('nothing counts inside code spans or link destinations', () => {
    assert.equal(status('publish to `loyalty.points-awarded.v1` quickly'), 'none');
    assert.equal(status('see [the runbook](../runbooks/5-min-redrive.md)'), 'none');
    assert.equal(status('Roll back when `error_rate > 2%`'), 'none');
  });

  it('(d) an explicit <TBD: ...> is a criterion of its own kind', () => {
    assert.equal(status('abort when <TBD: SRE picks the error budget>'), 'tbd');
    assert.equal(status('abort when <TBD>'), 'none', 'a bare placeholder is no criterion');
    assert.equal(status('abort when <TBD: budget> or above 5%'), 'concrete');
  });

  it('isNamedState', () => {
    assert.equal(isNamedState('HALF_OPEN'), true);
    assert.equal(isNamedState('OPEN'), true);
    assert.equal(isNamedState('P99'), false);
    assert.equal(isNamedState('Degraded'), false);
    assert.equal(isNamedState('RTO'), false);
  });
});
