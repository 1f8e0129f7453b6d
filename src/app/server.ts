// The HTTP front: webhook deliveries and a health endpoint. Signatures are checked here, before
// Probot sees a byte, because Probot logs the whole payload of a delivery with a bad signature; an
// unsigned or forged delivery is answered 401 and logged by delivery id only.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Probot } from 'probot';
import type { Log } from './review-pr.js';

/** GitHub does not deliver payloads above 25 MB. */
const MAX_BODY_BYTES = 25 * 1024 * 1024;

export interface AppServerOptions {
  probot: Probot;
  secret: string;
  webhookPath?: string;
  log: Log;
  /** Extra fields for the health answer (queue sizes). */
  health?: () => Record<string, unknown>;
}

export function signatureMatches(secret: string, body: Buffer, header: string | undefined): boolean {
  if (!header?.startsWith('sha256=')) return false;
  const expected = Buffer.from(`sha256=${createHmac('sha256', secret).update(body).digest('hex')}`);
  const given = Buffer.from(header);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  res.writeHead(status, { 'content-type': typeof body === 'string' ? 'text/plain' : 'application/json' }).end(text);
}

async function readBody(req: IncomingMessage): Promise<Buffer | null> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) return null;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

const header = (req: IncomingMessage, name: string): string | undefined => {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
};

export function createAppServer(options: AppServerOptions): Server {
  const path = options.webhookPath ?? '/api/github/webhooks';
  return createServer((req, res) => {
    void route(req, res).catch((error: unknown) => {
      options.log.error({ err: (error as Error).message }, 'request failed');
      if (!res.headersSent) send(res, 500, { error: 'internal error' });
    });
  });

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (req.method === 'GET' && (url.pathname === '/healthz' || url.pathname === '/ping')) {
      send(res, 200, { status: 'ok', ...(options.health?.() ?? {}) });
      return;
    }
    if (url.pathname !== path) {
      send(res, 404, { error: 'not found' });
      return;
    }
    if (req.method !== 'POST') {
      send(res, 405, { error: 'webhooks are POSTed' });
      return;
    }
    const id = header(req, 'x-github-delivery');
    const name = header(req, 'x-github-event');
    const body = await readBody(req);
    if (body === null) {
      send(res, 413, { error: 'payload too large' });
      return;
    }
    if (!id || !name || !signatureMatches(options.secret, body, header(req, 'x-hub-signature-256'))) {
      // Nothing from an unverified body is logged: it is untrusted and may carry anything.
      options.log.warn({ delivery: id ?? null, event: name ?? null }, 'webhook rejected: missing or invalid signature');
      send(res, 401, { error: 'signature does not match' });
      return;
    }
    let payload: unknown;
    try {
      payload = JSON.parse(body.toString('utf8'));
    } catch {
      send(res, 400, { error: 'payload is not JSON' });
      return;
    }
    await options.probot.receive({ id, name, payload } as Parameters<Probot['receive']>[0]);
    // The review runs in the background queue; GitHub only needs to know the delivery arrived.
    send(res, 202, 'accepted\n');
  }
}
