// The refusals the App test does not reach: an unreadable CODEOWNERS, a team the App cannot check,
// an owner in another organisation, an e-mail owner.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { acceptAuthority, type AcceptRequest } from '../../src/app/accept-authority.js';
import type { GitHubApi } from '../../src/github/api.js';

type Blob = { text: string | null; byteSize: number; isTruncated: boolean } | null;

function fakeApi(
  blobs: { a?: Blob; b?: Blob; c?: Blob },
  membership: (team: string) => number,
  commits: { author: string; committer: string }[] = [{ author: 'someone', committer: 'someone' }],
): { api: GitHubApi; teams: string[]; expressions: string[] } {
  const teams: string[] = [];
  const expressions: string[] = [];
  const api = {
    graphql: async (_query: string, vars?: Record<string, unknown>) => {
      expressions.push(String(vars?.a), String(vars?.b), String(vars?.c));
      return { repository: { a: blobs.a ?? null, b: blobs.b ?? null, c: blobs.c ?? null } };
    },
    request: async (route: string, params?: Record<string, unknown>) => {
      if (route.endsWith('/commits')) {
        const page = Number(params?.page ?? 1);
        const data = commits.slice((page - 1) * 100, page * 100).map((c) => ({ author: { login: c.author }, committer: { login: c.committer } }));
        return { data, status: 200, headers: {} };
      }
      const team = String(params?.team_slug);
      if (route.includes('/repos/')) return { data: { permissions: { push: team !== 'readers' } }, status: 200, headers: {} };
      teams.push(team);
      const status = membership(team);
      if (status !== 200) throw Object.assign(new Error(`status ${status}`), { status });
      return { data: { state: 'active' }, status: 200, headers: {} };
    },
  } as unknown as GitHubApi;
  return { api, teams, expressions };
}

const ask: AcceptRequest = { owner: 'acme', repo: 'shop', number: 7, defaultBranch: 'main', login: 'dev', admin: false, author: 'someone', path: 'services/orders/a.ts' };
const text = (t: string): Blob => ({ text: t, byteSize: t.length, isTruncated: false });

describe('acceptAuthority', () => {
  it('reads CODEOWNERS from the default branch by full ref, in GitHub\'s order', async () => {
    const fake = fakeApi({ b: text('* @dev\n'), c: text('* @nobody\n') }, () => 404);
    assert.deepEqual(await acceptAuthority(fake.api, ask), { ok: true, via: 'code owner (CODEOWNERS on `main` line 1)' });
    assert.deepEqual(fake.expressions, ['refs/heads/main:.github/CODEOWNERS', 'refs/heads/main:CODEOWNERS', 'refs/heads/main:docs/CODEOWNERS']);
  });

  it('an admin needs no CODEOWNERS; the author needs to be an admin', async () => {
    const fake = fakeApi({}, () => 404);
    assert.equal((await acceptAuthority(fake.api, { ...ask, admin: true, author: 'dev' })).ok, true);
    const own = await acceptAuthority(fake.api, { ...ask, author: 'DEV' });
    assert.equal(own.ok, false);
    assert.deepEqual(fake.expressions, [], 'refused before anything is read');
  });

  it('refuses a file GitHub cut short', async () => {
    const result = await acceptAuthority(fakeApi({ a: { text: null, byteSize: 4_000_000, isTruncated: true } }, () => 200).api, ask);
    assert.deepEqual(result, { ok: false, reason: 'accepting a risk needs a repository admin or a code owner of the file, and .github/CODEOWNERS on `main` is too large to read (GitHub itself ignores one over 3 MB).' });
  });

  it('checks teams of the repository\'s organisation only, and says when it could not check one', async () => {
    const fake = fakeApi({ a: text('services/ @acme/payments @acme/orders @elsewhere/orders ops@acme.example\n') }, (team) => (team === 'payments' ? 403 : 404));
    const result = await acceptAuthority(fake.api, ask);
    assert.deepEqual(fake.teams, ['payments', 'orders']);
    assert.equal(result.ok, false);
    assert.match((result as { reason: string }).reason, /line 1 gives `services\/orders\/a\.ts` to `@acme\/payments`, `@acme\/orders`, `@elsewhere\/orders`, `ops@acme\.example`\. 1 team membership could not be checked \(the App needs the organisation's Members read permission\)\.$/);
  });

  it('a team counts only with write access to the repository; an unknown author refuses', async () => {
    const readers = await acceptAuthority(fakeApi({ a: text('services/ @acme/readers\n') }, () => 200).api, ask);
    assert.equal(readers.ok, false);
    const writers = await acceptAuthority(fakeApi({ a: text('services/ @acme/writers\n') }, () => 200).api, ask);
    assert.deepEqual(writers, { ok: true, via: 'code owner through `@acme/writers` (.github/CODEOWNERS on `main` line 1)' });
    assert.equal((await acceptAuthority(fakeApi({ a: text('services/ @dev\n') }, () => 200).api, { ...ask, author: null })).ok, false);
  });

  it('a folder where CODEOWNERS should be, or an unreadable last line, refuses', async () => {
    const folder = await acceptAuthority(fakeApi({ a: {} as Blob, b: text('* @dev\n') }, () => 200).api, ask);
    assert.deepEqual(folder, { ok: true, via: 'code owner (CODEOWNERS on `main` line 1)' }, 'a folder is not the file: the next location is');
    const unreadable = await acceptAuthority(fakeApi({ a: text('* @dev\nservices/ @acme/ops @bad_user!\n') }, () => 200).api, ask);
    assert.match((unreadable as { reason: string }).reason, /line 2, which may own `services\/orders\/a\.ts`, uses syntax GitHub does not support\.$/);
  });

  it('a code owner who committed to the pull request, or a list GitHub cuts, refuses', async () => {
    const committed = await acceptAuthority(fakeApi({ a: text('* @dev\n') }, () => 200, [{ author: 'someone', committer: 'someone' }, { author: 'someone', committer: 'DEV' }]).api, ask);
    assert.deepEqual(committed, { ok: false, reason: "accepting a risk needs a repository admin or a code owner of the file who did not author or commit any of this pull request's commits; @dev did." });
    const many = Array.from({ length: 250 }, () => ({ author: 'someone', committer: 'someone' }));
    const cut = await acceptAuthority(fakeApi({ a: text('* @dev\n') }, () => 200, many).api, ask);
    assert.match((cut as { reason: string }).reason, /more commits than GitHub lists \(250, at most 250\)/);
    const fine = await acceptAuthority(fakeApi({ a: text('* @dev\n') }, () => 200, many.slice(0, 249)).api, ask);
    assert.equal(fine.ok, true);
  });

  it('a path no line owns, or a line without owners, refuses', async () => {
    const unowned = await acceptAuthority(fakeApi({ a: text('docs/ @dev\nservices/orders/\n') }, () => 200).api, ask);
    assert.match((unowned as { reason: string }).reason, /`services\/orders\/a\.ts` has no code owner in \.github\/CODEOWNERS on `main`\.$/);
  });
});
