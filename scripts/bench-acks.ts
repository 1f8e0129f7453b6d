// Webhook acknowledgement latency of the App (part of `npm run bench`; also runs on its own:
// `node --import tsx scripts/bench-acks.ts [--burst 200] [--runs 1]`).
//
// Three processes, so no one's CPU work is counted as another's latency:
//   the simulator  this file with `--measure`, a fresh process (ackLatency starts it): the GitHub
//                  simulator the App's reviews call, and the driver of the measurement
//   the App        src/app/main.ts, exactly as `npm start` runs it, reaching the simulator through GHE_HOST
//   the generator  this file with `--generator`: it receives the signed deliveries before the burst,
//                  serialises every HTTP request up front, and on the signal opens one TCP connection
//                  per delivery (`Connection: close`, as GitHub delivers), writes the request and times
//                  connect → complete response. Nothing is pipelined or reused.
//
// Before each measurement the generator sends 5 signed `ping` deliveries (untimed) to warm its own
// path and the server's. Percentiles are over the `burst` samples of one measurement.
//
// Measured, in this order, with the App started and idle:
//   floor    the same `burst` requests, same generator, to a server (its own process) that only reads
//            the body, parses it and answers 202: what the generator and the machine cost by themselves
//   at once  `burst` signed pull_request.opened deliveries for `burst` pull requests, all started in the
//            same instant
//   paced    `burst` new deliveries spread evenly over 1 s while the first burst's reviews run
//
// BENCH_APP_PROFILE=<dir> writes a CPU profile of the App (to see where ack time goes).
import { fork, spawn, type ChildProcess } from 'node:child_process';
import { createHmac, generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const SELF = fileURLToPath(import.meta.url);
const WEBHOOK_PATH = '/api/github/webhooks';

export interface AckSummary {
  p50: number;
  p99: number;
  max: number;
  statuses: Record<string, number>;
}

export interface AckLatency extends AckSummary {
  burst: number;
  /** The same generator and requests against a server that only reads the body and answers 202. */
  floor: AckSummary;
  /** `burst` more deliveries over one second while the first burst's reviews run. */
  paced: AckSummary;
}

// ---- the generator (its own process) ------------------------------------------------------------

interface SignedDelivery {
  event: string;
  body: string;
  signature: string;
}

interface DeliveriesFile {
  deliveries: SignedDelivery[];
  /** A signed `ping`, sent a few times before each measurement to warm both sides. */
  ping: SignedDelivery;
}

interface Sample {
  ms: number;
  /** HTTP status, or 0 when the connection failed or closed without a complete response. */
  status: number;
}

type GeneratorCommand =
  | { type: 'load'; file: string }
  /** Sends every loaded delivery to 127.0.0.1:port, `spacingMs` apart (0: all at once). */
  | { type: 'run'; port: number; idPrefix: string; spacingMs: number; warmUp: number };

type GeneratorReply = { type: 'loaded'; count: number } | { type: 'done'; samples: Sample[] } | { type: 'error'; message: string };

function serialise(port: number, delivery: SignedDelivery, id: string): Buffer {
  const body = Buffer.from(delivery.body, 'utf8');
  const head =
    `POST ${WEBHOOK_PATH} HTTP/1.1\r\n` +
    `Host: 127.0.0.1:${port}\r\n` +
    'User-Agent: GitHub-Hookshot/arch-review-bench\r\n' +
    'Accept: */*\r\n' +
    'Content-Type: application/json\r\n' +
    `Content-Length: ${body.length}\r\n` +
    'Connection: close\r\n' +
    `X-GitHub-Event: ${delivery.event}\r\n` +
    `X-GitHub-Delivery: ${id}\r\n` +
    `X-Hub-Signature-256: ${delivery.signature}\r\n` +
    '\r\n';
  return Buffer.concat([Buffer.from(head, 'latin1'), body]);
}

/** One delivery on its own connection: connect, write the prepared request, read one response. */
function deliver(port: number, request: Buffer): Promise<Sample> {
  return new Promise((resolve) => {
    const started = performance.now();
    const socket = connect({ port, host: '127.0.0.1', noDelay: true });
    let received: Buffer = Buffer.alloc(0);
    let status = 0;
    let bodyStart = -1;
    let chunked = false;
    let next = 0;
    let complete = -1;
    let done = false;
    const finish = (ok: boolean) => {
      if (done) return;
      done = true;
      resolve({ ms: performance.now() - started, status: ok ? status : 0 });
      socket.destroy();
    };
    socket.once('connect', () => socket.write(request));
    socket.on('data', (chunk: Buffer) => {
      received = received.length === 0 ? chunk : Buffer.concat([received, chunk]);
      if (bodyStart < 0) {
        const end = received.indexOf('\r\n\r\n');
        if (end < 0) return;
        const head = received.subarray(0, end).toString('latin1');
        status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(head)?.[1] ?? 0);
        const length = /\r\ncontent-length:[ \t]*(\d+)/i.exec(head);
        bodyStart = end + 4;
        chunked = !length && /\r\ntransfer-encoding:[ \t]*chunked/i.test(head);
        // Neither a length nor chunks: the body ends when the server closes (Connection: close).
        complete = length ? bodyStart + Number(length[1]) : chunked ? -1 : Number.POSITIVE_INFINITY;
        next = bodyStart;
      }
      // Chunked (what Node sends for writeHead + end): complete at the zero-size chunk.
      while (chunked && complete < 0) {
        const eol = received.indexOf('\r\n', next);
        if (eol < 0) return;
        const size = Number.parseInt(received.subarray(next, eol).toString('latin1'), 16);
        if (size === 0) complete = eol + 4;
        else next = eol + 2 + size + 2;
      }
      if (received.length >= complete) finish(true);
    });
    socket.once('end', () => finish(status > 0 && complete === Number.POSITIVE_INFINITY));
    socket.once('error', () => finish(false));
  });
}

