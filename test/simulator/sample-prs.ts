// Generated sample pull requests for measuring request counts: a monorepo of services, each with
// handlers importing shared helpers, feature docs, and a change touching `files` paths in all:
// mostly modified handlers, some new ones, feature docs and tests, and one dual-write. Handlers are
// written the way a clean service would be (declared channel, trace context), so the findings stay few
// and the counts measure reads and writes rather than annotation volume.
import { readFileSync } from 'node:fs';
import { readSnapshot } from './fixture-repo.js';

const demo = new URL('../../fixtures/demo/base/', import.meta.url);
// Every service gets a copy of the demo's complete feature docs, so that the docs are clean and the
// counts measure reads and writes rather than annotation volume.
const featureDocs = readSnapshot(new URL('docs/features/order-placement/', demo).pathname);
const design = featureDocs['design.md']!;

function handler(service: number, n: number, variant: string): string {
  return `import { prisma } from './db.js';
import { producer } from './kafka.js';

// ${variant}
export async function handle${n}(input: { id: string; amount: number }) {
  const row = await prisma.record${n}.findUnique({ where: { id: input.id } });
  if (!row) return null;
  return { service: ${service}, id: row.id, amount: input.amount + ${n} };
}

export async function announce${n}(orderId: string, trace: { traceparent: string; correlationId: string }) {
  await producer.send({
    topic: 'orders.placed.v1',
    messages: [{ key: orderId, value: orderId, headers: { traceparent: trace.traceparent, correlationid: trace.correlationId } }],
  });
}
`;
}

const DB = "import { PrismaClient } from '@prisma/client';\n\nexport const prisma = new PrismaClient();\n";
const KAFKA = "import { Kafka } from 'kafkajs';\n\nexport const producer = new Kafka({ clientId: 'svc', brokers: ['kafka:9092'] }).producer();\n";

export interface SamplePr {
  base: Record<string, string>;
  head: Record<string, string>;
  changed: number;
}

/** A pull request changing exactly `files` paths. */
export function samplePullRequest(files: number): SamplePr {
  const services = Math.max(2, Math.ceil(files / 40));
  const perService = Math.ceil((files * 0.85) / services);
  const base: Record<string, string> = {
    'package.json': '{ "name": "monorepo", "private": true, "dependencies": { "@prisma/client": "6.0.0", "kafkajs": "2.2.4" } }\n',
  };
  for (let s = 0; s < services; s++) {
    base[`services/svc${s}/src/db.ts`] = DB;
    base[`services/svc${s}/src/kafka.ts`] = KAFKA;
    for (let n = 0; n < perService + 5; n++) base[`services/svc${s}/src/handler-${n}.ts`] = handler(s, n, 'v1');
    for (const [file, text] of Object.entries(featureDocs)) {
      base[`docs/features/svc${s}/${file}`] = file === 'design.md' ? design.replace('Order Placement', `Service ${s}`) : text;
    }
  }
  const head = { ...base };
  let changed = 0;
  const change = (path: string, text: string) => {
    if (changed >= files) return;
    head[path] = text;
    changed++;
  };
  // One real dual-write, so the run posts a review as well.
  change('services/svc0/src/place-order.ts', readFileSync(new URL('../../fixtures/demo/head/services/orders/src/place-order.ts', import.meta.url), 'utf8'));
  for (let s = 0; s < services; s++) change(`docs/features/svc${s}/design.md`, `${base[`docs/features/svc${s}/design.md`]}\n## Notes\n- Revised.\n`);
  for (let s = 0; s < services; s++) change(`services/svc${s}/test/handler.test.ts`, "import { test } from 'node:test';\ntest('handler', () => {});\n");
  for (let n = 0; changed < files; n++) {
    for (let s = 0; s < services && changed < files; s++) {
      const path = `services/svc${s}/src/handler-${n}.ts`;
      if (base[path]) change(path, handler(s, n, 'v2: reads the amount once'));
      else change(`services/svc${s}/src/new-handler-${n}.ts`, handler(s, n, 'new'));
    }
  }
  return { base, head, changed };
}
