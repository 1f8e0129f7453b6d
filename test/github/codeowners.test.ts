import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ownersOf, parseCodeOwners } from '../../src/github/codeowners.js';

// The patterns of GitHub's documented example CODEOWNERS file, in its order.
const EXAMPLE = [
  '# Global owners, unless a later match takes precedence.',
  '*       @global-owner1 @global-owner2',
  '*.js    @js-owner #This is an inline comment.',
  '*.go docs@example.com',
  '*.txt @octo-org/octocats',
  '/build/logs/ @doctocat',
  'docs/*  docs@example.com',
  'apps/ @octocat',
  '/docs/ @doctocat',
  '/scripts/ @doctocat @octocat',
  '**/logs @octocat',
  '/apps/ @octocat',
  '/apps/github',
].join('\n');

const owners = (text: string, path: string) => ownersOf(parseCodeOwners(text), path)?.owners ?? null;

describe('CODEOWNERS', () => {
  it('follows GitHub\'s documented example, the last matching line winning', () => {
    assert.deepEqual(owners(EXAMPLE, 'README.md'), ['@global-owner1', '@global-owner2']);
    assert.deepEqual(owners(EXAMPLE, 'src/index.js'), ['@js-owner']);
    assert.deepEqual(owners(EXAMPLE, 'cmd/main.go'), ['docs@example.com']);
    assert.deepEqual(owners(EXAMPLE, 'notes/a.txt'), ['@octo-org/octocats']);
    assert.deepEqual(owners(EXAMPLE, 'build/logs/today.log'), ['@octocat'], '**/logs comes later and also matches');
    assert.deepEqual(owners(EXAMPLE, 'services/apps/x.ts'), ['@octocat'], 'apps/ matches an apps folder anywhere');
    assert.deepEqual(owners(EXAMPLE, 'docs/build-app/troubleshooting.md'), ['@doctocat'], '/docs/ owns nested files');
    assert.deepEqual(owners(EXAMPLE, 'scripts/deploy/run.sh'), ['@doctocat', '@octocat']);
    assert.deepEqual(owners(EXAMPLE, 'deeply/nested/logs/a.log'), ['@octocat']);
    assert.deepEqual(owners(EXAMPLE, 'apps/github/server.ts'), [], 'a line without owners leaves the path unowned');
    assert.deepEqual(owners(EXAMPLE, 'apps/web/server.ts'), ['@octocat']);
  });

  it('docs/* owns the folder\'s own files only', () => {
    const text = 'docs/* @writer';
    assert.deepEqual(owners(text, 'docs/getting-started.md'), ['@writer']);
    assert.equal(owners(text, 'docs/build-app/troubleshooting.md'), null);
    assert.equal(owners(text, 'src/docs/a.md'), null, 'a slash inside anchors the pattern at the root');
  });

  it('keeps lines it cannot read as unknown owners, so an earlier broader line never stands in', () => {
    const parsed = parseCodeOwners('# header\n!secrets/ @a\n[Ab]pp/ @b\nsrc/\\#x @c\nsrc/ not-an-owner!\nlib/ @lib-team\nteams/ @acme/..\n');
    assert.deepEqual(parsed.rules.map((r) => [r.line, r.readable]), [[2, false], [3, false], [4, false], [5, false], [6, true], [7, false]]);
    const text = '* @alice\n/secure/ @acme/security @bad_user!\n';
    const rule = ownersOf(parseCodeOwners(text), 'secure/x.ts')!;
    assert.deepEqual([rule.line, rule.readable], [2, false]);
    assert.equal(ownersOf(parseCodeOwners('* @alice\n[Ss]ecure/ @sec\n'), 'secure/x.ts')!.readable, false, 'a range is matched loosely');
    assert.deepEqual(owners('* @alice\n[Ss]ecure/ @sec\n', 'public/x.ts'), ['@alice']);
  });

  it('a wildcard pattern may name folders too, except a bare trailing *', () => {
    assert.deepEqual(owners('* @alice\n/secure* @acme/security\n', 'secure-lib/x.ts'), ['@acme/security']);
    assert.deepEqual(owners('* @alice\n*.d @d\n', 'conf.d/a.conf'), ['@d']);
    assert.deepEqual(owners('* @alice\ndocs/* @w\n', 'docs/deep/a.md'), ['@alice']);
  });

  it('matches hostile patterns against long paths without backtracking', () => {
    // As a regular expression, (.*a){12}.*b against 4,000 a's would not return in this test's lifetime.
    const text = `${'**a'.repeat(12)}**b @x\n`;
    assert.equal(owners(text, 'a'.repeat(4_000)), null);
    assert.deepEqual(owners(text, `${'a'.repeat(4_000)}b`), ['@x']);
  });
});
