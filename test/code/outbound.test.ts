import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  hostOf,
  isInternal,
  isOutboundSettled,
  outboundCall,
  outboundReachedFrom,
  serviceOf,
  type OutboundCall,
} from '../../src/code/outbound.js';
import { defaultConfig } from '../../src/config/schema.js';
import { build, call } from './model-helpers.js';

const options = { internalHosts: defaultConfig.internalHosts };

function outbound(code: string, callee: string, nth = 0): OutboundCall {
  const model = build(code);
  const found = outboundCall(model, call(model, callee, nth), options);
  assert.ok(found, `${callee} is not an outbound call`);
  return found;
}

function notOutbound(code: string, callee: string): void {
  const model = build(code);
  assert.equal(outboundCall(model, call(model, callee), options), null);
}

describe('outbound calls (rules.md §2.9)', () => {
  describe('fetch', () => {
    it('global fetch: GET by default, external literal URL, no timeout', () => {
      const c = outbound(`export async function f() { await fetch('https://api.example.com/v1/things'); }`, 'fetch');
      assert.equal(c.client, 'fetch');
      assert.equal(c.method, 'GET');
      assert.equal(c.target.host, 'api.example.com');
      assert.equal(c.internal, false);
      assert.deepEqual(c.timeout, { state: 'absent', how: null });
    });

    it('AbortSignal.timeout and method from init', () => {
      const c = outbound(`export async function f() { await fetch('https://x.example.com', { method: 'put', signal: AbortSignal.timeout(1000) }); }`, 'fetch');
      assert.equal(c.method, 'PUT');
      assert.deepEqual(c.timeout, { state: 'present', how: 'AbortSignal.timeout' });
    });

    it('AbortController aborted by setTimeout', () => {
      const c = outbound(`export async function f() {
  const ac = new AbortController();
  setTimeout(() => ac.abort(), 500);
  await fetch('https://x.example.com', { signal: ac.signal });
}`, 'fetch');
      assert.equal(c.timeout.how, 'AbortController with setTimeout');
    });

    it('init built elsewhere is unknown, init resolved through a local const is read', () => {
      assert.equal(outbound(`export async function f(init: RequestInit) { await fetch('https://x', init); }`, 'fetch').timeout.state, 'unknown');
      const local = outbound(`export async function f() { const init = { method: 'POST', signal: AbortSignal.timeout(5) }; await fetch('https://x.example.com', init); }`, 'fetch');
      assert.equal(local.method, 'POST');
      assert.equal(local.timeout.state, 'present');
    });

    it('node-fetch default import and undici fetch', () => {
      assert.equal(outbound(`import fetch from 'node-fetch';\nexport const f = () => fetch('https://x.example.com', { timeout: 5000 });`, 'fetch').timeout.how, 'timeout option');
      assert.equal(outbound(`import { fetch } from 'undici';\nexport const f = () => fetch('https://x.example.com');`, 'fetch').client, 'undici');
    });

    it('fetchApi marks the fetch API whatever module provides it, not undici request', () => {
      assert.equal(outbound(`import { fetch } from 'undici';\nexport const f = () => fetch('https://x.example.com');`, 'fetch').fetchApi, true);
      assert.equal(outbound(`import * as undici from 'undici';\nexport const f = () => undici.fetch('https://x.example.com');`, 'undici.fetch').fetchApi, true);
      assert.equal(outbound(`export const f = () => fetch('https://x.example.com');`, 'fetch').fetchApi, true);
      assert.equal(outbound(`import { request } from 'undici';\nexport const f = () => request('http://a-service/x');`, 'request').fetchApi, false);
      assert.equal(outbound(`import * as undici from 'undici';\nexport const f = () => undici.request('http://a-service/x');`, 'undici.request').fetchApi, false);
    });

    it('an undici global dispatcher makes a bare fetch unknown', () => {
      assert.equal(outbound(`import { Agent, setGlobalDispatcher } from 'undici';
setGlobalDispatcher(new Agent({ headersTimeout: 5_000, bodyTimeout: 5_000 }));
export const f = () => fetch('https://x.example.com');`, 'fetch').timeout.state, 'unknown');
    });

    it('a local function named fetch is not the global', () => {
      notOutbound(`function fetch(x: string) { return x; }\nexport const f = () => fetch('a');`, 'fetch');
    });
  });

  describe('axios', () => {
    it('default export method with an env-var template URL: internal, POST, no timeout', () => {
      const c = outbound(`import axios from 'axios';
export const f = (b: unknown) => axios.post(\`\${process.env.INVENTORY_SERVICE_URL}/reservations\`, b);`, 'axios.post');
      assert.equal(c.method, 'POST');
      assert.equal(c.target.envVar, 'INVENTORY_SERVICE_URL');
      assert.equal(c.target.text, '${INVENTORY_SERVICE_URL}/reservations');
      assert.equal(c.internal, true);
      assert.equal(c.timeout.state, 'absent');
    });

    it('call config timeout (third argument for body methods, second otherwise)', () => {
      assert.equal(outbound(`import axios from 'axios';\nexport const f = () => axios.put('https://x.example.com', {}, { timeout: 10 });`, 'axios.put').timeout.how, 'timeout option');
      assert.equal(outbound(`import axios from 'axios';\nexport const f = () => axios.get('https://x.example.com', { timeout: 10 });`, 'axios.get').timeout.state, 'present');
    });

    it('axios(config) reads url and method from the config; a config parameter is unknown', () => {
      const c = outbound(`import axios from 'axios';\nexport const f = () => axios({ url: 'http://orders-service/orders', method: 'delete', timeout: 1 });`, 'axios');
      assert.equal(c.method, 'DELETE');
      assert.equal(c.target.host, 'orders-service');
      assert.equal(c.internal, true);
      assert.equal(outbound(`import axios from 'axios';\nexport const f = (cfg: any) => axios(cfg);`, 'axios').timeout.state, 'unknown');
    });

    it('axios.create instance: base URL and instance timeout', () => {
      const c = outbound(`import axios from 'axios';
const api = axios.create({ baseURL: 'http://billing.payments.svc.cluster.local', timeout: 2000 });
export const f = () => api.get('/invoices');`, 'api.get');
      assert.equal(c.target.host, 'billing.payments.svc.cluster.local');
      assert.equal(c.target.text, 'http://billing.payments.svc.cluster.local/invoices');
      assert.equal(c.internal, true);
      assert.deepEqual(c.timeout, { state: 'present', how: 'instance timeout' });
    });

    it('instance in a class field, defaults.timeout assignment, interceptors', () => {
      const field = outbound(`import axios from 'axios';
export class Crm {
  private http = axios.create({ baseURL: process.env.CRM_URL });
  push() { return this.http.post('/contacts', {}); }
}`, 'this.http.post');
      assert.equal(field.timeout.state, 'absent');
      assert.equal(field.target.envVar, 'CRM_URL');
      assert.equal(outbound(`import axios from 'axios';\nconst api = axios.create();\napi.defaults.timeout = 3000;\nexport const f = () => api.get('/x');`, 'api.get').timeout.how, 'defaults.timeout');
      assert.equal(outbound(`import axios from 'axios';\nconst api = axios.create();\napi.interceptors.request.use((c) => c);\nexport const f = () => api.get('/x');`, 'api.get').timeout.state, 'unknown');
    });

    it('typed AxiosInstance and NestJS HttpService: recognised, timeout unknown', () => {
      const typed = outbound(`import type { AxiosInstance } from 'axios';\nexport const f = (http: AxiosInstance) => http.get('/x');`, 'http.get');
      assert.equal(typed.client, 'axios');
      assert.equal(typed.timeout.state, 'unknown');
      const nest = outbound(`import { HttpService } from '@nestjs/axios';
export class C { constructor(private readonly http: HttpService) {} go() { return this.http.post('http://ledger-service/postings', {}); } }`, 'this.http.post');
      assert.equal(nest.target.host, 'ledger-service');
      assert.equal(nest.timeout.state, 'unknown');
    });

    it('NestJS ConfigService.get of an env var name', () => {
      const c = outbound(`import axios from 'axios';
export class C { constructor(private readonly config: { get(k: string): string }) {}
  go() { return axios.post(\`\${this.config.get('PAYMENTS_SERVICE_URL')}/charges\`, {}); } }`, 'axios.post');
      assert.equal(c.target.envVar, 'PAYMENTS_SERVICE_URL');
      assert.equal(c.internal, true);
    });

    it('a base URL const with an env var and a literal fallback', () => {
      const c = outbound(`import axios from 'axios';
const BASE = process.env.STOCK_URL ?? 'http://stock-service:8080';
export const f = () => axios.get(\`\${BASE}/levels\`);`, 'axios.get');
      assert.equal(c.target.envVar, 'STOCK_URL');
      assert.equal(c.target.host, 'stock-service');
      assert.equal(c.internal, true);
    });
  });

  describe('got, undici, http', () => {
    it('got methods and got.extend instances', () => {
      assert.equal(outbound(`import got from 'got';\nexport const f = () => got('https://x.example.com');`, 'got').timeout.state, 'absent');
      const c = outbound(`import got from 'got';
const psp = got.extend({ prefixUrl: 'https://psp.example.com', timeout: { request: 1000 } });
export const f = () => psp.post('captures', { json: {} });`, 'psp.post');
      assert.equal(c.method, 'POST');
      assert.equal(c.target.host, 'psp.example.com');
      assert.equal(c.timeout.how, 'instance timeout');
    });

    it('undici request timeouts and Pool origins', () => {
      assert.equal(outbound(`import { request } from 'undici';\nexport const f = () => request('http://a-service/x', { headersTimeout: 1000 });`, 'request').timeout.how, 'headersTimeout option');
      const pooled = outbound(`import { Pool } from 'undici';
const pool = new Pool('http://inventory-service:3000');
export const f = () => pool.request({ path: '/stock', method: 'POST' });`, 'pool.request');
      assert.equal(pooled.client, 'undici');
      assert.equal(pooled.method, 'POST');
      assert.equal(pooled.target.host, 'inventory-service');
    });

    it('http.request options with a setTimeout on the request', () => {
      const c = outbound(`import http from 'node:http';
export function f() {
  const req = http.request({ hostname: 'orders-service', path: '/x', method: 'POST' });
  req.setTimeout(2000);
  req.end();
}`, 'http.request');
      assert.equal(c.method, 'POST');
      assert.equal(c.target.host, 'orders-service');
      assert.equal(c.timeout.how, 'setTimeout on the request');
    });
  });

  describe('gRPC', () => {
    it('service constructor from loadPackageDefinition', () => {
      const c = outbound(`import * as grpc from '@grpc/grpc-js';
import * as loader from '@grpc/proto-loader';
const proto = grpc.loadPackageDefinition(loader.loadSync('x.proto')) as any;
const ledger = new proto.ledger.v1.Ledger('ledger-service:50051', grpc.credentials.createInsecure());
export const f = (req: unknown) => ledger.post(req, (err: unknown) => err);`, 'ledger.post');
      assert.equal(c.client, 'grpc');
      assert.equal(c.method, 'post');
      assert.equal(c.grpcClient, 'proto.ledger.v1.Ledger');
      assert.equal(c.target.host, 'ledger-service');
      assert.equal(c.internal, true);
      assert.equal(c.timeout.state, 'absent');
    });

    it('generated *_grpc_pb client with a deadline; metadata arguments do not hide it', () => {
      const c = outbound(`import * as grpc from '@grpc/grpc-js';
import { OrdersClient } from './gen/orders_grpc_pb';
const client = new OrdersClient('orders:50051', grpc.credentials.createInsecure());
export const f = (req: unknown) => client.get(req, new grpc.Metadata(), { deadline: Date.now() + 100 }, () => {});`, 'client.get');
      assert.equal(c.timeout.state, 'present');
      assert.equal(serviceOf(c), 'OrdersClient');
    });

    it('plumbing methods and clients with interceptors', () => {
      notOutbound(`import * as grpc from '@grpc/grpc-js';
import { OrdersClient } from './gen/orders_grpc_pb';
const client = new OrdersClient('orders:50051', grpc.credentials.createInsecure());
export const f = () => client.close();`, 'client.close');
      assert.equal(outbound(`import * as grpc from '@grpc/grpc-js';
import { OrdersClient } from './gen/orders_grpc_pb';
const client = new OrdersClient('orders:50051', grpc.credentials.createInsecure(), { interceptors: [] });
export const f = (r: unknown) => client.get(r, () => {});`, 'client.get').timeout.state, 'unknown');
    });
  });

  it('ignores look-alikes: a Map get, a redis get, an unrelated post', () => {
    notOutbound(`const m = new Map();\nexport const f = () => m.get('a');`, 'm.get');
    notOutbound(`import Redis from 'ioredis';\nconst redis = new Redis();\nexport const f = () => redis.get('a');`, 'redis.get');
    notOutbound(`export const f = (mailer: { post(x: string): void }) => mailer.post('x');`, 'mailer.post');
  });

  it('settled through .json() chains and firstValueFrom', () => {
    const model = build(`import got from 'got';
import { firstValueFrom } from 'rxjs';
import { HttpService } from '@nestjs/axios';
export class C {
  constructor(private readonly http: HttpService) {}
  async go() {
    await got('https://x.example.com').json();
    await firstValueFrom(this.http.get('https://y.example.com'));
    got('https://z.example.com');
  }
}`);
    assert.equal(isOutboundSettled(model, call(model, 'got', 0)), true);
    assert.equal(isOutboundSettled(model, call(model, 'this.http.get')), true);
    assert.equal(isOutboundSettled(model, call(model, 'got', 1)), false);
  });

  it('reaches outbound calls through local helpers', () => {
    const model = build(`import axios from 'axios';
async function charge() { return axios.post('http://payments-service/charges', {}); }
export async function handler() {
  await axios.post('http://cart-service/lock', {});
  await charge();
}`);
    const fn = model.functions.find((f) => f.type === 'FunctionDeclaration' && f.id?.name === 'handler')!;
    const reached = outboundReachedFrom(model, [fn.body], options, 1);
    assert.deepEqual(reached.map((r) => r.outbound.target.host).sort(), ['cart-service', 'payments-service']);
    assert.ok(reached.find((r) => r.outbound.target.host === 'payments-service')!.helper);
  });

  it('hostOf and internal host globs', () => {
    assert.equal(hostOf('https://user@api.example.com:8443/x?y'), 'api.example.com');
    assert.equal(hostOf('/relative/path'), null);
    assert.equal(hostOf('orders/123'), null);
    assert.equal(hostOf('orders-service:50051', true), 'orders-service');
    assert.equal(hostOf('dns:///orders:50051', true), 'orders');
    const globs = defaultConfig.internalHosts;
    assert.equal(isInternal({ text: null, host: 'inventory.shop.svc.cluster.local', envVar: null }, globs), true);
    assert.equal(isInternal({ text: null, host: 'pricing-service', envVar: null }, globs), true);
    assert.equal(isInternal({ text: null, host: null, envVar: 'PRICING_SERVICE_URL' }, globs), true);
    assert.equal(isInternal({ text: null, host: 'api.stripe.com', envVar: 'STRIPE_URL' }, globs), false);
  });
});
