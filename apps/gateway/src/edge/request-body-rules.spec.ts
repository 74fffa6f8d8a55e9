import { describe, expect, it } from 'vitest';
import { bodyRefusal } from './request-body-rules';

const withBody = (headers: Record<string, string>) => ({ 'content-length': '14', ...headers });

describe('bodyRefusal', () => {
  it.each([['application/json'], ['application/json; charset=utf-8'], ['Application/JSON; Charset="UTF-8"']])('accepts a JSON body as %s', (type) => {
    expect(bodyRefusal(withBody({ 'content-type': type }))).toBeUndefined();
    expect(bodyRefusal(withBody({ 'content-type': type, 'content-encoding': 'identity' }))).toBeUndefined();
  });

  it.each([
    ['text/plain', {}],
    ['application/x-www-form-urlencoded', {}],
    ['multipart/form-data; boundary=x', {}],
    ['no content type at all', { 'content-type': '' }],
    ['application/json; charset=utf-16', {}],
    ['application/json; charset=latin1', {}],
    ['application/json with gzip', { 'content-encoding': 'gzip' }],
    ['application/json with br', { 'content-encoding': 'br' }],
  ])('refuses %s with 415', (type, extra: Record<string, string>) => {
    const contentType = type.startsWith('application/json') && !type.includes('charset') ? 'application/json' : type;
    expect(bodyRefusal(withBody({ 'content-type': contentType, ...extra }))).toMatchObject({
      status: 415,
      type: 'https://meshmart.dev/problems/unsupported-media-type',
    });
  });

  it('looks only at requests that carry a body (chunked ones included)', () => {
    expect(bodyRefusal({ 'content-type': 'text/plain' })).toBeUndefined();
    expect(bodyRefusal({ 'content-type': 'text/plain', 'content-length': '0' })).toBeUndefined();
    expect(bodyRefusal({ 'content-type': 'text/plain', 'transfer-encoding': 'chunked' })).toMatchObject({ status: 415 });
  });
});
