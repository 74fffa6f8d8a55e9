import { describe, expect, it } from 'vitest';
import { redactUrl } from './settings';

describe('redactUrl', () => {
  it('hides a password, also one with an @ in it', () => {
    expect(redactUrl('postgres://shop:p%40ss@db:5432/postgres')).toBe('postgres://shop:***@db:5432/postgres');
    expect(redactUrl('postgres://shop:s3cret@db/postgres')).not.toContain('s3cret');
  });

  it('leaves URLs without a password, and non-URLs, alone', () => {
    expect(redactUrl('postgres://postgres@127.0.0.1:5432/postgres')).toBe('postgres://postgres@127.0.0.1:5432/postgres');
    expect(redactUrl('127.0.0.1:19092')).toBe('127.0.0.1:19092');
  });
});
