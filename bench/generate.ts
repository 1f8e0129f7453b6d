// Realistic generated pull requests for `npm run bench`: a monorepo of services, each changed file a
// real service file from the labelled corpus (fixtures/corpus: consumers, producers, repositories,
// HTTP clients) extended with typed handlers that read and write a database and publish events, so
// files are 100-200 lines like ordinary service code. 85% of the changed files are modified (one
// handler edited, one added), 15% are new. Deterministic: the same size always gives the same files.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../', import.meta.url));

function corpusFiles(): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      const full = join(d, name);
      if (statSync(full).isDirectory()) walk(full);
      else if (/\.ts$/.test(name) && !/\.(test|spec)\.ts$/.test(name)) out.push(full);
    }
  };
  walk(join(ROOT, 'fixtures/corpus'));
  return out;
}

function handlers(i: number, variant: 'v1' | 'v2'): string {
  const parts: string[] = [`
export interface Order${i} {
  id: string;
  customerId: string;
  amountCents: number;
  currency: 'EUR' | 'USD';
  lines: { sku: string; qty: number; priceCents: number }[];
  createdAt: Date;
}

export class OrderError${i} extends Error {
  constructor(readonly code: 'NOT_FOUND' | 'INVALID', message: string) {
    super(message);
  }
}
`];
  for (let h = 0; h < 4; h++) {
    const changed = variant === 'v2' && h === 1;
    parts.push(`
/** Handler ${h} of module ${i}. */
export async function handle${i}x${h}(db: any, producer: any, input: { id: string; amountCents: number }): Promise<Order${i} | null> {
  const existing = await db.order${h}.findUnique({ where: { id: input.id } });
  if (!existing) {
    throw new OrderError${i}('NOT_FOUND', \`order \${input.id} not found\`);
  }
  const total = existing.lines.reduce((sum: number, line: { qty: number; priceCents: number }) => sum + line.qty * line.priceCents, 0);
  if (total !== input.amountCents${changed ? ' && input.amountCents > 0' : ''}) {
    return null;
  }
  const updated = await db.order${h}.update({ where: { id: input.id }, data: { amountCents: total${changed ? ', updatedAt: new Date()' : ''} } });
  await producer.send({
    topic: 'orders.updated.v1',
    messages: [{ key: updated.id, value: JSON.stringify({ id: updated.id, total }) }],
  });
  return { ...updated, createdAt: new Date(updated.createdAt) };
}
`);
  }
  if (variant === 'v2') {
    parts.push(`
export function summarise${i}(orders: Order${i}[]): Record<string, number> {
  const byCurrency: Record<string, number> = {};
  for (const order of orders) {
    byCurrency[order.currency] = (byCurrency[order.currency] ?? 0) + order.amountCents;
  }
  return byCurrency;
}
`);
  }
  return parts.join('');
}

export interface BenchPr {
  base: Record<string, string>;
  head: Record<string, string>;
  /** Changed TypeScript files (head paths). */
  changed: string[];
  added: Set<string>;
}

export function generatePullRequest(size: number): BenchPr {
  const corpus = corpusFiles().map((p) => readFileSync(p, 'utf8'));
  const services = Math.max(2, Math.ceil(size / 40));
  const base: Record<string, string> = {
    'package.json': '{ "name": "monorepo", "private": true, "workspaces": ["services/*"] }\n',
  };
  for (let s = 0; s < services; s++) {
    base[`services/svc${s}/package.json`] = JSON.stringify({ name: `svc${s}`, main: 'src/index.ts', dependencies: { '@prisma/client': '6.0.0', kafkajs: '2.2.4' } });
    base[`services/svc${s}/src/index.ts`] = `export const service = 'svc${s}';\n`;
    // Unchanged neighbours, as in a real repository.
    for (let n = 0; n < 5; n++) base[`services/svc${s}/src/lib/util-${n}.ts`] = `export function util${n}(x: number): number {\n  return x * ${n + 1};\n}\n`;
  }
  const head: Record<string, string> = { ...base };
  const changed: string[] = [];
  const added = new Set<string>();
  for (let i = 0; i < size; i++) {
    const s = i % services;
    const path = `services/svc${s}/src/modules/module-${i}.ts`;
    const original = `// module ${i}\n${corpus[i % corpus.length]!}`;
    const isNew = i % 7 === 3;
    if (!isNew) base[path] = `${original}${handlers(i, 'v1')}`;
    else added.add(path);
    head[path] = `${original}${handlers(i, 'v2')}`;
    changed.push(path);
  }
  return { base, head, changed, added };
}
