'use strict';
// The trace list (filtered by service, status, duration and text such as an order id) and a
// waterfall per trace, with span attributes and the Kafka producer → consumer hops.

(() => {
  const KIND = { 1: 'internal', 2: 'server', 3: 'client', 4: 'producer', 5: 'consumer' };
  const serviceColours = ['#3d7cc9', '#2e9d57', '#8e5bd0', '#e08a00', '#c9407a', '#138d90', '#7a7f2a'];
  let shownTraceId;
  let shownSpanCount = 0;
  let filterWired = false;

  function query(section) {
    const form = section.querySelector('#trace-filter');
    const params = new URLSearchParams();
    for (const [key, value] of new FormData(form)) if (String(value).trim()) params.set(key, String(value).trim());
    return params;
  }

  function wireFilter(section) {
    if (filterWired) return;
    filterWired = true;
    section.querySelector('#trace-filter').addEventListener('submit', (event) => {
      event.preventDefault();
      if (location.hash !== '#traces') location.hash = '#traces';
      else window.Console.refreshNow();
    });
  }

  async function refreshList(section, traceId) {
    const { api, el, td, fmt, fillRows } = window.Console;
    const { traces } = await api(`/api/traces?${query(section)}`);
    const select = section.querySelector('select[name="service"]');
    const known = new Set([...select.options].map((option) => option.value));
    for (const service of new Set(traces.flatMap((trace) => trace.services))) if (!known.has(service)) select.append(el('option', { value: service }, service));
    const table = section.querySelector('[data-testid="trace-list"]');
    fillRows(table, traces.map((trace) => el('tr', { className: 'clickable', 'data-trace': trace.traceId, onclick: () => (location.hash = `#traces/${trace.traceId}`) },
      td(fmt.time(trace.startMs)), td(`${trace.rootService}: ${trace.rootName}`), td(trace.services.join(', ')), td(trace.spanCount, 'num'),
      td(fmt.ms(trace.durationMs), 'num'), td(trace.status + (trace.kafka ? ' · Kafka' : ''), trace.status === 'error' ? 'bad' : ''))));
    if (traces.length === 0) fillRows(table, [el('tr', {}, el('td', { colspan: '6', className: 'muted' }, 'No trace matches. Services send spans here when started by `npm run demo` (OTEL_EXPORTER_OTLP_TRACES_ENDPOINT); try a checkout.'))]);
    table.hidden = Boolean(traceId);
  }

  async function showTrace(section, traceId) {
    const { api, el, fmt } = window.Console;
    const detail = section.querySelector('#trace-detail');
    const trace = await api(`/api/traces/${encodeURIComponent(traceId)}`);
    // Each service exports on its own schedule: redraw while spans keep arriving, not otherwise (a redraw loses the selected span).
    if (shownTraceId === traceId && shownSpanCount === trace.spanCount && !detail.hidden) return;
    shownTraceId = traceId;
    shownSpanCount = trace.spanCount;
    const byId = new Map(trace.spans.map((span) => [span.spanId, span]));
    const depth = (span) => {
      let level = 0;
      for (let parent = byId.get(span.parentSpanId); parent && level < 50; parent = byId.get(parent.parentSpanId)) level++;
      return level;
    };
    const children = new Map();
    for (const span of trace.spans) {
      const parent = byId.has(span.parentSpanId) ? span.parentSpanId : '';
      children.set(parent, [...(children.get(parent) || []), span]);
    }
    const ordered = [];
    const visit = (span) => {
      ordered.push(span);
      for (const child of (children.get(span.spanId) || []).sort((a, b) => a.startMs - b.startMs)) visit(child);
    };
    for (const root of (children.get('') || []).sort((a, b) => a.startMs - b.startMs)) visit(root);
    const services = [...new Set(trace.spans.map((span) => span.service))];
    const colourOf = (service) => serviceColours[services.indexOf(service) % serviceColours.length];
    const total = Math.max(trace.durationMs, 0.001);
    const attributes = el('div', { className: 'attributes', 'data-testid': 'span-attributes' });
    const rows = ordered.map((span) => {
      const parent = byId.get(span.parentSpanId);
      const hop = span.kind === 5 && parent && parent.kind === 4 ? el('span', { className: 'hop', 'data-testid': 'kafka-hop' }, ` ⇠ Kafka hop from ${parent.service} (${parent.name}), started ${fmt.ms(span.startMs - parent.startMs)} after the send`) : '';
      const links = span.links.length ? el('span', { className: 'hop' }, ` ⇠ linked to ${span.links.length} span(s)`) : '';
      const left = ((span.startMs - trace.startMs) / total) * 100;
      const width = Math.max(((span.endMs - span.startMs) / total) * 100, 0.3);
      const row = el('tr', { className: `clickable${span.status === 2 ? ' error' : ''}`, 'data-span': span.spanId, 'data-service': span.service, 'data-kind': KIND[span.kind] || 'unspecified' },
        el('td', { style: `padding-left:${6 + depth(span) * 14}px` }, el('span', { className: `kind kind-${KIND[span.kind]}` }, KIND[span.kind] || '?'), el('span', { className: 'span-name' }, `${span.service}: ${span.name}${span.attributes['url.path'] ? ` ${span.attributes['url.path']}` : ''}`), hop, links),
        el('td', { className: 'bar' }, el('div', { className: 'span-bar', style: `left:${left}%;width:${width}%;background:${colourOf(span.service)}` })),
        el('td', { className: 'num' }, fmt.ms(span.endMs - span.startMs)));
      row.addEventListener('click', () => {
        for (const other of row.parentNode.children) other.classList.toggle('selected', other === row);
        const entries = [['service', span.service], ['instance', span.instance || '—'], ['span id', span.spanId], ['parent', span.parentSpanId || '—'], ['status', `${['unset', 'ok', 'error'][span.status] || span.status}${span.statusMessage ? `: ${span.statusMessage}` : ''}`], ...Object.entries(span.attributes)];
        attributes.replaceChildren(el('table', {}, ...entries.map(([key, value]) => el('tr', {}, el('td', {}, key), el('td', {}, String(value))))));
      });
      return row;
    });
    detail.replaceChildren(
      el('p', {}, el('a', { href: '#traces' }, '← all traces')),
      el('h2', {}, `Trace ${trace.traceId}`),
      el('p', { className: 'muted' }, `${fmt.time(trace.startMs)} · ${fmt.ms(trace.durationMs)} · ${trace.spanCount} spans · ${trace.services.join(', ')}${trace.kafka ? ' · through Kafka' : ''} · click a span for its attributes`),
      el('table', { className: 'waterfall', 'data-testid': 'waterfall' }, ...rows),
      attributes,
    );
    detail.hidden = false;
  }

  window.TraceView = {
    async refresh(section) {
      wireFilter(section);
      const [, traceId] = location.hash.replace(/^#\/?/, '').split('/');
      const detail = section.querySelector('#trace-detail');
      if (!traceId) {
        detail.hidden = true;
        shownTraceId = undefined;
      }
      await refreshList(section, traceId);
      if (traceId) {
        try {
          await showTrace(section, traceId);
        } catch (error) {
          detail.hidden = true;
          shownTraceId = undefined;
          throw error;
        }
      }
    },
  };
})();
