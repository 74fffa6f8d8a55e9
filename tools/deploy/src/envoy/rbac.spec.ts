import { describe, expect, it } from 'vitest';
import { rbacFilters } from './rbac';

const uriTemplate = (path_template: string) => ({
  uri_template: {
    name: 'uri-template',
    typed_config: { '@type': 'type.googleapis.com/envoy.extensions.path.match.uri_template.v3.UriTemplateMatchConfig', path_template },
  },
});
const spiffe = (principal_name: object) => ({ authenticated: { principal_name } });

describe('rbacFilters', () => {
  it('renders each rule as an Envoy policy: methods and paths, principals by SPIFFE ID, * as presence', () => {
    const [filter] = rbacFilters([
      {
        workload: 'inventory-service',
        rules: [
          {
            from: [{ source: { principals: ['meshmart.local/ns/meshmart/sa/order-service'] } }],
            to: [{ operation: { methods: ['POST'], paths: ['/reservations'] } }],
          },
          { from: [{ source: { principals: ['*'] } }] },
        ],
      },
    ]);
    expect(filter?.typed_config.rules).toEqual({
      action: 'ALLOW',
      policies: {
        'rule-0': {
          permissions: [
            { and_rules: { rules: [{ header: { name: ':method', string_match: { exact: 'POST' } } }, { url_path: { path: { exact: '/reservations' } } }] } },
          ],
          principals: [spiffe({ exact: 'spiffe://meshmart.local/ns/meshmart/sa/order-service' })],
        },
        'rule-1': { permissions: [{ any: true }], principals: [spiffe({ safe_regex: { regex: '.+' } })] },
      },
    });
  });

  it('renders every string form as pilot does: prefix, suffix (a regex behind spiffe://), presence, templates', () => {
    const [filter] = rbacFilters([
      {
        workload: 'w',
        rules: [
          {
            from: [{ source: { principals: ['td/ns/a/*', '*/sa/b'] } }],
            to: [{ operation: { methods: ['*', 'PU*', '*ETE'], paths: ['/a/{*}/b/{**}', '/info*', '*/status', '*'] } }],
          },
        ],
      },
    ]);
    expect(filter?.typed_config.rules.policies['rule-0']).toEqual({
      permissions: [
        {
          and_rules: {
            rules: [
              {
                or_rules: {
                  rules: [
                    { header: { name: ':method', present_match: true } },
                    { header: { name: ':method', string_match: { prefix: 'PU' } } },
                    { header: { name: ':method', string_match: { suffix: 'ETE' } } },
                  ],
                },
              },
              {
                or_rules: {
                  rules: [
                    uriTemplate('/a/*/b/**'),
                    { url_path: { path: { prefix: '/info' } } },
                    { url_path: { path: { suffix: '/status' } } },
                    { url_path: { path: { safe_regex: { regex: '.+' } } } },
                  ],
                },
              },
            ],
          },
        },
      ],
      principals: [{ or_ids: { ids: [spiffe({ prefix: 'spiffe://td/ns/a/' }), spiffe({ safe_regex: { regex: 'spiffe://.*/sa/b' } })] } }],
    });
  });

  it('renders not* fields as negations, namespaces as a regex on the principal, and DENY in a filter ahead of ALLOW', () => {
    const filters = rbacFilters([
      { workload: 'w', rules: [{}] },
      { workload: 'w', action: 'DENY', rules: [{ from: [{ source: { notNamespaces: ['ops', 'prod-*'] } }], to: [{ operation: { notPaths: ['/health'] } }] }] },
    ]);
    expect(filters.map((filter) => filter.typed_config.rules.action)).toEqual(['DENY', 'ALLOW']);
    expect(filters[0]?.typed_config.rules.policies['rule-0']).toEqual({
      permissions: [{ not_rule: { url_path: { path: { exact: '/health' } } } }],
      principals: [{ not_id: { or_ids: { ids: [spiffe({ safe_regex: { regex: '.*/ns/ops/.*' } }), spiffe({ safe_regex: { regex: '.*/ns/prod-.*/.*' } })] } } }],
    });
    expect(filters[1]?.typed_config.rules.policies['rule-0']).toEqual({ permissions: [{ any: true }], principals: [{ any: true }] });
  });

  it('renders no filter without policies (allow) and an empty ALLOW filter for an ALLOW without rules (deny all)', () => {
    expect(rbacFilters([])).toEqual([]);
    expect(rbacFilters([{ workload: 'w', rules: [] }]).map((filter) => filter.typed_config.rules)).toEqual([{ action: 'ALLOW', policies: {} }]);
  });
});
