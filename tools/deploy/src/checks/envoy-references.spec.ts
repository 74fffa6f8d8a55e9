import { describe, expect, it } from 'vitest';
import { envoyProblems } from './envoy-references';

const config = (clusters: string, route = 'app') => `
static_resources:
  secrets:
    - name: cert
      tls_certificate: { certificate_chain: { filename: a }, private_key: { filename: b } }
  listeners:
    - name: in
      filter_chains:
        - transport_socket:
            typed_config: { common_tls_context: { tls_certificate_sds_secret_configs: [{ name: cert }] } }
          filters:
            - typed_config:
                route_config:
                  virtual_hosts: [{ name: a, domains: ["*"], routes: [{ match: { prefix: / }, route: { cluster: ${route} } }] }]
  clusters:
${clusters}
`;

describe('envoyProblems', () => {
  it('accepts a config whose routes and TLS contexts use exactly what it defines', () => {
    expect(envoyProblems('e.yaml', config('    - name: app'))).toEqual([]);
  });

  it('names a route to an undefined cluster, an unused cluster and an undefined secret', () => {
    const text = config('    - name: app\n    - name: spare', 'missing').replace('[{ name: cert }]', '[{ name: other }]');
    expect(envoyProblems('e.yaml', text)).toEqual([
      'e.yaml: a route sends to cluster "missing", which the file does not define',
      'e.yaml: cluster "app" is used by no route',
      'e.yaml: cluster "spare" is used by no route',
      'e.yaml: TLS refers to secret "other", which the file does not define',
      'e.yaml: secret "cert" is used by no TLS context',
    ]);
  });

  it('refuses YAML that does not parse and fields Envoy does not have', () => {
    expect(envoyProblems('e.yaml', 'static_resources: [')[0]).toMatch(/^e\.yaml is not valid YAML/);
    expect(envoyProblems('e.yaml', `statics: 1\n${config('    - name: app')}`)).toEqual(['e.yaml: "statics" is no field of Envoy\'s Bootstrap']);
  });
});
