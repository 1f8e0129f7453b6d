import rule from '../../rules/code/sync-rpc-chain.js';
import { defaultConfig } from '../../src/config/schema.js';
import { testCodeRule } from '../harness/code-rule-tester.js';

testCodeRule(rule, {
  valid: [
    {
      name: 'accept the command, record it with an outbox (spec Passes)',
      code: `import express from 'express';
import { placeOrder } from './orders.js';
const app = express();
app.post('/orders', async (req, res) => {
  const order = await placeOrder(req.body); // local transaction + outbox row
  res.status(202).json({ orderId: order.id, status: 'PENDING' });
});
`,
    },
    {
      name: 'one internal callee only (handler plus one service is below the threshold)',
      code: `import express from 'express';
import axios from 'axios';
const app = express();
app.post('/orders', async (req, res) => {
  await axios.post(\`\${process.env.INVENTORY_SERVICE_URL}/reservations\`, req.body, { timeout: 2_000 });
  res.status(201).end();
});
`,
    },
    {
      name: 'external SaaS calls are not internal services',
      code: `import express from 'express';
import axios from 'axios';
const app = express();
app.post('/signup', async (req, res) => {
  await axios.post('https://api.stripe.com/v1/customers', req.body, { timeout: 2_000 });
  await axios.post('https://api.sendgrid.com/v3/mail/send', req.body, { timeout: 2_000 });
  res.status(201).end();
});
`,
    },
    {
      name: 'the same service called twice counts once',
      code: `import express from 'express';
import axios from 'axios';
const app = express();
app.post('/orders', async (req, res) => {
  await axios.post(\`\${process.env.INVENTORY_SERVICE_URL}/reservations\`, req.body, { timeout: 2_000 });
  await axios.post(\`\${process.env.INVENTORY_SERVICE_URL}/holds\`, req.body, { timeout: 2_000 });
  res.status(201).end();
});
`,
    },
    {
      name: 'a read route aggregating several services (GET is not a write path)',
      code: `import express from 'express';
import axios from 'axios';
const app = express();
app.get('/orders/:id', async (req, res) => {
  const a = await axios.get(\`\${process.env.INVENTORY_SERVICE_URL}/stock\`);
  const b = await axios.get(\`\${process.env.PAYMENTS_SERVICE_URL}/charges\`);
  res.json({ a: a.data, b: b.data });
});
`,
    },
    {
      name: 'fire-and-forget calls are not awaited on the write path',
      code: `import express from 'express';
import axios from 'axios';
const app = express();
app.post('/orders', async (req, res) => {
  void axios.post(\`\${process.env.ANALYTICS_SERVICE_URL}/events\`, req.body);
  void axios.post(\`\${process.env.AUDIT_SERVICE_URL}/entries\`, req.body);
  res.status(202).end();
});
`,
    },
    {
      name: 'threshold raised to 4 in the configuration',
      config: { thresholds: { ...defaultConfig.thresholds, rpcChainServices: 4 } },
      code: `import express from 'express';
import axios from 'axios';
const app = express();
app.post('/orders', async (req, res) => {
  await axios.post(\`\${process.env.INVENTORY_SERVICE_URL}/reservations\`, req.body, { timeout: 2_000 });
  await axios.post(\`\${process.env.PAYMENTS_SERVICE_URL}/charges\`, req.body, { timeout: 2_000 });
  res.status(201).end();
});
`,
    },
  ],
  invalid: [
    {
      name: 'three internal services on one POST (spec Fails)',
      code: `import express from 'express';
import axios from 'axios';
const app = express();
app.post('/orders', async (req, res) => {
  const stock = await axios.post(\`\${process.env.INVENTORY_SERVICE_URL}/reservations\`, req.body, { timeout: 2_000 });
  const charge = await axios.post(\`\${process.env.PAYMENTS_SERVICE_URL}/charges\`, req.body, { timeout: 2_000 });
  await axios.post(\`\${process.env.SHIPPING_SERVICE_URL}/shipments\`,
    { ...req.body, reservation: stock.data.id, charge: charge.data.id }, { timeout: 2_000 });
  res.status(201).end();
});
`,
      errors: [{ messageId: 'rpcChain', line: 4, column: 1, precision: 'Heuristic', severity: 'Important' }],
    },
    {
      name: 'NestJS @Post calling two cluster-local services through HttpService and firstValueFrom',
      filename: 'services/orders/src/orders.controller.ts',
      code: `import { Body, Controller, Post } from '@nestjs/common';
import { HttpService } from '@nestjs/axios';
import { firstValueFrom } from 'rxjs';

@Controller('orders')
export class OrdersController {
  constructor(private readonly http: HttpService) {}

  @Post()
  async create(@Body() dto: { sku: string }) {
    await firstValueFrom(this.http.post('http://inventory.orders.svc.cluster.local/reservations', dto));
    await firstValueFrom(this.http.post('http://payments.billing.svc.cluster.local/charges', dto));
    return { status: 'CREATED' };
  }
}
`,
      errors: [{ messageId: 'rpcChain', line: 9 }],
    },
    {
      name: 'fetch and a one-hop helper with a bare *-service host (Fastify route)',
      code: `import Fastify from 'fastify';

const fastify = Fastify();

async function charge(body: unknown) {
  const res = await fetch('http://payments-service:8080/charges', { method: 'POST', body: JSON.stringify(body), signal: AbortSignal.timeout(2_000) });
  return res.json();
}

fastify.route({
  method: 'POST',
  url: '/checkout',
  handler: async (request, reply) => {
    await fetch('http://cart-service:8080/lock', { method: 'POST', signal: AbortSignal.timeout(1_000) });
    await charge(request.body);
    return reply.code(201).send();
  },
});
`,
      errors: [{ messageId: 'rpcChain', line: 10 }],
    },
    {
      name: 'gRPC clients of two services on a Next.js route handler',
      filename: 'apps/web/app/api/orders/route.ts',
      code: `import * as grpc from '@grpc/grpc-js';
import { InventoryServiceClient } from '@acme/protos/inventory_grpc_pb';
import { PaymentsServiceClient } from '@acme/protos/payments_grpc_pb';

const inventory = new InventoryServiceClient('inventory:50051', grpc.credentials.createInsecure());
const payments = new PaymentsServiceClient('payments:50051', grpc.credentials.createInsecure());

const call = <T>(fn: (cb: (err: Error | null, res: T) => void) => void) =>
  new Promise<T>((resolve, reject) => fn((err, res) => (err ? reject(err) : resolve(res))));

export async function POST(request: Request) {
  const body = await request.json();
  await call((cb) => inventory.reserve(body, { deadline: Date.now() + 1_000 }, cb));
  await call((cb) => payments.charge(body, { deadline: Date.now() + 1_000 }, cb));
  return Response.json({ ok: true }, { status: 201 });
}
`,
      errors: [{ messageId: 'rpcChain', line: 11 }],
    },
  ],
});
