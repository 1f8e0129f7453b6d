// Object-store writes (S3, Google Cloud Storage, Azure Blob Storage), for the Claim Check pattern of
// review-output.md §4.1: a payload put in a blob store, then a message that carries its reference.
// Only files that import one of the SDKs are looked at; inside them a put is a `PutObjectCommand`
// or lib-storage `Upload` (SDK v3), or a call named like an upload (`putObject`, `upload`, `save`,
// `uploadData`, …), which in these files is almost always the SDK's.
import type { TSESTree } from '@typescript-eslint/typescript-estree';
import { calleeOf, type CallLike, propertyName } from './ast.js';
import type { CodeModel } from './model.js';
import { enclosingFunction } from './values.js';

const BLOB_MODULES = new Set(['@aws-sdk/client-s3', '@aws-sdk/lib-storage', 'aws-sdk', 'aws-sdk/clients/s3', '@google-cloud/storage', '@azure/storage-blob']);
const PUT_CONSTRUCTORS = new Set(['PutObjectCommand', 'Upload']);
const PUT_METHODS = new Set(['putObject', 'upload', 'uploadData', 'uploadFile', 'uploadStream']);
/** Google Cloud Storage writes through a file handle: `bucket.file(name).save(…)`; a bare `x.save()` is usually an ORM's. */
const FILE_METHODS = new Set(['save', 'createWriteStream']);

export function blobPuts(model: CodeModel): CallLike[] {
  const local = new Set<string>();
  let sdk = false;
  for (const [name, binding] of model.imports) {
    if (!BLOB_MODULES.has(binding.module)) continue;
    sdk = true;
    if (PUT_CONSTRUCTORS.has(binding.path[0] ?? '')) local.add(name);
  }
  if (!sdk) return [];
  const out: CallLike[] = [];
  for (const call of model.calls) {
    const callee = calleeOf(call);
    if (call.type === 'NewExpression' && callee.type === 'Identifier' && local.has(callee.name)) out.push(call);
    else if (call.type === 'CallExpression' && callee.type === 'MemberExpression' && isPut(callee)) out.push(call);
  }
  return out;
}

function isPut(callee: TSESTree.MemberExpression): boolean {
  const method = propertyName(callee) ?? '';
  if (PUT_METHODS.has(method)) return true;
  if (!FILE_METHODS.has(method)) return false;
  const handle = callee.object;
  return handle.type === 'CallExpression' && handle.callee.type === 'MemberExpression' && propertyName(handle.callee) === 'file';
}

/** A publish after a blob put in the same function: the message carries a reference to the payload. */
export function isClaimCheck(model: CodeModel): boolean {
  const puts = blobPuts(model);
  if (puts.length === 0) return false;
  return model.calls.some((call) => {
    if (!model.effectsOf(call).some((e) => e.kind === 'publish')) return false;
    const fn = enclosingFunction(call);
    return puts.some((put) => enclosingFunction(put) === fn && put.range[0] < call.range[0]);
  });
}
