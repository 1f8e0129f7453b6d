// Facts that span files, which a rule's per-file visitors cannot see (rules.md rules 6, 43 and 44):
// service boundaries, which service defines which table (schema sources anywhere in the repository),
// every DB write of the analysed files by target, every typed publish by channel, the databases
// services' deployment config points at, and the SQS queues CDK stacks create without a dead-letter
// queue with the queues the code consumes. The engine builds one index per side from all models plus
// the repository's schema and deploy files and hands it to rules as `context.crossFile`; rules read
// it once every file is analysed (`Repository:exit`, or `Program:exit` of a repository-wide rule)
// and never do I/O.
import { posix } from 'node:path';
import { parseCode, isCodePath, isTestPath } from '../code/parse.js';
import type { CallLike } from '../code/ast.js';
import { CodeModel, type CodeModelOptions, type Effect } from '../code/model.js';
import { eventTypeOf } from '../code/event-type.js';
import { publishMetadata } from '../code/publish-metadata.js';
import { findHandlers } from '../code/handlers.js';
import { cdkQueuesWithoutDeadLetter } from '../code/sqs-queues.js';
import { definitionsFromModel, definitionsFromPrisma, definitionsFromSql, tableKey, type TableDefinition } from '../code/schema-sources.js';
import { traverse } from '../code/traverse.js';
import { calleeOf, unwrap } from '../code/ast.js';
import { compiledPatterns } from '../config/patterns.js';
import type { Config } from '../config/schema.js';
import { matchesGlob } from './glob.js';
import { nodeAnchor, nodeLocation, type NodeLocation } from './node-anchor.js';
import type { ReviewSource } from './source.js';
import type { Side } from './types.js';

export interface RepoFile {
  path: string;
  text: string;
}

export interface WriteSite {
  path: string;
  line: number;
  service: string | null;
  /** The target as the write names it (`Order`, `orders`, `order`). */
  target: string;
  /** snake_case key compared with table definitions. */
  key: string;
  description: string;
  library: string;
  via: string;
  /** Where the write call is and its anchor: the index outlives the file's syntax tree. */
  start: number;
  loc: NodeLocation;
  anchor: string;
  /** Another service whose file the written entity or DB handle is imported from, with that module. */
  importedFrom: { service: string; module: string } | null;
}

/** A publish whose message declares its event type (rules.md rule 44 "Inputs"). */
export interface PublishSite {
  path: string;
  line: number;
  /** The file is one the rules report on (a changed file), not context read for evidence. */
  reported: boolean;
  channel: string;
  eventType: string;
  start: number;
  loc: NodeLocation;
  anchor: string;
}

/** A CDK `new sqs.Queue(...)` with no `deadLetterQueue` (rules.md rule 6 variant 6). */
export interface SqsQueueSite {
  path: string;
  line: number;
  reported: boolean;
  /** `queueName` when the stack fixes it; null when CDK generates the name. */
  name: string | null;
  /** `queueName`, else the construct id as written. */
  label: string;
  /** Consumers the same file wires to the queue: `new SqsEventSource(queue)`, `grantConsumeMessages`. */
  consumedAt: { line: number; description: string }[];
  start: number;
  loc: NodeLocation;
  anchor: string;
}

/** An SQS consumer (receive loop, sqs-consumer) whose queue name is known. */
export interface SqsConsumerSite {
  path: string;
  line: number;
  /** The queue name, normalised as handler channels are (last segment of a queue URL). */
  queue: string;
  library: string;
  /** The handler reads `ApproximateReceiveCount`: it bounds receives itself. */
  countsReceives: boolean;
}

export interface OwnerSite extends TableDefinition {
  service: string;
}

export interface DatabaseReference {
  service: string;
  path: string;
  line: number;
  /** `host/database` (host as written; a reference without a host is not recorded). */
  database: string;
  user: string | null;
}

export interface SharedDatabase {
  database: string;
  references: DatabaseReference[];
}

