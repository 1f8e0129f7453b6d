// GitHub's documented CODEOWNERS examples (docs.github.com, "About code owners"), as matches.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isListedOwner, ownersOf, parseCodeowners } from '../../src/github/codeowners.js';

const FILE = `
# Default owners for everything in the repo.
*       @global-owner1 @global-owner2
*.js    @js-owner #This is an inline comment.
*.go docs@example.com
/build/logs/ @doctocat
docs/*  docs@example.com
apps/ @octocat
/docs/ @doctocat
/scripts/ @doctocat @octocat
**/logs @octocat
/apps/ @octocat
/apps/github
!negated @nobody
`;

describe('CODEOWNERS', () => {
  const rules = parseCodeowners(FILE);
  const owners = (path: string) => ownersOf(rules, path);

  it('takes the last matching line, as GitHub does', () => {
    assert.deepEqual(owners('README.md'), ['@global-owner1', '@global-owner2']);
    assert.deepEqual(owners('src/app.js'), ['@js-owner']);
    assert.deepEqual(owners('build/logs/x.txt'), ['@octocat'], '**/logs comes later than /build/logs/');
    assert.deepEqual(owners('scripts/deploy.sh'), ['@doctocat', '@octocat']);
    assert.deepEqual(owners('apps/web/index.ts'), ['@octocat']);
  });

  it('docs/* owns files directly in docs only; a line with no owners leaves the path unowned', () => {
    assert.deepEqual(owners('docs/getting-started.md'), ['@doctocat'], '/docs/ is later and covers it');
    assert.deepEqual(ownersOf(parseCodeowners('docs/* @writer\n'), 'docs/guides/deep.md'), []);
    assert.deepEqual(ownersOf(parseCodeowners('docs/* @writer\n'), 'docs/a.md'), ['@writer']);
    assert.deepEqual(owners('apps/github/x.ts'), []);
    assert.deepEqual(ownersOf(parseCodeowners('apps/ @octocat\n'), 'services/apps/x.ts'), ['@octocat'], 'an unanchored directory matches at any depth');
  });

  it('names a login among the owners case-insensitively, and never a team or an address', () => {
    assert.equal(isListedOwner(['@OctoCat', '@org/team'], 'octocat'), true);
    assert.equal(isListedOwner(['@org/octocat'], 'octocat'), false);
    assert.equal(isListedOwner(['octocat@example.com'], 'octocat'), false);
  });
});
