// launch-decision-gate variant 3 through the real engine: a launch file changed to GO in the same
// pull request that introduces a gating Critical finding of another rule in that feature.
import assert from 'node:assert/strict';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { main } from '../../src/cli.js';
import { createRepoFromSnapshots } from '../../src/git/snapshot-repo.js';
import type { ReviewJson } from '../../src/render/json.js';

const loyalty = fileURLToPath(new URL('../../fixtures/artifacts/loyalty-points/', import.meta.url));
const LAUNCH = 'docs/features/loyalty-points/launches/2026-05-20.md';
const scratch = mkdtempSync(join(tmpdir(), 'arch-review-launch-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

const awardHandler = `import { PrismaClient } from '@prisma/client';
import { Kafka } from 'kafkajs';

const prisma = new PrismaClient();
const producer = new Kafka({ clientId: 'loyalty', brokers: ['kafka:9092'] }).producer();

export async function award(memberId: string, points: number, traceparent: string) {
  const row = await prisma.ledgerEntry.create({ data: { memberId, points } });
  await producer.send({
    topic: 'loyalty.points-awarded.v1',
    messages: [{ key: row.memberId, value: JSON.stringify(row), headers: { traceparent, correlationid: row.id } }],
  });
}
`;

function write(root: string, path: string, text: string): void {
  mkdirSync(dirname(join(root, path)), { recursive: true });
  writeFileSync(join(root, path), text);
}

async function review(changeLaunch: boolean): Promise<ReviewJson> {
  const id = changeLaunch ? 'go' : 'untouched';
  const base = join(scratch, `${id}-base`);
  const head = join(scratch, `${id}-head`);
  cpSync(loyalty, base, { recursive: true });
  cpSync(loyalty, head, { recursive: true });
  write(head, 'services/loyalty/src/award.ts', awardHandler);
  if (changeLaunch) {
    const text = readFileSync(join(head, LAUNCH), 'utf8').replace('GO for the internal beta', 'GO for the internal beta, widened to 5% of members,');
    write(head, LAUNCH, text);
  }
  const repo = await createRepoFromSnapshots(base, head, { dir: join(scratch, `${id}-repo`) });
  const out: string[] = [];
  const code = await main(['review', '--repo', repo.dir, '--base', repo.base, '--head', repo.head, '--format', 'json'], {
    stdout: (t) => out.push(t),
    stderr: () => undefined,
    cwd: scratch,
  });
  assert.equal(code, 1, 'the dual-write gates');
  return JSON.parse(out.join('\n')) as ReviewJson;
}

describe('launch-decision-gate variant 3 in a full review', () => {
  it('reports a GO launch file changed while another rule has an open gating Critical in the feature', async () => {
    const json = await review(true);
    assert.ok(json.findings.some((f) => f.ruleId === 'dual-write' && f.gates));
    const gate = json.findings.filter((f) => f.ruleId === 'launch-decision-gate');
    assert.equal(gate.length, 1);
    assert.equal(gate[0]!.path, LAUNCH);
    assert.equal(gate[0]!.line, 2, 'on the Summary Status line');
    assert.equal(gate[0]!.severity, 'Important');
    assert.match(gate[0]!.message, /dual-write at services\/loyalty\/src\/award\.ts:9/);
  });

  it('stays silent when the pull request does not touch the launch file', async () => {
    const json = await review(false);
    assert.deepEqual(json.findings.filter((f) => f.ruleId === 'launch-decision-gate'), []);
  });
});