export interface CrossFileIndex {
  serviceOf(path: string): string | null;
  /** Services that have at least one analysed file or schema source. */
  readonly services: ReadonlySet<string>;
  readonly writesByTarget: ReadonlyMap<string, WriteSite[]>;
  readonly ownersByTable: ReadonlyMap<string, OwnerSite[]>;
  /**
   * Definitions of the table a write key names. A definition answers to its model name and its
   * mapped table name, so `customer` (prisma model) also finds `CREATE TABLE customers` elsewhere.
   */
  ownersOf(key: string): OwnerSite[];
  readonly sharedDatabases: readonly SharedDatabase[];
  /** Typed publishes to a channel across the analysed files, in input order then source order. */
  publishesTo(channel: string): readonly PublishSite[];
  /** Typed publishes in one file. */
  publishesIn(path: string): readonly PublishSite[];
  /** CDK queues without a dead-letter queue created in one file. */
  sqsQueuesIn(path: string): readonly SqsQueueSite[];
  /** SQS consumers of a queue name across the analysed files, in input order then source order. */
  sqsConsumersOf(queue: string): readonly SqsConsumerSite[];
  /** True the first time a key is claimed: lets per-file rules report a repository-wide fact once. */
  claimOnce(key: string): boolean;
}

/** What one analysed file adds to the index, computed while its model is alive. */
export interface CrossFileContribution {
  path: string;
  definitions: TableDefinition[];
  writes: WriteSite[];
  publishes: PublishSite[];
  sqsQueues: SqsQueueSite[];
  sqsConsumers: SqsConsumerSite[];
}

export interface CrossFileInput {
  models?: Iterable<CodeModel>;
  /** Contributions of files whose models were already released (see `crossFileContribution`). */
  contributions?: Iterable<CrossFileContribution>;
  /** Schema and deployment files read from the repository (see `isCrossFileSourcePath`). */
  repoFiles?: readonly RepoFile[];
  /** Repository paths known to exist; only `package.json` entries matter (service roots). */
  repoPaths?: readonly string[];
  config: Config;
}

// ------------------------------------------------------------------ service boundaries

/**
 * rules.md §1.6 `services:`: the first configured service whose glob matches; without a config,
 * the top-level folder under `services/` or `apps/` (with its own package.json when paths are known).
 */
export function serviceResolver(config: Config, repoPaths?: readonly string[]): (path: string) => string | null {
  const configured = Object.entries(config.services);
  const roots = repoPaths
    ? new Set(repoPaths.map((p) => /^((?:services|apps)\/[^/]+)\/package\.json$/.exec(p)?.[1]).filter((p): p is string => Boolean(p)))
    : null;
  const cache = new Map<string, string | null>();
  return (path: string) => {
    const cached = cache.get(path);
    if (cached !== undefined) return cached;
    let service: string | null = null;
    if (configured.length > 0) {
      service = configured.find(([, globs]) => globs.some((glob) => matchesGlob(path, glob)))?.[0] ?? null;
    } else {
      const match = /^((?:services|apps)\/([^/]+))\//.exec(path);
      if (match && (!roots || roots.has(match[1]!))) service = match[2]!;
    }
    cache.set(path, service);
    return service;
  };
}

// ------------------------------------------------------------------ repository sources

const DEPLOY_YAML_DIR = /(^|\/)(k8s|kubernetes|helm|charts|deploy|deployment|manifests|kustomize)\//;

