import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { blobPuts, isClaimCheck } from '../../src/code/blob-puts.js';
import { build } from './model-helpers.js';

const kafka = `import { Kafka } from 'kafkajs';
const producer = new Kafka({ clientId: 'media', brokers: ['kafka:9092'] }).producer();
`;

describe('blob puts and Claim Check', () => {
  it('finds SDK v3 commands, lib-storage uploads and v2 / GCS calls, only in files that import an SDK', () => {
    const model = build(`import { S3Client, PutObjectCommand } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { Storage } from '@google-cloud/storage';
const s3 = new S3Client({});
const bucket = new Storage().bucket('media');
export async function f(key: string, body: Buffer) {
  await s3.send(new PutObjectCommand({ Bucket: 'media', Key: key, Body: body }));
  await new Upload({ client: s3, params: { Bucket: 'media', Key: key, Body: body } }).done();
  await bucket.file(key).save(body);
}
`);
    assert.deepEqual(blobPuts(model).map((c) => model.line(c)), [7, 8, 9]);
    const orm = build(`import { S3Client } from '@aws-sdk/client-s3';
declare const order: { save(): Promise<void> };
export async function f() { await order.save(); }
`);
    assert.deepEqual(blobPuts(orm), [], 'an ORM save is not a blob put');
    const noSdk = build(`export async function f(form: { upload(x: unknown): Promise<void> }) { await form.upload(1); }\n`);
    assert.deepEqual(blobPuts(noSdk), []);
  });

  it('is a Claim Check when a publish follows a put in the same function', () => {
    const claim = build(`${kafka}import { S3Client, PutObjectCommand } from '@aws-sdk/client-s3';
const s3 = new S3Client({});
export async function store(id: string, body: Buffer) {
  await s3.send(new PutObjectCommand({ Bucket: 'media', Key: id, Body: body }));
  await producer.send({ topic: 'media.stored.v1', messages: [{ key: id, value: JSON.stringify({ bucket: 'media', key: id }) }] });
}
`);
    assert.equal(isClaimCheck(claim), true);
    const apart = build(`${kafka}import { S3Client, PutObjectCommand } from '@aws-sdk/client-s3';
const s3 = new S3Client({});
export async function store(id: string, body: Buffer) {
  await s3.send(new PutObjectCommand({ Bucket: 'media', Key: id, Body: body }));
}
export async function announce(id: string) {
  await producer.send({ topic: 'media.stored.v1', messages: [{ key: id, value: id }] });
}
`);
    assert.equal(isClaimCheck(apart), false, 'the put and the publish are in different functions');
  });
});