async function generator(): Promise<void> {
  let deliveries: SignedDelivery[] = [];
  let ping: SignedDelivery | null = null;
  const reply = (message: GeneratorReply) => process.send!(message);
  process.on('message', (command: GeneratorCommand) => {
    void (async () => {
      if (command.type === 'load') {
        ({ deliveries, ping } = JSON.parse(readFileSync(command.file, 'utf8')) as DeliveriesFile);
        reply({ type: 'loaded', count: deliveries.length });
        return;
      }
      const { port, idPrefix, spacingMs } = command;
      // Warm this process's own path (and the server's accept path) before anything is timed.
      for (let i = 0; i < command.warmUp && ping; i++) await deliver(port, serialise(port, ping, `${idPrefix}warm-up-${i}`));
      // Every request is serialised before the clock starts.
      const requests = deliveries.map((d, i) => serialise(port, d, `${idPrefix}${i}`));
      await new Promise((resolve) => setImmediate(resolve));
      let samples: Sample[];
      if (spacingMs === 0) {
        samples = await Promise.all(requests.map((r) => deliver(port, r)));
      } else {
        const pending: Promise<Sample>[] = [];
        const start = performance.now();
        for (let i = 0; i < requests.length; i++) {
          const wait = start + i * spacingMs - performance.now();
          if (wait >= 1) await new Promise((resolve) => setTimeout(resolve, wait));
          pending.push(deliver(port, requests[i]!));
        }
        samples = await Promise.all(pending);
      }
      reply({ type: 'done', samples });
    })().catch((error: unknown) => reply({ type: 'error', message: (error as Error).stack ?? String(error) }));
  });
  process.on('disconnect', () => process.exit(0));
}

// ---- the driver (the simulator's process) -------------------------------------------------------

class Generator {
  readonly #proc: ChildProcess;

