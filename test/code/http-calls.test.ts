import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { httpCallOf, isMutatingHttpCall, urlText } from '../../src/code/http-calls.js';
import { build, call } from './model-helpers.js';

describe('outbound HTTP calls for the lock and 2PC rules', () => {
  it('recognises fetch, axios, axios instances, got and typed HttpService', () => {
    const model = build(`import axios from 'axios';
import got from 'got';
import { HttpService } from '@nestjs/axios';
const api = axios.create({ baseURL: 'http://orders-service' });
export class C {
  constructor(private readonly http: HttpService) {}
  async f(id: string) {
    await fetch(\`\${process.env.A_URL}/x/\${id}/prepare\`, { method: 'post' });
    await fetch('http://x/y');
    await axios.post('http://a/b', {});
    await axios({ url: 'http://a/c', method: 'PATCH' });
    await api.delete('/orders/1');
    await got.put('http://a/d', { json: {} });
    await this.http.post('http://a/e', {});
    await somethingElse.post('http://a/f');
  }
}
`);
    const method = (name: string, nth = 0) => httpCallOf(model, call(model, name, nth))?.method;
    assert.equal(method('fetch', 0), 'POST');
    assert.equal(method('fetch', 1), 'GET');
    assert.equal(method('axios.post'), 'POST');
    assert.equal(method('axios'), 'PATCH');
    assert.equal(method('api.delete'), 'DELETE');
    assert.equal(method('got.put'), 'PUT');
    assert.equal(method('this.http.post'), 'POST');
    assert.equal(httpCallOf(model, call(model, 'somethingElse.post')), null);
    assert.equal(isMutatingHttpCall(httpCallOf(model, call(model, 'fetch', 1))!), false);
    assert.equal(urlText(model, httpCallOf(model, call(model, 'fetch', 0))!.url), '{process.env.A_URL}/x/{id}/prepare');
  });

  it('a local function named fetch is not the global fetch', () => {
    const model = build(`function fetch(id: string) { return id; }
export function f() { return fetch('x'); }
`);
    assert.equal(httpCallOf(model, call(model, 'fetch')), null);
  });
});
