'use strict';
// The console's page: one tab at a time, refreshed every few seconds from /api. Every failure
// of /api arrives as a problem document and is shown in the tab, never as a blank page.

const REFRESH_MS = 4000;

/** GET /api/…; a problem document (or a network failure) becomes an Error with `problem`. */
async function api(path) {
  let response;
  try {
    response = await fetch(path, { headers: { accept: 'application/json' } });
  } catch (error) {
    throw Object.assign(new Error('console unreachable'), { problem: { title: 'The console is not answering', detail: `${error.message}: is \`npm run demo\` (or \`meshmart console\`) still running?` } });
  }
  const body = await response.json().catch(() => ({}));
  if (!response.ok) throw Object.assign(new Error(body.title || `HTTP ${response.status}`), { problem: { title: body.title || `HTTP ${response.status}`, detail: body.detail || '' } });
  return body;
}

function showProblem(section, error) {
  const box = section.querySelector('[data-testid="problem"]');
  if (!error) {
    box.hidden = true;
    return;
  }
  const problem = error.problem || { title: 'Something went wrong', detail: String(error && error.message) };
  box.replaceChildren(el('strong', {}, problem.title), el('span', {}, problem.detail));
  box.hidden = false;
}

/** Makes an element; children are text or elements (text is never parsed as HTML). */
function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attributes)) {
    if (key === 'className') node.className = value;
    else if (key === 'style') node.style.cssText = value;
    else if (key.startsWith('on')) node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value);
  }
  for (const child of children) node.append(child instanceof Node ? child : String(child ?? ''));
  return node;
}

const fmt = {
  rate: (value) => (value >= 10 ? value.toFixed(1) : value.toFixed(2)),
  percent: (value) => `${value.toFixed(value > 0 && value < 1 ? 2 : 1)} %`,
  ms: (value) => (value === null || value === undefined ? '—' : `${value >= 100 ? value.toFixed(0) : value.toFixed(1)} ms`),
  time: (iso) => new Date(iso).toLocaleString(),
};

function fillRows(table, rows) {
  const body = table.querySelector('tbody');
  body.replaceChildren(...rows);
}

function td(text, className) {
  return el('td', className ? { className } : {}, text);
}

const views = {
  graph: { refresh: (section) => window.GraphView.refresh(section) },
  instances: {
    async refresh(section) {
      const { instances } = await api('/api/instances');
      fillRows(section.querySelector('[data-testid="instances"]'), instances.map((row) => {
        const health = row.healthy === false ? 'unhealthy (self)' : row.scraped === false ? 'scrape failing' : row.scraped === null ? 'not scraped yet' : 'healthy';
        return el('tr', { 'data-instance': row.instanceId },
          td(row.instanceId), td(row.workload), td(row.address), td(health, health === 'healthy' ? 'good' : 'bad'),
          td(row.ejections > 0 ? `ejected ×${row.ejections}` : 'no', row.ejections > 0 ? 'bad' : ''), td(row.zone), td(row.version), td(row.weight, 'num'),
          td(row.certificateExpiry ? fmt.time(row.certificateExpiry) : '—'), td(row.inFlight ?? '—', 'num'),
          td(fmt.rate(row.requestRate), 'num'), td(fmt.percent(row.errorPercent), 'num'), td(fmt.ms(row.p99Ms), 'num'));
      }));
    },
  },
  traffic: {
    async refresh(section) {
      const view = await api('/api/traffic');
      fillRows(section.querySelector('[data-testid="settings"]'), view.settings.map((s) => el('tr', {}, td(s.name), td(s.value), el('td', {}, el('code', {}, s.variable)))));
      fillRows(section.querySelector('[data-testid="upstreams"]'), view.upstreams.map((u) => {
        const retries = Object.entries(u.retries).map(([outcome, rate]) => `${outcome} ${fmt.rate(rate)}`).join(', ') || '0';
        return el('tr', {}, td(u.source), td(u.upstream), td(u.breaker, u.breaker === 'closed' ? 'good' : 'bad'), td(u.ejectedInstances, 'num'), td(retries));
      }));
    },
  },
  traces: { refresh: (section) => window.TraceView.refresh(section) },
  alerts: {
    async refresh(section) {
      const { alerts } = await api('/api/alerts');
      fillRows(section.querySelector('[data-testid="alerts"]'), alerts.map((alert) => el('tr', { 'data-alert': alert.name },
        td(alert.name), td(alert.state, `state-${alert.state}`), td(alert.severity), td(alert.summary),
        td(alert.active.map((a) => Object.entries(a.labels).filter(([k]) => !['alertname', 'severity'].includes(k)).map(([k, v]) => `${k}=${v}`).join(' ')).join('; ') || '—'))));
    },
  },
};

let current;
let timer;

async function refresh() {
  clearTimeout(timer);
  const name = current;
  const section = document.getElementById(name);
  try {
    await views[name].refresh(section);
    if (name === current) showProblem(section, undefined);
  } catch (error) {
    if (name === current) showProblem(section, error);
  }
  if (name === current) timer = setTimeout(refresh, REFRESH_MS);
}

function route() {
  const [tab] = (location.hash.replace(/^#\/?/, '') || 'graph').split('/');
  current = views[tab] ? tab : 'graph';
  for (const section of document.querySelectorAll('main > section')) section.hidden = section.id !== current;
  for (const link of document.querySelectorAll('nav a')) link.classList.toggle('active', link.dataset.tab === current);
  void refresh();
}

window.Console = { api, el, fmt, td, fillRows, refreshNow: () => void refresh() };
window.addEventListener('hashchange', route);
api('/api/status').then((status) => {
  document.getElementById('status').textContent = `namespace ${status.namespace} · Prometheus ${status.prometheus} · ${status.traces} traces stored`;
}, () => undefined);
route();