/** Files the engine should read for the index: schema sources and deployment configuration. */
export function isCrossFileSourcePath(path: string): boolean {
  if (isTestPath(path) || /(^|\/)node_modules\//.test(path)) return false;
  if (/\.sql$/i.test(path) || /\.prisma$/.test(path)) return true;
  if (isDeployPath(path)) return true;
  return isCodePath(path) && /(entit|model|schema|migration|table|(^|\/)db\/|database)/i.test(path);
}

function isDeployPath(path: string): boolean {
  const base = posix.basename(path);
  if (/^\.env(\.[\w.-]+)?$/.test(base)) return !/(example|sample|template|test|dist)/i.test(base);
  if (/^docker-compose[\w.-]*\.ya?ml$/.test(base) || /^compose[\w.-]*\.ya?ml$/.test(base)) return true;
  return /\.ya?ml$/.test(base) && DEPLOY_YAML_DIR.test(path);
}

export interface CrossFileLimits {
  maxFiles: number;
  maxBytes: number;
}

export const DEFAULT_CROSS_FILE_LIMITS: CrossFileLimits = { maxFiles: 400, maxBytes: 512 * 1024 };

/**
 * Reads the repository's schema and deployment sources inside service folders at one side. The
 * engine calls this; rules only see the index built from it.
 */
export async function loadCrossFileSources(
  source: Pick<ReviewSource, 'listPaths' | 'readFile'>,
  side: Side,
  config: Config,
  limits: CrossFileLimits = DEFAULT_CROSS_FILE_LIMITS,
): Promise<{ files: RepoFile[]; paths: string[] }> {
  const all = await source.listPaths(side, '');
  const paths = all.filter((p) => /^(services|apps)\/[^/]+\/package\.json$/.test(p));
  const serviceOf = serviceResolver(config, paths);
  const wanted = all.filter((p) => isCrossFileSourcePath(p) && serviceOf(p) !== null).slice(0, limits.maxFiles);
  const files: RepoFile[] = [];
  for (const path of wanted) {
    const read = await source.readFile(side, path, limits.maxBytes);
    if (read.ok) files.push({ path, text: read.text });
  }
  return { files, paths };
}

// ------------------------------------------------------------------ index

export function buildCrossFileIndex(input: CrossFileInput): CrossFileIndex {
  const { config } = input;
  const serviceOf = serviceResolver(config, input.repoPaths);
  const patterns = compiledPatterns(config);
  const skipTable = (key: string) => patterns.outboxTable.test(key) || patterns.inboxTable.test(key);
  const services = new Set<string>();
  const writesByTarget = new Map<string, WriteSite[]>();
  const publishesByChannel = new Map<string, PublishSite[]>();
  const publishesByPath = new Map<string, PublishSite[]>();
  const sqsQueuesByPath = new Map<string, SqsQueueSite[]>();
  const sqsConsumersByQueue = new Map<string, SqsConsumerSite[]>();
  const definitions: TableDefinition[] = [];
  const seenPaths = new Set<string>();

  const contributions = [...(input.contributions ?? [])];
  for (const model of input.models ?? []) {
    const contribution = crossFileContribution(model, serviceOf);
    if (contribution) contributions.push(contribution);
  }
  for (const contribution of contributions) {
    seenPaths.add(contribution.path);
    const service = serviceOf(contribution.path);
    if (service) services.add(service);
    definitions.push(...contribution.definitions);
    for (const site of contribution.writes) {
      if (skipTable(site.key)) continue;
      const list = writesByTarget.get(site.key) ?? [];
      list.push(site);
      writesByTarget.set(site.key, list);
    }
    for (const site of contribution.publishes) {
      const list = publishesByChannel.get(site.channel);
      if (list) list.push(site);
      else publishesByChannel.set(site.channel, [site]);
    }
    if (contribution.publishes.length > 0) publishesByPath.set(contribution.path, contribution.publishes);
    if (contribution.sqsQueues.length > 0) sqsQueuesByPath.set(contribution.path, contribution.sqsQueues);
    for (const site of contribution.sqsConsumers) {
      const list = sqsConsumersByQueue.get(site.queue);
      if (list) list.push(site);
      else sqsConsumersByQueue.set(site.queue, [site]);
    }
  }

  const references: DatabaseReference[] = [];
  for (const file of input.repoFiles ?? []) {
    if (seenPaths.has(file.path)) continue;
    const service = serviceOf(file.path);
    if (/\.sql$/i.test(file.path)) definitions.push(...definitionsFromSql(file.path, file.text));
    else if (/\.prisma$/.test(file.path)) definitions.push(...definitionsFromPrisma(file.path, file.text));
    else if (isDeployPath(file.path)) {
      if (service) references.push(...databaseReferences(file, service));
    } else if (isCodePath(file.path)) {
      const model = modelOf(file, config);
      if (model) definitions.push(...definitionsFromModel(model));
    }
  }

  const ownersByTable = new Map<string, OwnerSite[]>();
  for (const def of definitions) {
    const service = serviceOf(def.path);
    if (!service) continue;
    services.add(service);
    const site: OwnerSite = { ...def, service };
    for (const key of def.keys) {
      if (skipTable(key)) continue;
      const list = ownersByTable.get(key) ?? [];
      if (!list.some((o) => o.path === def.path && o.line === def.line)) list.push(site);
      ownersByTable.set(key, list);
    }
  }

  const byDatabase = new Map<string, DatabaseReference[]>();
  for (const ref of references) {
    const list = byDatabase.get(ref.database) ?? [];
    list.push(ref);
    byDatabase.set(ref.database, list);
  }
  const sharedDatabases: SharedDatabase[] = [];
  for (const [database, refs] of byDatabase) {
    if (new Set(refs.map((r) => r.service)).size > 1) sharedDatabases.push({ database, references: refs });
  }

  const claimed = new Set<string>();
  const ownersOf = (key: string): OwnerSite[] => {
    const direct = ownersByTable.get(key) ?? [];
    const out = [...direct];
    for (const def of direct) {
      for (const alias of def.keys) {
        for (const other of ownersByTable.get(alias) ?? []) if (!out.includes(other)) out.push(other);
      }
    }
    return out;
  };
  return {
    serviceOf,
    services,
    writesByTarget,
    ownersByTable,
    ownersOf,
    sharedDatabases,
    publishesTo: (channel: string) => publishesByChannel.get(channel) ?? [],
    publishesIn: (path: string) => publishesByPath.get(path) ?? [],
    sqsQueuesIn: (path: string) => sqsQueuesByPath.get(path) ?? [],
    sqsConsumersOf: (queue: string) => sqsConsumersByQueue.get(queue) ?? [],
    claimOnce(key: string) {
      if (claimed.has(key)) return false;
      claimed.add(key);
      return true;
    },
  };
}

/**
 * The definitions, DB writes, typed publishes and SQS queue facts of one analysed file, as plain
 * data: the engine computes it before it drops the file's syntax tree. Test files contribute nothing.
 */
export function crossFileContribution(model: CodeModel, serviceOf: (path: string) => string | null, reported = true): CrossFileContribution | null {
  if (isTestPath(model.path)) return null;
  const service = serviceOf(model.path);
  const writes: WriteSite[] = [];
  const publishes: PublishSite[] = [];
  for (const call of model.calls) {
    for (const effect of model.effectsOf(call)) {
      if (effect.kind === 'publish') publishes.push(...publishSites(model, effect, reported));
      if (effect.kind !== 'dbWrite' || !effect.target || effect.via === 'summary') continue;
      const key = tableKey(effect.target);
      if (!key) continue;
      writes.push({
        path: model.path,
        line: model.line(call),
        service,
        target: effect.target,
        key,
        description: effect.description,
        library: effect.library,
        via: effect.via,
        start: call.range[0],
        loc: nodeLocation(call),
        anchor: nodeAnchor(model, call),
        importedFrom: service ? importedFromOtherService(model, call, effect.target, service, serviceOf) : null,
      });
    }
  }
  return {
    path: model.path, definitions: definitionsFromModel(model), writes, publishes,
    sqsQueues: sqsQueueSites(model, reported), sqsConsumers: sqsConsumerSites(model),
  };
}

function sqsQueueSites(model: CodeModel, reported: boolean): SqsQueueSite[] {
  // A file that never names aws-sqs creates no CDK queue: spare it the value analysis.
  if (!model.text.includes('aws-sqs')) return [];
  return cdkQueuesWithoutDeadLetter(model).map((queue) => ({
    path: model.path, line: model.line(queue.node), reported, name: queue.name, label: queue.label,
    consumedAt: queue.consumers.map((c) => ({ line: model.line(c.node), description: c.description })),
    start: queue.node.range[0], loc: nodeLocation(queue.node),
    // Options other than the dead-letter queue may change without making the finding new.
    anchor: `${model.regionOf(queue.node).name}|sqs.Queue|${queue.label}`,
  }));
}

/**
 * rules.md rule 6 variant 6 "consumed in the repository": receive loops and sqs-consumer handlers.
 * Lambda SQS handlers name no queue (the event source mapping does, see SqsEventSource).
 */
function sqsConsumerSites(model: CodeModel): SqsConsumerSite[] {
  // Every SQS consumer names its module (client-sqs, aws-sdk's SQS, sqs-consumer): spare the rest.
  if (!/sqs/i.test(model.text)) return [];
  const out: SqsConsumerSite[] = [];
  for (const handler of findHandlers(model)) {
    if ((handler.library !== 'sqs' && handler.library !== 'sqs-consumer') || !handler.channel) continue;
    const text = model.text.slice(handler.root.range[0], handler.root.range[1]);
    out.push({
      path: model.path, line: model.line(handler.registration), queue: handler.channel, library: handler.library,
      countsReceives: text.includes('ApproximateReceiveCount'),
    });
  }
  return out;
}

/** rules.md rule 44: EventBridge detail types and BullMQ job names are not channel event types. */
function publishSites(model: CodeModel, effect: Effect, reported: boolean): PublishSite[] {
  if (effect.library === 'eventbridge' || effect.library === 'bullmq') return [];
  const meta = publishMetadata(model, effect);
  if (!meta) return [];
  const out: PublishSite[] = [];
  for (const message of meta.messages) {
    if (!message.channel) continue;
    const eventType = eventTypeOf(model, message);
    if (eventType === null) continue;
    out.push({
      path: model.path, line: model.line(effect.call), reported, channel: message.channel, eventType,
      start: effect.call.range[0], loc: nodeLocation(effect.call), anchor: nodeAnchor(model, effect.call),
    });
  }
  return out;
}

/** A model for a repository file read only for its definitions (no rules run on it). */
function modelOf(file: RepoFile, config: Config): CodeModel | null {
  const parsed = parseCode(file.path, file.text);
  if (!parsed.ok) return null;
  const patterns = compiledPatterns(config);
  const options: CodeModelOptions = {
    wrappers: { publish: config.wrappers.publish, dbWrite: config.wrappers.dbWrite },
    outboxPattern: patterns.outboxTable,
    envPrefixPattern: patterns.envPrefix,
  };
  const model = new CodeModel(parsed.ast, file.path, file.text, options);
  traverse(parsed.ast, [model.collector()]);
  return model;
}

/** Parses code files into models and builds the index: for callers outside the code runner (tests, scripts). */
export function crossFileIndexFromSources(codeFiles: readonly RepoFile[], repoFiles: readonly RepoFile[], config: Config, repoPaths?: readonly string[]): CrossFileIndex {
  const models = codeFiles.map((f) => modelOf(f, config)).filter((m): m is CodeModel => m !== null);
  return buildCrossFileIndex({ models, repoFiles, ...(repoPaths ? { repoPaths } : {}), config });
}

/**
 * The written entity (`getRepository(Order)`, `db.insert(orders)`) or the DB handle itself is
 * imported from a file of another service: the write reaches into that service's schema.
 */
function importedFromOtherService(
  model: CodeModel,
  call: CallLike,
  target: string,
  service: string,
  serviceOf: (path: string) => string | null,
): WriteSite['importedFrom'] {
  const names = new Set<string>([target]);
  let receiver = calleeOf(call);
  for (let hops = 0; hops < 8; hops++) {
    const node = unwrap(receiver);
    if (node.type === 'MemberExpression') receiver = node.object;
    else if (node.type === 'CallExpression') receiver = node.callee;
    else {
      if (node.type === 'Identifier') names.add(node.name);
      break;
    }
  }
  for (const name of names) {
    const binding = model.imports.get(name);
    if (!binding || !binding.module.startsWith('.')) continue;
    const resolved = posix.normalize(posix.join(posix.dirname(model.path), binding.module));
    const owner = serviceOf(`${resolved}/`) ?? serviceOf(resolved);
    if (owner && owner !== service) return { service: owner, module: binding.module };
  }
  return null;
}

// ------------------------------------------------------------------ deployment config

const DB_URL = /\b(postgres(?:ql)?|mysql|mariadb|mongodb(?:\+srv)?):\/\/(?:([^\s:@/'"]+)(?::[^\s@/'"]*)?@)?([^\s/'"?,]+)\/([A-Za-z0-9_-]+)/g;
const READ_ONLY_USER = /(^|[_.-])(ro|read|readonly|reader|replica|report|reporting|analytics)([_.-]|$)/i;
const GENERIC_DATABASES = new Set(['postgres', 'template1', 'admin', 'test', 'mysql', 'local']);

/** Database URLs in `.env`, compose and Kubernetes files, skipping read-only users and replica hosts. */
export function databaseReferences(file: RepoFile, service: string): DatabaseReference[] {
  const out: DatabaseReference[] = [];
  const lines = file.text.split('\n');
  lines.forEach((line, index) => {
    if (/^\s*#/.test(line)) return;
    for (const match of line.matchAll(DB_URL)) {
      const user = match[2] ?? null;
      const host = match[3]!.toLowerCase();
      const database = match[4]!;
      if (/\$\{|\{\{/.test(host) || GENERIC_DATABASES.has(database.toLowerCase())) continue;
      if ((user && READ_ONLY_USER.test(user)) || /replica|reader|read-only|readonly/.test(host)) continue;
      out.push({ service, path: file.path, line: index + 1, database: `${host.replace(/:\d+$/, '')}/${database}`, user });
    }
  });
  return out;
}
