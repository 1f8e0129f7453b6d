// A local GitHub for tests: REST under /api/v3 and GraphQL under /api/graphql, as GitHub Enterprise
// Server lays them out (so the App reaches it through GHE_HOST). It verifies the App's RS256 JWT,
// issues installation tokens, serves pull requests from fixture repositories, validates every
// request against the schemas cut from GitHub's OpenAPI description (fixtures/github/) and its
// GraphQL queries against schema.graphql, enforces GitHub's documented limits, and counts requests.
// It answers over real HTTP (`listen`) or as an injected `fetch`.
import { Ajv } from 'ajv';
import { createHash, createPublicKey, verify, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { buildSchema, graphql, type GraphQLSchema } from 'graphql';
import { hunksFromPatch } from '../../src/git/diff.js';
import type { FixtureRepo, PullFile } from './fixture-repo.js';

const extract = JSON.parse(readFileSync(new URL('../../fixtures/github/openapi-extract.json', import.meta.url), 'utf8')) as {
  operations: Record<string, { method: string; path: string; query: Record<string, { required: boolean; schema: object }>; body: { required: boolean; schema: object } | null }>;
};
const SDL = readFileSync(new URL('./schema.graphql', import.meta.url), 'utf8');

/** Limits GitHub documents but the OpenAPI schemas do not carry. */
export const MAX_COMMENT_BODY = 65_536;

export interface RecordedRequest {
  method: string;
  /** OpenAPI operation id, or `graphql:<OperationName>`. */
  operation: string;
  status: number;
  installation: boolean;
}

export interface CheckRunRecord {
  id: number;
  repo: string;
  name: string;
  head_sha: string;
  external_id?: string;
  status: string;
  conclusion: string | null;
  output: { title?: string; summary?: string; text?: string };
  annotations: { path: string; start_line: number; end_line: number; annotation_level: string; title?: string; message: string }[];
  actions: unknown[];
  updates: number;
}

export interface CommentRecord {
  id: number;
  nodeId: string;
  body: string;
  login: string;
  reactions: string[];
  edits: number;
  /** Who edited it last (GitHub's `editor`); null while never edited. */
  editor: string | null;
}

export interface ThreadRecord {
  id: string;
  path: string;
  line: number;
  isResolved: boolean;
  comments: CommentRecord[];
}

export interface PullRecord {
  number: number;
  base: string;
  head: string;
  draft: boolean;
  title: string;
  body: string;
  state: 'open' | 'closed';
  /** Who opened it (the REST pull's `user.login`). */
  author: string;
  /** The pull request's commits as `pulls/list-commits` lists them: author and committer logins. */
  commits: { author: string | null; committer: string | null }[];
  comments: CommentRecord[];
  threads: ThreadRecord[];
  reviews: { id: number; commit_id: string; body: string; event: string; comments: number }[];
}

interface RepoRecord {
  owner: string;
  name: string;
  fixture: FixtureRepo;
  defaultBranch: string;
  branches: Map<string, string>;
  tags: Map<string, string>;
  collaborators: Map<string, { permission: string; role_name: string }>;
  pulls: Map<number, PullRecord>;
}

interface Fault {
  operation: string;
  status: number;
  headers?: Record<string, string>;
  message: string;
  times: number;
}

interface Reply {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
  /** Close the connection without an answer (an injected dropped connection). */
  drop?: boolean;
}

/** What a fault hook (faults.ts) asks the simulator to do with one request. */
export type InjectedFault =
  | { kind: 'status'; status: number; message: string; headers?: Record<string, string> }
  | { kind: 'delay'; ms: number }
  /** No answer: before (`after` false) the request is processed, or after it (the answer is lost). */
  | { kind: 'drop'; after: boolean; ms?: number };

export interface FaultRequest {
  method: string;
  /** OpenAPI operation id, or `graphql:<OperationName>`. */
  operation: string;
  path: string;
  body: string;
}

/** Optional: consulted for every authenticated request once it is routed (no hook: no faults). */
export type FaultHook = (request: FaultRequest) => InjectedFault | null | Promise<InjectedFault | null>;

class Dropped extends Error {}

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly extra: Record<string, unknown> = {},
    readonly headers: Record<string, string> = {},
    readonly injected = false,
  ) {
    super(message);
  }
}

interface Route {
  id: string;
  method: string;
  regex: RegExp;
  names: string[];
}

const ROUTES: Route[] = Object.entries(extract.operations).map(([id, op]) => {
  const names: string[] = [];
  const pattern = op.path.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{(\w+)\}/g, (_m, name: string) => {
    names.push(name);
    return '([^/]+)';
  });
  return { id, method: op.method, regex: new RegExp(`^${pattern}$`), names };
});