  constructor() {
    this.#proc = fork(SELF, ['--generator'], { cwd: ROOT, execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  }

  #ask(command: GeneratorCommand): Promise<GeneratorReply> {
    return new Promise((resolve, reject) => {
      const onExit = (code: number | null) => reject(new Error(`the load generator exited (${code})`));
      this.#proc.once('exit', onExit);
      this.#proc.once('message', (message: GeneratorReply) => {
        this.#proc.off('exit', onExit);
        if (message.type === 'error') reject(new Error(`load generator: ${message.message}`));
        else resolve(message);
      });
      this.#proc.send(command);
    });
  }

  async load(file: string): Promise<void> {
    await this.#ask({ type: 'load', file });
  }

  async run(port: number, idPrefix: string, spacingMs: number): Promise<AckSummary> {
    const reply = await this.#ask({ type: 'run', port, idPrefix, spacingMs, warmUp: 5 });
    if (reply.type !== 'done') throw new Error('load generator: unexpected reply');
    return summarise(reply.samples);
  }

  close(): void {
    if (this.#proc.connected) this.#proc.disconnect();
  }
}

function summarise(samples: Sample[]): AckSummary {
  const ms = samples.map((s) => s.ms).sort((a, b) => a - b);
  const statuses: Record<string, number> = {};
  for (const s of samples) statuses[s.status || 'failed'] = (statuses[s.status || 'failed'] ?? 0) + 1;
  const at = (p: number) => ms[Math.min(ms.length - 1, Math.ceil(p * ms.length) - 1)]!;
  return { p50: at(0.5), p99: at(0.99), max: ms[ms.length - 1]!, statuses };
}

/** A child process that reads the body, parses it and answers 202: the generator's own floor. */
async function startBareServer(): Promise<{ port: number; stop: () => void }> {
  const code = `require('node:http').createServer((q, s) => { const c = []; q.on('data', (d) => c.push(d)); q.on('end', () => { try { JSON.parse(Buffer.concat(c).toString()); } catch {} s.writeHead(202).end('accepted'); }); }).listen(0, '127.0.0.1', function () { console.log(this.address().port); });`;
  const server = spawn(process.execPath, ['-e', code], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<number>((resolve) => server.stdout!.once('data', (d: Buffer) => resolve(Number(d.toString().trim()))));
  return { port, stop: () => server.kill('SIGKILL') };
}

async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

/**
 * Runs the measurement in a fresh process (the simulator's), so what the caller did before (the
 * bench's in-process review, its heap and garbage collector) does not weigh on the figures.
 */
export function ackLatency(burst: number): Promise<AckLatency> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, ['--import', 'tsx', SELF, '--measure', String(burst)], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    proc.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    proc.on('exit', (code) => {
      const line = out.trim().split('\n').pop() ?? '';
      if (code !== 0 || !line.startsWith('{')) reject(new Error(`ack benchmark exited ${code}: ${out.slice(-500)}`));
      else resolve(JSON.parse(line) as AckLatency);
    });
  });
}

