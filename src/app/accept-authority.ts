// Who may accept a risk (review-output.md §11.7): a repository admin, or a code owner of the
// finding's file who did not open the pull request. CODEOWNERS is read from the default branch, as
// the gate's configuration is, so a pull request cannot make its author an owner. Anything that
// cannot be read or checked refuses: an acceptance lets a Critical finding through the gate.
import type { GitHubApi } from '../github/api.js';
import { CODEOWNERS_PATHS, isTeamOwner, isUserOwner, MAX_CODEOWNERS_BYTES, ownersOf, parseCodeOwners } from '../github/codeowners.js';
import { codeSpan } from '../render/markdown.js';

export type Authority = { ok: true; via: string } | { ok: false; reason: string };

export interface AcceptRequest {
  owner: string;
  repo: string;
  number: number;
  defaultBranch: string;
  login: string;
  admin: boolean;
  /**
   * The pull request's author: GitHub does not let a code owner approve their own pull request
   * either. Unknown (null) refuses everyone but admins.
   */
  author: string | null;
  path: string;
}

/** Team memberships checked per acceptance, so a CODEOWNERS line cannot fan out into many requests. */
const MAX_TEAM_CHECKS = 10;

const CODEOWNERS_QUERY = `query CodeOwners($owner: String!, $name: String!, $a: String!, $b: String!, $c: String!) {
  repository(owner: $owner, name: $name) {
    a: object(expression: $a) { ... on Blob { text byteSize isTruncated } }
    b: object(expression: $b) { ... on Blob { text byteSize isTruncated } }
    c: object(expression: $c) { ... on Blob { text byteSize isTruncated } }
  }
}`;

type BlobNode = { text: string | null; byteSize: number; isTruncated: boolean } | null;

const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();
// Owners in code spans: a refusal must not notify a whole team.
const quoted = (owners: string[]) => owners.slice(0, 5).map(codeSpan).join(', ') + (owners.length > 5 ? ` and ${owners.length - 5} more` : '');

export async function acceptAuthority(api: GitHubApi, request: AcceptRequest): Promise<Authority> {
  if (request.admin) return { ok: true, via: 'repository admin' };
  const needs = 'accepting a risk needs a repository admin or a code owner of the file';
  if (request.author === null || same(request.author, request.login)) {
    return { ok: false, reason: `${needs} other than the pull request's author.` };
  }
  const expression = (path: string) => `refs/heads/${request.defaultBranch}:${path}`;
  const data = await api.graphql<{ repository: { a: BlobNode; b: BlobNode; c: BlobNode } }>(CODEOWNERS_QUERY, {
    owner: request.owner,
    name: request.repo,
    a: expression(CODEOWNERS_PATHS[0]),
    b: expression(CODEOWNERS_PATHS[1]),
    c: expression(CODEOWNERS_PATHS[2]),
  });
  // A folder or submodule at one of the paths is an object too, but not a file GitHub would read.
  const nodes = [data.repository.a, data.repository.b, data.repository.c];
  const found = nodes.findIndex((node) => node !== null && 'byteSize' in node);
  if (found < 0) return { ok: false, reason: `${needs}, and \`${request.defaultBranch}\` has no CODEOWNERS file.` };
  const where = `${CODEOWNERS_PATHS[found]} on \`${request.defaultBranch}\``;
  const blob = nodes[found]!;
  if (blob.isTruncated || blob.text === null || blob.byteSize > MAX_CODEOWNERS_BYTES) {
    return { ok: false, reason: `${needs}, and ${where} is too large to read (GitHub itself ignores one over 3 MB).` };
  }
  if (typeof blob.text !== 'string') return { ok: false, reason: `${needs}, and ${where} could not be read.` };
  const rule = ownersOf(parseCodeOwners(blob.text), request.path);
  if (rule && !rule.readable) {
    return { ok: false, reason: `${needs}, and ${where} line ${rule.line}, which may own ${codeSpan(request.path)}, uses syntax GitHub does not support.` };
  }
  if (!rule || rule.owners.length === 0) return { ok: false, reason: `${needs}, and ${codeSpan(request.path)} has no code owner in ${where}.` };
  const users = rule.owners.filter(isUserOwner);
  if (users.some((u) => same(u.slice(1), request.login))) return notAContributor(api, request, `code owner (${where} line ${rule.line})`);

  // A team owns only within its own organisation and only with write access to the repository, as
  // GitHub requires of CODEOWNERS teams. Both checks need the App's organisation Members (read)
  // permission; GitHub answers 404 for a non-member, a team without access and an invisible team alike.
  const teams = rule.owners.filter((o) => isTeamOwner(o) && same(o.slice(1, o.indexOf('/')), request.owner));
  let unchecked = 0;
  for (const team of teams.slice(0, MAX_TEAM_CHECKS)) {
    const slug = team.slice(team.indexOf('/') + 1);
    try {
      const member = await api.request<{ state?: string }>('GET /orgs/{org}/teams/{team_slug}/memberships/{username}', {
        org: request.owner,
        team_slug: slug,
        username: request.login,
      });
      if (member.data.state !== 'active') continue;
      const access = await api.request<{ permissions?: { push?: boolean } }>('GET /orgs/{org}/teams/{team_slug}/repos/{owner}/{repo}', {
        org: request.owner,
        team_slug: slug,
        owner: request.owner,
        repo: request.repo,
        headers: { accept: 'application/vnd.github.v3.repository+json' },
      });
      if (access.data.permissions?.push === true) return notAContributor(api, request, `code owner through ${codeSpan(team)} (${where} line ${rule.line})`);
    } catch (error) {
      if ((error as { status?: number }).status !== 404) unchecked++;
    }
  }
  const note = unchecked > 0 ? ` ${unchecked} team membership${unchecked === 1 ? '' : 's'} could not be checked (the App needs the organisation's Members read permission).` : '';
  const skipped = teams.length > MAX_TEAM_CHECKS ? ` Only the first ${MAX_TEAM_CHECKS} teams were checked.` : '';
  return { ok: false, reason: `${needs}; ${where} line ${rule.line} gives ${codeSpan(request.path)} to ${quoted(rule.owners)}.${note}${skipped}` };
}

/** GitHub lists at most this many commits of a pull request. */
const MAX_LISTED_COMMITS = 250;

/**
 * A code owner who authored or committed any of the pull request's commits is reviewing their own
 * work, like the author (GitHub's "approval of the most recent push" protects the same thing).
 * Commits GitHub does not list, or a list that cannot be read, refuse.
 */
async function notAContributor(api: GitHubApi, request: AcceptRequest, via: string): Promise<Authority> {
  const own = 'accepting a risk needs a repository admin or a code owner of the file who did not author or commit any of this pull request\'s commits';
  let seen = 0;
  for (let page = 1; page <= 3; page++) {
    const res = await api.request<{ author: { login: string } | null; committer: { login: string } | null }[]>(
      'GET /repos/{owner}/{repo}/pulls/{pull_number}/commits',
      { owner: request.owner, repo: request.repo, pull_number: request.number, per_page: 100, page },
    );
    for (const commit of res.data) {
      if ([commit.author?.login, commit.committer?.login].some((login) => login !== undefined && same(login, request.login))) {
        return { ok: false, reason: `${own}; @${request.login} did.` };
      }
    }
    seen += res.data.length;
    if (res.data.length < 100 && seen < MAX_LISTED_COMMITS) return { ok: true, via };
    if (res.data.length < 100) break;
  }
  return { ok: false, reason: `${own}, and this one has more commits than GitHub lists (${seen}, at most ${MAX_LISTED_COMMITS}), so that cannot be checked.` };
}