export interface SimulatorOptions {
  appId: number;
  appSlug: string;
  publicKeyPem: string;
}

export class GitHubSimulator {
  readonly appId: number;
  readonly appSlug: string;
  readonly requests: RecordedRequest[] = [];
  readonly checkRuns: CheckRunRecord[] = [];
  /** Every validation or limit failure, so a test can assert there were none. */
  readonly rejections: { operation: string; status: number; message: string }[] = [];
  readonly #publicKey: KeyObject;
  readonly #repos = new Map<string, RepoRecord>();
  /** `org/team-slug` (lower case) → member logins (lower case). */
  readonly #teams = new Map<string, Set<string>>();
  /** `org/team-slug:owner/repo` (lower case) → the team's permission on the repository. */
  readonly #teamAccess = new Map<string, 'pull' | 'triage' | 'push' | 'maintain' | 'admin'>();
  readonly #tokens = new Map<string, number>();
  readonly #faults: Fault[] = [];
  readonly #hooks: { operation: string; fn: () => void | Promise<void> }[] = [];
  readonly #ajv = new Ajv({ strict: false, allErrors: true, coerceTypes: true }).addFormat(
    'date-time',
    /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})$/,
  );
  readonly #schema: GraphQLSchema = buildSchema(SDL);
  #server: Server | undefined;
  #ids = 1000;
  /** Fault injection for chaos runs (test/simulator/faults.ts); null answers every request normally. */
  faultHook: FaultHook | null = null;

  constructor(options: SimulatorOptions) {
    this.appId = options.appId;
    this.appSlug = options.appSlug;
    this.#publicKey = createPublicKey(options.publicKeyPem);
  }

  // ---- set-up -----------------------------------------------------------------------------

  addRepo(owner: string, name: string, fixture: FixtureRepo, defaultBranchSha: string): void {
    this.#repos.set(`${owner}/${name}`, {
      owner,
      name,
      fixture,
      defaultBranch: 'main',
      branches: new Map([['main', defaultBranchSha]]),
      tags: new Map(),
      collaborators: new Map(),
      pulls: new Map(),
    });
  }

  /** A lightweight tag; short names in revision expressions resolve to it before a branch of that name. */
  addTag(owner: string, name: string, tag: string, sha: string): void {
    this.#repo(owner, name).tags.set(tag, sha);
  }

  setDefaultBranch(owner: string, name: string, sha: string): void {
    this.#repo(owner, name).branches.set(this.#repo(owner, name).defaultBranch, sha);
  }

  grantTeam(org: string, teamSlug: string, owner: string, name: string, permission: 'pull' | 'triage' | 'push' | 'maintain' | 'admin'): void {
    this.#teamAccess.set(`${org}/${teamSlug}:${owner}/${name}`.toLowerCase(), permission);
  }

  addTeamMember(org: string, teamSlug: string, login: string): void {
    const key = `${org}/${teamSlug}`.toLowerCase();
    const members = this.#teams.get(key) ?? new Set<string>();
    members.add(login.toLowerCase());
    this.#teams.set(key, members);
  }

  addCollaborator(owner: string, name: string, login: string, role: 'admin' | 'maintain' | 'write' | 'triage' | 'read'): void {
    const permission = role === 'maintain' ? 'write' : role === 'triage' ? 'read' : role;
    this.#repo(owner, name).collaborators.set(login, { permission, role_name: role });
  }

  openPull(owner: string, name: string, number: number, base: string, head: string, draft = false): PullRecord {
    const pull: PullRecord = { number, base, head, draft, title: `Pull request #${number}`, body: '', state: 'open', author: 'contributor', commits: [{ author: 'contributor', committer: 'contributor' }], comments: [], threads: [], reviews: [] };
    this.#repo(owner, name).pulls.set(number, pull);
    return pull;
  }

  pull(owner: string, name: string, number: number): PullRecord {
    const pull = this.#repo(owner, name).pulls.get(number);
    if (!pull) throw new Error(`no pull ${number}`);
    return pull;
  }

  /** Runs `fn` once, when the next request to `operation` arrives (to stage races deterministically). */
  onceOn(operation: string, fn: () => void | Promise<void>): void {
    this.#hooks.push({ operation, fn });
  }

  /** Someone with write access edits a comment in the browser (GitHub keeps the author; `editor` changes). */
  editCommentAs(owner: string, name: string, number: number, commentId: number, login: string, body: string): void {
    const c = this.pull(owner, name, number).comments.find((x) => x.id === commentId);
    if (!c) throw new Error(`no comment ${commentId}`);
    c.body = body;
    c.edits++;
    c.editor = login;
  }

  /** A comment a person wrote on the pull request (the one a webhook announces). */
  addUserComment(owner: string, name: string, number: number, login: string, body: string): number {
    const c = this.#comment(body, login);
    this.pull(owner, name, number).comments.push(c);
    return c.id;
  }

  /** The next `times` requests to `operation` fail with this status (rate limits, outages). */
  failNext(operation: string, fault: Omit<Fault, 'operation' | 'times'> & { times?: number }): void {
    this.#faults.push({ operation, times: fault.times ?? 1, ...fault });
  }

  /** Requests since `from` (an index into `requests`), without token exchanges. */
  countSince(from: number, filter: (r: RecordedRequest) => boolean = () => true): number {
    return this.requests.slice(from).filter((r) => r.operation !== 'apps/create-installation-access-token' && filter(r)).length;
  }

  // ---- transport ----------------------------------------------------------------------------

  async listen(): Promise<string> {
    this.#server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const headers: Record<string, string> = {};
        for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string') headers[k] = v;
        void this.handle(req.method ?? 'GET', new URL(req.url ?? '/', 'http://127.0.0.1'), headers, Buffer.concat(chunks).toString('utf8')).then((reply) => {
          if (reply.drop) {
            req.socket.destroy();
            return;
          }
          res.writeHead(reply.status, { 'content-type': 'application/json; charset=utf-8', ...(reply.headers ?? {}) });
          res.end(reply.status === 204 ? undefined : JSON.stringify(reply.body));
        });
      });
    });
    await new Promise<void>((resolve) => this.#server!.listen(0, '127.0.0.1', resolve));
    const { port } = this.#server.address() as AddressInfo;
    return `127.0.0.1:${port}`;
  }

  async close(): Promise<void> {
    if (this.#server) await new Promise<void>((resolve) => this.#server!.close(() => resolve()));
  }

  /** A `fetch` for Octokit's `request.fetch`: the same simulator without a socket. */
  readonly fetch = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const url = new URL(typeof input === 'string' ? input : input instanceof URL ? input.href : input.url);
    const headers: Record<string, string> = {};
    new Headers(init?.headers).forEach((v, k) => (headers[k] = v));
    const body = typeof init?.body === 'string' ? init.body : '';
    const reply = await this.handle(init?.method ?? 'GET', url, headers, body);
    if (reply.drop) throw new TypeError('fetch failed', { cause: new Error('other side closed') });
    return new Response(reply.status === 204 ? null : JSON.stringify(reply.body), {
      status: reply.status,
      headers: { 'content-type': 'application/json; charset=utf-8', ...(reply.headers ?? {}) },
    });
  };

  async handle(method: string, url: URL, headers: Record<string, string>, body: string): Promise<Reply> {
    let operation = `${method} ${url.pathname}`;
    let installation = false;
    try {
      if (url.pathname === '/api/graphql' && method === 'POST') {
        installation = this.#installationAuth(headers);
        const parsed = JSON.parse(body) as { query: string; variables?: Record<string, unknown> };
        operation = `graphql:${/^\s*(?:query|mutation)\s+(\w+)/.exec(parsed.query)?.[1] ?? 'anonymous'}`;
        await this.#fault(operation);
        const dropAfter = await this.#inject({ method, operation, path: url.pathname, body });
        const reply = await this.#graphql(parsed.query, parsed.variables ?? {});
        this.requests.push({ method, operation, status: dropAfter ? 0 : 200, installation });
        return dropAfter ? { ...reply, drop: true } : reply;
      }
      const path = url.pathname.replace(/^\/api\/v3/, '');
      const route = ROUTES.find((r) => r.method === method && r.regex.test(path));
      if (!route) throw new HttpError(404, `Not Found: no simulated route for ${method} ${path}`);
      operation = route.id;
      const m = route.regex.exec(path)!;
      const params: Record<string, string> = {};
      route.names.forEach((name, i) => (params[name] = decodeURIComponent(m[i + 1]!)));
      if (path.startsWith('/app')) this.#verifyJwt(headers);
      else installation = this.#installationAuth(headers);
      await this.#fault(operation);
      const dropAfter = installation ? await this.#inject({ method, operation, path: url.pathname + url.search, body }) : false;
      const query = Object.fromEntries(url.searchParams);
      const data = body ? (JSON.parse(body) as Record<string, unknown>) : {};
      this.#validate(route.id, query, body ? data : undefined);
      const reply = await this.#rest(route.id, params, query, data);
      this.requests.push({ method, operation, status: dropAfter ? 0 : reply.status, installation });
      return dropAfter ? { ...reply, drop: true } : reply;
    } catch (error) {
      if (error instanceof Dropped) {
        this.requests.push({ method, operation, status: 0, installation });
        return { status: 0, body: null, drop: true };
      }
      const e = error instanceof HttpError ? error : new HttpError(500, (error as Error).message);
      this.requests.push({ method, operation, status: e.status, installation });
      if ((e.status === 422 || e.status === 400) && !e.injected) this.rejections.push({ operation, status: e.status, message: e.message });
      return { status: e.status, body: { message: e.message, documentation_url: 'https://docs.github.com/rest', ...e.extra }, headers: e.headers };
    }
  }

  // ---- auth ---------------------------------------------------------------------------------

  #verifyJwt(headers: Record<string, string>): void {
    const m = /^bearer (.+)$/i.exec(headers.authorization ?? '');
    if (!m) throw new HttpError(401, 'A JSON web token could not be decoded');
    const [h, p, s] = m[1]!.split('.');
    if (!h || !p || !s) throw new HttpError(401, 'A JSON web token could not be decoded');
    const header = JSON.parse(Buffer.from(h, 'base64url').toString('utf8')) as { alg?: string };
    if (header.alg !== 'RS256') throw new HttpError(401, `JWT algorithm ${header.alg} is not RS256`);
    if (!verify('RSA-SHA256', Buffer.from(`${h}.${p}`), this.#publicKey, Buffer.from(s, 'base64url'))) {
      throw new HttpError(401, 'JWT signature does not match the app public key');
    }
    const claims = JSON.parse(Buffer.from(p, 'base64url').toString('utf8')) as { iss?: unknown; iat?: number; exp?: number };
    const now = Math.floor(Date.now() / 1000);
    if (String(claims.iss) !== String(this.appId)) throw new HttpError(401, `JWT iss ${String(claims.iss)} is not the app id`);
    if (!claims.exp || !claims.iat || claims.exp < now || claims.exp - claims.iat > 660) throw new HttpError(401, "'Expiration time' claim ('exp') is invalid");
  }

  #installationAuth(headers: Record<string, string>): boolean {
    const m = /^(?:token|bearer) (.+)$/i.exec(headers.authorization ?? '');
    if (!m || !this.#tokens.has(m[1]!)) throw new HttpError(401, 'Bad credentials');
    return true;
  }

  /** Applies the fault hook's decision; true when the answer is to be lost after processing. */
  async #inject(request: FaultRequest): Promise<boolean> {
    const fault = this.faultHook ? await this.faultHook(request) : null;
    if (!fault) return false;
    if (fault.kind === 'status') throw new HttpError(fault.status, fault.message, {}, fault.headers ?? {}, true);
    if (fault.kind === 'delay') {
      await new Promise((resolve) => setTimeout(resolve, fault.ms));
      return false;
    }
    if (fault.ms) await new Promise((resolve) => setTimeout(resolve, fault.ms));
    if (!fault.after) throw new Dropped();
    return true;
  }

  async #fault(operation: string): Promise<void> {
    const hook = this.#hooks.findIndex((h) => h.operation === operation);
    if (hook >= 0) await this.#hooks.splice(hook, 1)[0]!.fn();
    const fault = this.#faults.find((f) => f.operation === operation && f.times > 0);
    if (!fault) return;
    fault.times--;
    throw new HttpError(fault.status, fault.message, {}, fault.headers ?? {});
  }

  #validate(id: string, query: Record<string, string>, body: Record<string, unknown> | undefined): void {
    const op = extract.operations[id]!;
    for (const [name, spec] of Object.entries(op.query)) {
      if (spec.required && query[name] === undefined) throw new HttpError(422, `missing query parameter ${name}`);
      if (query[name] !== undefined && !this.#ajv.validate(spec.schema, query[name])) {
        throw new HttpError(422, `query parameter ${name}: ${this.#ajv.errorsText()}`);
      }
    }
    if (op.body) {
      if (op.body.required && body === undefined) throw new HttpError(422, 'request body is required');
      if (body !== undefined && !this.#ajv.validate(op.body.schema, body)) {
        throw new HttpError(422, `Invalid request: ${this.#ajv.errorsText(this.#ajv.errors, { dataVar: 'body' })}`);
      }
    }
  }

  #repo(owner: string, name: string): RepoRecord {
    const repo = this.#repos.get(`${owner}/${name}`);
    if (!repo) throw new HttpError(404, 'Not Found');
    return repo;
  }

  #pullOf(params: Record<string, string>, key = 'pull_number'): { repo: RepoRecord; pull: PullRecord } {
    const repo = this.#repo(params.owner!, params.repo!);
    const pull = repo.pulls.get(Number(params[key]));
    if (!pull) throw new HttpError(404, 'Not Found');
    return { repo, pull };
  }

  #comment(body: string, login: string): CommentRecord {
    const id = this.#ids++;
    return { id, nodeId: `IC_${id}`, body, login, reactions: [], edits: 0, editor: null };
  }

  #findIssueComment(repo: RepoRecord, id: number): CommentRecord {
    for (const pull of repo.pulls.values()) {
      const c = pull.comments.find((x) => x.id === id);
      if (c) return c;
    }
    throw new HttpError(404, 'Not Found');
  }

  // ---- REST -------------------------------------------------------------------------------------

  async #rest(id: string, params: Record<string, string>, query: Record<string, string>, body: Record<string, unknown>): Promise<Reply> {
    const bot = `${this.appSlug}[bot]`;
    switch (id) {
      case 'apps/get-authenticated':
        return { status: 200, body: { id: this.appId, slug: this.appSlug, name: this.appSlug } };
      case 'apps/create-installation-access-token': {
        const token = `ghs_sim${this.#ids++}`;
        this.#tokens.set(token, Number(params.installation_id));
        return { status: 201, body: { token, expires_at: new Date(Date.now() + 3600_000).toISOString(), permissions: {}, repository_selection: 'all' } };
      }
      case 'pulls/get': {
        const { repo, pull } = this.#pullOf(params);
        return { status: 200, body: this.#pullJson(repo, pull) };
      }
      case 'pulls/list': {
        const repo = this.#repo(params.owner!, params.repo!);
        const all = [...repo.pulls.values()].filter((p) => (query.state ?? 'open') === 'all' || p.state === (query.state ?? 'open'));
        const per = Number(query.per_page ?? 30);
        const page = Number(query.page ?? 1);
        return { status: 200, body: all.slice((page - 1) * per, page * per).map((p) => this.#pullJson(repo, p)) };
      }
      case 'pulls/list-commits': {
        // GitHub lists at most 250 commits of a pull request, 100 a page at most.
        const { pull } = this.#pullOf(params);
        const per = Math.min(100, Number(query.per_page ?? 30));
        const page = Number(query.page ?? 1);
        const all = pull.commits.slice(0, 250).map((c, i) => ({
          sha: createHash('sha1').update(`${pull.number}:${i}`).digest('hex'),
          author: c.author ? { login: c.author, type: 'User' } : null,
          committer: c.committer ? { login: c.committer, type: 'User' } : null,
          commit: { message: `commit ${i}` },
        }));
        return { status: 200, body: all.slice((page - 1) * per, page * per) };
      }
      case 'pulls/list-files': {
        const { repo, pull } = this.#pullOf(params);
        const files = (await repo.fixture.pullFiles(pull.base, pull.head)).slice(0, 3000);
        const per = Number(query.per_page ?? 30);
        const page = Number(query.page ?? 1);
        const last = Math.max(1, Math.ceil(files.length / per));
        const link = (n: number, rel: string) => `<http://github.test/api/v3/repos/${repo.owner}/${repo.name}/pulls/${pull.number}/files?per_page=${per}&page=${n}>; rel="${rel}"`;
        const links = [...(page < last ? [link(page + 1, 'next'), link(last, 'last')] : []), ...(page > 1 ? [link(1, 'first'), link(page - 1, 'prev')] : [])];
        return { status: 200, body: files.slice((page - 1) * per, page * per), headers: links.length ? { link: links.join(', ') } : {} };
      }
      case 'repos/compare-commits-with-basehead': {
        const repo = this.#repo(params.owner!, params.repo!);
        const [from, to] = params.basehead!.split('...');
        const [base, head] = [repo.branches.get(from!) ?? from!, repo.branches.get(to!) ?? to!];
        if (!repo.fixture.has(base) || !repo.fixture.has(head)) throw new HttpError(404, 'Not Found');
        const mergeBase = await repo.fixture.mergeBase(base, head);
        if (!mergeBase) throw new HttpError(404, 'No common ancestor between these commits');
        return { status: 200, body: { status: 'diverged', base_commit: { sha: base }, merge_base_commit: { sha: mergeBase }, commits: [], files: [] } };
      }
      case 'git/get-tree': {
        const repo = this.#repo(params.owner!, params.repo!);
        const sha = repo.branches.get(params.tree_sha!) ?? params.tree_sha!;
        if (!repo.fixture.has(sha)) throw new HttpError(404, 'Not Found');
        if (query.recursive === undefined) throw new HttpError(422, 'the simulator serves recursive trees only');
        const tree = [...repo.fixture.files(sha)].map(([path, e]) => ({ path, mode: '100644', type: 'blob', sha: e.oid, size: e.content.length }));
        return { status: 200, body: { sha, url: '', tree, truncated: false } };
      }
      case 'teams/check-permissions-for-repo-in-org': {
        // With the repository media type GitHub answers the repository and the team's permissions.
        const repo = this.#repo(params.owner!, params.repo!);
        const permission = this.#teamAccess.get(`${params.org!}/${params.team_slug!}:${repo.owner}/${repo.name}`.toLowerCase());
        if (!permission) throw new HttpError(404, 'Not Found');
        const rank = ['pull', 'triage', 'push', 'maintain', 'admin'].indexOf(permission);
        return { status: 200, body: { name: repo.name, full_name: `${repo.owner}/${repo.name}`, permissions: { pull: true, triage: rank >= 1, push: rank >= 2, maintain: rank >= 3, admin: rank >= 4 }, role_name: permission } };
      }
      case 'teams/get-membership-for-user-in-org': {
        // GitHub answers 404 both for a non-member and for a team the caller cannot see.
        const members = this.#teams.get(`${params.org!}/${params.team_slug!}`.toLowerCase());
        if (!members?.has(params.username!.toLowerCase())) throw new HttpError(404, 'Not Found');
        return { status: 200, body: { url: '', role: 'member', state: 'active' } };
      }
      case 'repos/get-collaborator-permission-level': {
        const repo = this.#repo(params.owner!, params.repo!);
        const c = repo.collaborators.get(params.username!);
        if (!c) throw new HttpError(404, `${params.username} is not a user`);
        return { status: 200, body: { permission: c.permission, role_name: c.role_name, user: { login: params.username } } };
      }
      case 'checks/create': {
        const repo = this.#repo(params.owner!, params.repo!);
        const output = (body.output ?? {}) as CheckRunRecord['output'] & { annotations?: CheckRunRecord['annotations'] };
        const run: CheckRunRecord = {
          id: this.#ids++,
          repo: `${repo.owner}/${repo.name}`,
          name: String(body.name),
          head_sha: String(body.head_sha),
          ...(body.external_id ? { external_id: String(body.external_id) } : {}),
          status: body.conclusion ? 'completed' : String(body.status ?? 'queued'),
          conclusion: (body.conclusion as string | undefined) ?? null,
          output: { title: output.title, summary: output.summary, text: output.text },
          annotations: [...(output.annotations ?? [])],
          actions: (body.actions as unknown[]) ?? [],
          updates: 0,
        };
        if (!repo.fixture.has(run.head_sha)) throw new HttpError(422, 'No commit found for SHA: ' + run.head_sha);
        this.checkRuns.push(run);
        return { status: 201, body: { id: run.id, head_sha: run.head_sha, name: run.name, status: run.status, conclusion: run.conclusion } };
      }
      case 'checks/update': {
        const run = this.checkRuns.find((r) => r.id === Number(params.check_run_id));
        if (!run) throw new HttpError(404, 'Not Found');
        const output = body.output as (CheckRunRecord['output'] & { annotations?: CheckRunRecord['annotations'] }) | undefined;
        if (output) {
          run.output = { title: output.title, summary: output.summary, text: output.text };
          run.annotations.push(...(output.annotations ?? []));
        }
        if (body.conclusion) {
          run.conclusion = String(body.conclusion);
          run.status = 'completed';
        } else if (body.status) run.status = String(body.status);
        if (body.actions) run.actions = body.actions as unknown[];
        run.updates++;
        return { status: 200, body: { id: run.id, status: run.status, conclusion: run.conclusion } };
      }
      case 'pulls/create-review': {
        const { repo, pull } = this.#pullOf(params);
        const comments = (body.comments ?? []) as { path: string; line?: number; side?: string; start_line?: number; start_side?: string; body: string; position?: number }[];
        const files = await repo.fixture.pullFiles(pull.base, pull.head);
        for (const c of comments) {
          if (c.body.length > MAX_COMMENT_BODY) throw new HttpError(422, 'Body is too long (maximum is 65536 characters)');
          // GitHub rejects the whole review when one anchor is outside the diff.
          if (!anchorInDiff(files, c)) throw new HttpError(422, 'Unprocessable Entity', { errors: ['Line could not be resolved', 'pull_request_review_thread.line must be part of the diff'] });
        }
        if (body.event !== 'COMMENT' && body.event !== undefined) throw new HttpError(422, 'the App only comments');
        const reviewId = this.#ids++;
        pull.reviews.push({ id: reviewId, commit_id: String(body.commit_id), body: String(body.body ?? ''), event: String(body.event), comments: comments.length });
        for (const c of comments) {
          const tid = this.#ids++;
          pull.threads.push({ id: `PRRT_${tid}`, path: c.path, line: c.line!, isResolved: false, comments: [this.#comment(c.body, bot)] });
        }
        return { status: 200, body: { id: reviewId, state: 'COMMENTED', commit_id: body.commit_id } };
      }
      case 'issues/create-comment': {
        const { pull } = this.#pullOf(params, 'issue_number');
        const text = String(body.body);
        if (text.length > MAX_COMMENT_BODY) throw new HttpError(422, 'Body is too long (maximum is 65536 characters)');
        const c = this.#comment(text, bot);
        pull.comments.push(c);
        return { status: 201, body: { id: c.id, node_id: c.nodeId, body: c.body, user: { login: bot, type: 'Bot' } } };
      }
      case 'issues/update-comment': {
        const repo = this.#repo(params.owner!, params.repo!);
        const c = this.#findIssueComment(repo, Number(params.comment_id));
        const text = String(body.body);
        if (text.length > MAX_COMMENT_BODY) throw new HttpError(422, 'Body is too long (maximum is 65536 characters)');
        if (c.login !== bot) throw new HttpError(403, 'Resource not accessible by integration');
        c.body = text;
        c.edits++;
        c.editor = bot;
        return { status: 200, body: { id: c.id, body: c.body } };
      }
      case 'reactions/create-for-issue-comment': {
        const repo = this.#repo(params.owner!, params.repo!);
        const c = this.#findIssueComment(repo, Number(params.comment_id));
        c.reactions.push(String(body.content));
        return { status: 201, body: { id: this.#ids++, content: body.content } };
      }
      default:
        throw new HttpError(404, `operation ${id} is not simulated`);
    }
  }

  #pullJson(repo: RepoRecord, pull: PullRecord): unknown {
    const r = { name: repo.name, full_name: `${repo.owner}/${repo.name}`, owner: { login: repo.owner } };
    return {
      number: pull.number,
      state: pull.state,
      draft: pull.draft,
      title: pull.title,
      body: pull.body,
      user: { login: pull.author, type: 'User' },
      head: { sha: pull.head, ref: 'feature', repo: r },
      base: { sha: pull.base, ref: repo.defaultBranch, repo: r },
    };
  }

  // ---- GraphQL ----------------------------------------------------------------------------------

  async #graphql(query: string, variables: Record<string, unknown>): Promise<Reply> {
    const result = await graphql({ schema: this.#schema, source: query, variableValues: variables, rootValue: this.#root() });
    if (result.errors?.length) {
      const message = result.errors.map((e) => e.message).join('; ');
      // GitHub answers 200 with `errors` for query problems; a test should still see them.
      this.rejections.push({ operation: 'graphql', status: 200, message });
    }
    return { status: 200, body: result };
  }

  #root(): Record<string, unknown> {
    const sim = this;
    const bot = this.appSlug;
    const actor = (login: string) => (login.endsWith('[bot]') ? { __typename: 'Bot', login: login.slice(0, -5) } : { __typename: 'User', login });
    const reviewComment = (c: CommentRecord, path: string) => ({ id: c.nodeId, databaseId: c.id, body: c.body, path, author: actor(c.login) });
    const thread = (t: ThreadRecord) => ({
      id: t.id,
      isResolved: t.isResolved,
      path: t.path,
      line: t.line,
      comments: (args: PageArgs) => connection(t.comments.map((c) => reviewComment(c, t.path)), args),
    });
    const findThread = (id: string): ThreadRecord => {
      for (const repo of sim.#repos.values()) for (const p of repo.pulls.values()) for (const t of p.threads) if (t.id === id) return t;
      throw new Error(`Could not resolve to a node with the global id of '${id}'`);
    };
    return {
      repository: ({ owner, name }: { owner: string; name: string }) => {
        const repo = sim.#repos.get(`${owner}/${name}`);
        if (!repo) return null;
        return {
          object: ({ expression, oid }: { expression?: string; oid?: string }) => {
            if (oid) {
              const blob = repo.fixture.blob(oid);
              if (blob) return blobNode(oid, blob);
              if (repo.fixture.has(oid)) return commitNode(oid);
              return null;
            }
            const at = expression!.indexOf(':');
            const ref = expression!.slice(0, at);
            const path = expression!.slice(at + 1);
            // git rev-parse's order for a short name: refs/tags/<name> before refs/heads/<name>.
            const sha = ref.startsWith('refs/heads/')
              ? repo.branches.get(ref.slice('refs/heads/'.length)) ?? ''
              : ref.startsWith('refs/tags/')
                ? repo.tags.get(ref.slice('refs/tags/'.length)) ?? ''
                : repo.tags.get(ref) ?? repo.branches.get(ref) ?? ref;
            if (!repo.fixture.has(sha)) return null;
            if (at < 0 || path === '') return commitNode(sha);
            const entry = repo.fixture.files(sha).get(path);
            return entry ? blobNode(entry.oid, entry.content) : null;
          },
          pullRequest: ({ number }: { number: number }) => {
            const pull = repo.pulls.get(number);
            if (!pull) throw new Error(`Could not resolve to a PullRequest with the number of ${number}.`);
            return {
              number,
              isDraft: pull.draft,
              title: pull.title,
              body: pull.body,
              headRefOid: pull.head,
              baseRefOid: repo.branches.get(repo.defaultBranch),
              reviewThreads: (args: PageArgs) => connection(pull.threads.map(thread), args),
              comments: (args: PageArgs) => connection(pull.comments.map((c) => ({ id: c.nodeId, databaseId: c.id, body: c.body, author: actor(c.login), editor: c.editor ? actor(c.editor) : null })), args),
            };
          },
        };
        function commitNode(sha: string) {
          return {
            __typename: 'Commit',
            oid: sha,
            abbreviatedOid: sha.slice(0, 7),
            checkSuites: ({ filterBy }: { filterBy?: { appId?: number } }) => {
              if (filterBy?.appId !== undefined && filterBy.appId !== sim.appId) return { nodes: [], totalCount: 0 };
              const runs = sim.checkRuns.filter((r) => r.repo === `${owner}/${name}` && r.head_sha === sha);
              return {
                totalCount: 1,
                nodes: [
                  {
                    checkRuns: ({ filterBy: f }: { filterBy?: { checkName?: string } }) => {
                      const list = runs.filter((r) => !f?.checkName || r.name === f.checkName);
                      return {
                        totalCount: list.length,
                        nodes: list.map((r) => ({ databaseId: r.id, name: r.name, externalId: r.external_id ?? null, status: r.status.toUpperCase(), conclusion: r.conclusion?.toUpperCase() ?? null })),
                      };
                    },
                  },
                ],
              };
            },
          };
        }
      },
      addPullRequestReviewThreadReply: ({ input }: { input: { pullRequestReviewThreadId: string; body: string } }) => {
        const t = findThread(input.pullRequestReviewThreadId);
        const c = sim.#comment(input.body, `${bot}[bot]`);
        t.comments.push(c);
        return { clientMutationId: null, comment: reviewComment(c, t.path) };
      },
      resolveReviewThread: ({ input }: { input: { threadId: string } }) => {
        const t = findThread(input.threadId);
        t.isResolved = true;
        return { clientMutationId: null, thread: thread(t) };
      },
    };
  }
}

interface PageArgs {
  first?: number;
  last?: number;
  after?: string;
  before?: string;
}

/** Cursor pagination as GitHub does it, with list indices as cursors. */
function connection<T>(items: T[], args: PageArgs) {
  let start = args.after !== undefined ? Number(args.after) + 1 : 0;
  let end = args.before !== undefined ? Number(args.before) : items.length;
  if (args.first !== undefined) end = Math.min(end, start + args.first);
  if (args.last !== undefined) start = Math.max(start, end - args.last);
  return {
    nodes: items.slice(start, end),
    totalCount: items.length,
    pageInfo: {
      hasNextPage: end < items.length,
      hasPreviousPage: start > 0,
      startCursor: end > start ? String(start) : null,
      endCursor: end > start ? String(end - 1) : null,
    },
  };
}

function blobNode(oid: string, content: Buffer) {
  const binary = content.subarray(0, 8000).includes(0);
  return {
    __typename: 'Blob',
    oid,
    abbreviatedOid: oid.slice(0, 7),
    byteSize: content.length,
    isBinary: binary,
    isTruncated: false,
    text: binary ? null : content.toString('utf8'),
  };
}

/** GitHub's rule: a line (and start line) inside one hunk of the file's diff, on the named side. */
export function anchorInDiff(files: PullFile[], c: { path: string; line?: number; side?: string; start_line?: number; start_side?: string; position?: number }): boolean {
  const file = files.find((f) => f.filename === c.path);
  if (!file?.patch || c.line === undefined) return false;
  const hunks = hunksFromPatch(file.patch);
  const inHunk = (h: (typeof hunks)[number], line: number, side: string) =>
    side === 'LEFT' ? line >= h.oldStart && line < h.oldStart + h.oldLines : line >= h.newStart && line < h.newStart + h.newLines;
  const hunk = hunks.find((h) => inHunk(h, c.line!, c.side ?? 'RIGHT'));
  if (!hunk) return false;
  return c.start_line === undefined || (c.start_line < c.line && inHunk(hunk, c.start_line, c.start_side ?? c.side ?? 'RIGHT'));
}