async function measure(burst: number): Promise<AckLatency> {
  const { GitHubSimulator } = await import('../test/simulator/github-simulator.js');
  const { FixtureRepo, readSnapshot } = await import('../test/simulator/fixture-repo.js');
  const { pullRequestEvent } = await import('../test/simulator/payloads.js');
  const { privateKey, publicKey } = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
  });
  const secret = 'bench-webhook-secret';
  const sim = new GitHubSimulator({ appId: 4242, appSlug: 'arch-review', publicKeyPem: publicKey });
  const host = await sim.listen();
  const repo = await FixtureRepo.create();
  const dir = mkdtempSync(join(tmpdir(), 'arch-review-bench-'));
  const files = readSnapshot(join(ROOT, 'fixtures/demo/base'));
  const base = await repo.commit(files);
  const placeOrder = readFileSync(join(ROOT, 'fixtures/demo/head/services/orders/src/place-order.ts'), 'utf8');
  const heads: string[] = [];
  for (let i = 0; i < 10; i++) heads.push(await repo.commit({ ...files, 'services/orders/src/place-order.ts': `${placeOrder}// ${i}\n` }, base));
  // Signed before anything is measured; the generator only adds the delivery id header.
  const deliveries: SignedDelivery[] = [];
  for (let i = 0; i < burst; i++) {
    const coords = { owner: `org${i % 20}`, name: 'service', installationId: 2000 + (i % 20) };
    if (i < 20) sim.addRepo(coords.owner, coords.name, repo, base);
    const number = 1 + Math.floor(i / 20);
    const head = heads[(number - 1) % heads.length]!;
    sim.openPull(coords.owner, coords.name, number, base, head);
    const body = JSON.stringify(pullRequestEvent('opened', coords, { number, head, base }));
    deliveries.push({ event: 'pull_request', body, signature: `sha256=${createHmac('sha256', secret).update(body).digest('hex')}` });
  }
  const deliveriesFile = join(dir, 'deliveries.json');
  const pingBody = JSON.stringify({ zen: 'warm-up', hook_id: 1 });
  const ping = { event: 'ping', body: pingBody, signature: `sha256=${createHmac('sha256', secret).update(pingBody).digest('hex')}` };
  writeFileSync(deliveriesFile, JSON.stringify({ deliveries, ping } satisfies DeliveriesFile));

  const port = await freePort();
  const profileDir = process.env.BENCH_APP_PROFILE;
  const app = spawn(process.execPath, [...(profileDir ? ['--cpu-prof', '--cpu-prof-interval=250', `--cpu-prof-dir=${profileDir}`] : []), '--import', 'tsx', join(ROOT, 'src/app/main.ts')], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH ?? '',
      APP_ID: '4242',
      PRIVATE_KEY: privateKey,
      WEBHOOK_SECRET: secret,
      GHE_HOST: host,
      GHE_PROTOCOL: 'http',
      PORT: String(port),
      HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
      RUN_JOURNAL: join(dir, 'runs.json'),
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const generator = new Generator();
  let bare: { port: number; stop: () => void } | null = null;
  try {
    const loaded = generator.load(deliveriesFile);
    let exited: number | null | undefined;
    app.once('exit', (code) => (exited = code));
    for (let i = 0; ; i++) {
      if (exited !== undefined) throw new Error(`the App exited (${exited}) before it answered /healthz`);
      if (i > 600) throw new Error('the App did not start');
      const ok = await fetch(`http://127.0.0.1:${port}/healthz`).then((r) => r.ok, () => false);
      if (ok) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    await loaded;
    // The floor first, while the App is idle: the same conditions as the burst to the App.
    bare = await startBareServer();
    const floor = await generator.run(bare.port, 'bench-floor-', 0);
    bare.stop();
    bare = null;
    const atOnce = await generator.run(port, 'bench-', 0);
    const paced = await generator.run(port, 'bench-paced-', 1000 / burst);
    return { burst, ...atOnce, floor, paced };
  } finally {
    generator.close();
    bare?.stop();
    if (profileDir) {
      app.kill('SIGTERM');
      await new Promise((resolve) => app.once('exit', resolve));
    } else app.kill('SIGKILL');
    await sim.close();
    repo.remove();
    rmSync(dir, { recursive: true, force: true });
  }
}

// ---- entry points ------------------------------------------------------------------------------

const fmt = (n: number) => (n >= 100 ? String(Math.round(n)) : n.toFixed(1));

async function standalone(): Promise<void> {
  const argv = process.argv.slice(2);
  const get = (name: string) => {
    const i = argv.indexOf(`--${name}`);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const burst = Math.min(Number(get('burst') ?? 200), 1000);
  const runs = Math.max(1, Number(get('runs') ?? 1));
  for (let r = 0; r < runs; r++) {
    const a = await ackLatency(burst);
    const line = (s: AckSummary) => `p50 ${fmt(s.p50)} ms, p99 ${fmt(s.p99)} ms, max ${fmt(s.max)} ms; statuses ${JSON.stringify(s.statuses)}`;
    console.log(`run ${r + 1}: ${burst} at once: ${line(a)}`);
    console.log(`       floor (bare 202 server): ${line(a.floor)}`);
    console.log(`       paced over 1 s:          ${line(a.paced)}`);
  }
}

const invoked = process.argv[1] ? (() => { try { return realpathSync(process.argv[1]!); } catch { return process.argv[1]!; } })() : '';
if (invoked === realpathSync(SELF)) {
  if (process.argv[2] === '--generator') await generator();
  else if (process.argv[2] === '--measure') process.stdout.write(`\n${JSON.stringify(await measure(Number(process.argv[3])))}\n`);
  else await standalone();
}
