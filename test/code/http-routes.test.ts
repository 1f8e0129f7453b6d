import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { routeLabel, writeHandlers } from '../../src/code/http-routes.js';
import { build } from './model-helpers.js';

const labels = (code: string, path?: string) => writeHandlers(build(code, path)).map((r) => `${routeLabel(r)} ${r.framework}/${r.via}`);

describe('write handlers (rules.md rule 45 inputs)', () => {
  it('express app and Router write methods, not reads', () => {
    assert.deepEqual(labels(`import express, { Router } from 'express';
const app = express();
const router = Router();
app.get('/a', (req, res) => res.end());
app.post('/orders', async (req, res) => res.end());
router.delete('/orders/:id', auth, async (req, res) => res.end());
router.route('/carts').put(async (req, res) => res.end());
declare const auth: any;`), ['POST /orders express/binding', 'DELETE /orders/:id express/binding', 'PUT /carts express/binding']);
  });

  it('fastify shorthand and route({ method })', () => {
    assert.deepEqual(labels(`import Fastify from 'fastify';
const fastify = Fastify();
fastify.patch('/members/:id', async () => ({}));
fastify.route({ method: ['GET', 'POST'], url: '/points', handler: async () => ({}) });`), ['PATCH /members/:id fastify/binding', 'POST /points fastify/binding']);
  });

  it('NestJS decorators with the controller prefix', () => {
    assert.deepEqual(labels(`import { Controller, Post, Get, Delete } from '@nestjs/common';
@Controller('orders')
export class OrdersController {
  @Get() list() { return []; }
  @Post() create() { return {}; }
  @Delete(':id') remove() { return {}; }
}`), ['POST /orders nestjs/binding', 'DELETE /orders/:id nestjs/binding']);
  });

  it('Next.js app-router route files', () => {
    assert.deepEqual(labels(`export async function GET() { return new Response(); }
export async function POST(req: Request) { return new Response(); }
export const PUT = async () => new Response();`, 'apps/web/app/api/orders/route.ts'), ['POST /api/orders next/binding', 'PUT /api/orders next/binding']);
  });

  it('router known only by name; HTTP clients are not routers', () => {
    assert.deepEqual(labels(`import axios from 'axios';
export function mount(app: any) {
  app.post('/webhooks', async (req: any, res: any) => res.end());
}
export const call = () => axios.post('/x', {}, { timeout: 1 });`), ['POST /webhooks express/name']);
  });
});
