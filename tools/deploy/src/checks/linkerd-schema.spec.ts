import { describe, expect, it } from 'vitest';
import type { KubeObject } from './kubernetes-render';
import { linkerdSchemaProblems } from './linkerd-schema';

const server = (spec: object): KubeObject => ({ apiVersion: 'policy.linkerd.io/v1beta3', kind: 'Server', metadata: { name: 'cart', namespace: 'shop' }, spec });

describe("Linkerd's policy fields, as its reference gives them", () => {
  it('accepts a Server on a named port with a protocol', () => {
    expect(linkerdSchemaProblems(server({ podSelector: { matchLabels: { app: 'cart' } }, port: 'http', proxyProtocol: 'HTTP/1' }))).toEqual([]);
  });

  it('names the field of a misspelt or unknown value', () => {
    expect(linkerdSchemaProblems(server({ podSelector: { matchLabels: { app: 'cart' } }, port: 'http', proxyProtocol: 'HTTP/3' }))).toEqual([
      expect.stringMatching(/^Server shop\/cart: spec\.proxyProtocol: /),
    ]);
    expect(linkerdSchemaProblems(server({ podSelecter: { matchLabels: { app: 'cart' } }, port: 'http' }))[0]).toMatch(/^Server shop\/cart: spec: /);
  });

  it('wants an authentication a policy can require, and identities Linkerd can name', () => {
    const policy: KubeObject = {
      apiVersion: 'policy.linkerd.io/v1alpha1',
      kind: 'AuthorizationPolicy',
      metadata: { name: 'a', namespace: 'shop' },
      spec: { targetRef: { kind: 'Server', name: 'cart' }, requiredAuthenticationRefs: [{ kind: 'Secret', name: 'x' }] },
    };
    expect(linkerdSchemaProblems(policy)).toEqual([expect.stringMatching(/spec\.requiredAuthenticationRefs\.0: a MeshTLSAuthentication/)]);
    const authentication: KubeObject = {
      apiVersion: 'policy.linkerd.io/v1alpha1',
      kind: 'MeshTLSAuthentication',
      metadata: { name: 'a', namespace: 'shop' },
      spec: { identities: ['spiffe://cluster.local/ns/shop/sa/cart'] },
    };
    expect(linkerdSchemaProblems(authentication)).toEqual([expect.stringMatching(/spec\.identities\.0: a Linkerd identity/)]);
  });

  it('refuses a kind or version it has no schema for', () => {
    expect(linkerdSchemaProblems({ ...server({}), apiVersion: 'policy.linkerd.io/v1beta1' })).toEqual([
      expect.stringMatching(/no schema for policy\.linkerd\.io\/v1beta1 Server/),
    ]);
  });
});
