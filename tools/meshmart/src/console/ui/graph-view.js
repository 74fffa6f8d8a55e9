'use strict';
// The service graph, drawn by cytoscape; a workload's requests/s and p99 by uPlot.

(() => {
  const colours = { healthy: '#2e9d57', degraded: '#e08a00', failing: '#d33a2c', idle: '#9aa3ad' };
  let cy;
  let shape = '';
  let chart;
  let chartWorkload;

  const nodeLabel = (node) =>
    node.kind === 'topic'
      ? `${node.topic}\nlag ${Object.values(node.lag).reduce((a, b) => a + b, 0)}`
      : node.id === 'unknown'
        ? 'outside (shoppers)'
        : node.instances === 0
          ? `${node.id}\n(not in the registry)`
          : `${node.id}\n${node.instances} instance${node.instances === 1 ? '' : 's'} · v${node.versions.join(', v') || '?'} · ${node.zones.join(', ') || '—'}`;

  /** Requests/s over the rate window; a new edge's first requests, which no rate shows yet, as a count. */
  const amount = (edge) => {
    const { fmt } = window.Console;
    const unit = edge.kind === 'http' ? '' : ' msg';
    if (edge.rate > 0 || edge.recent === 0) return `${fmt.rate(edge.rate)}${unit}/s`;
    return `${Math.round(edge.recent)}${unit || ' req'} in 5m`;
  };

  const edgeLabel = (edge) => {
    const { fmt } = window.Console;
    if (edge.kind !== 'http') return amount(edge);
    return `${amount(edge)} · ${fmt.percent(edge.errorPercent)} · p99 ${fmt.ms(edge.p99Ms)} · ${edge.mtls ? 'mTLS' : 'PLAINTEXT'}`;
  };

  function ensureGraph(container) {
    if (cy) return cy;
    cy = window.cytoscape({
      container,
      wheelSensitivity: 0.3,
      style: [
        { selector: 'node', style: { label: 'data(label)', 'text-wrap': 'wrap', 'text-valign': 'bottom', 'text-margin-y': 6, 'font-size': 13, 'background-color': '#3d7cc9', width: 34, height: 34, color: '#1d2733' } },
        { selector: 'node[kind = "topic"]', style: { shape: 'round-rectangle', 'background-color': '#e0a526', width: 46, height: 22 } },
        { selector: 'node[absent = 1]', style: { 'background-color': '#c3c9d0' } },
        { selector: 'edge', style: { label: 'data(label)', 'font-size': 10, 'text-rotation': 'autorotate', 'text-background-color': '#fbfcfd', 'text-background-opacity': 0.85, width: 'data(width)', 'line-color': 'data(colour)', 'target-arrow-color': 'data(colour)', 'target-arrow-shape': 'triangle', 'curve-style': 'bezier' } },
        { selector: 'edge[kind != "http"]', style: { 'line-style': 'dashed' } },
      ],
    });
    cy.on('tap', 'node[kind = "workload"]', (event) => showChart(event.target.id()));
    return cy;
  }

  /**
   * Callers left of what they call: each node's column is its longest path from a caller no one
   * calls, edges closing a cycle (a consumer that also produces to its topic) left out.
   */
  function layeredPositions(graph) {
    const ids = graph.nodes.map((node) => node.id);
    const out = new Map(ids.map((id) => [id, graph.edges.filter((edge) => edge.source === id).map((edge) => edge.target)]));
    const state = new Map();
    const forward = [];
    const visit = (id) => {
      state.set(id, 'open');
      for (const next of out.get(id) || []) {
        if (state.get(next) === 'open') continue; // a back edge: it would make a cycle
        forward.push([id, next]);
        if (!state.has(next)) visit(next);
      }
      state.set(id, 'done');
    };
    const callers = ids.filter((id) => !graph.edges.some((edge) => edge.target === id));
    for (const id of [...callers, ...ids]) if (!state.has(id)) visit(id);
    const column = new Map(ids.map((id) => [id, 0]));
    for (let round = 0; round < ids.length; round++) for (const [from, to] of forward) column.set(to, Math.max(column.get(to), column.get(from) + 1));
    const columns = new Map();
    const kindOrder = (id) => (id.startsWith('topic:') ? 1 : 0);
    for (const id of [...ids].sort((a, b) => kindOrder(a) - kindOrder(b) || a.localeCompare(b))) columns.set(column.get(id), [...(columns.get(column.get(id)) || []), id]);
    const positions = {};
    for (const [x, members] of columns) {
      // Each column centred, every other one shifted half a row, so an edge that skips a column passes between nodes, not through them.
      members.forEach((id, row) => (positions[id] = { x: x * 210, y: (row - (members.length - 1) / 2) * 150 + (x % 2) * 60 }));
    }
    return positions;
  }

  function render(graph, container) {
    const elements = [
      ...graph.nodes.map((node) => ({ group: 'nodes', data: { id: node.id, kind: node.kind, label: nodeLabel(node), absent: node.kind === 'workload' && node.instances === 0 && node.id !== 'unknown' ? 1 : 0 } })),
      ...graph.edges.map((edge) => ({
        group: 'edges',
        data: { id: `${edge.source}→${edge.target}`, source: edge.source, target: edge.target, kind: edge.kind, label: edgeLabel(edge), colour: colours[edge.health], width: Math.min(6, 1.5 + Math.log10(1 + edge.rate) * 3) },
      })),
    ];
    const graphShape = elements.map((element) => element.data.id).sort().join('|');
    const view = ensureGraph(container);
    if (graphShape !== shape) {
      // Only a change of who is there re-lays the graph out, so a refresh does not make it jump.
      shape = graphShape;
      view.elements().remove();
      view.add(elements);
      view.layout({ name: 'preset', positions: layeredPositions(graph), fit: true, padding: 40 }).run();
    } else {
      for (const element of elements) view.getElementById(element.data.id).data(element.data);
    }
  }

  function renderTable(graph, section) {
    const { el, td, fmt, fillRows } = window.Console;
    fillRows(section.querySelector('[data-testid="edges"]'), graph.edges.map((edge) =>
      el('tr', { 'data-edge': `${edge.source}→${edge.target}`, 'data-rate': String(edge.rate), 'data-recent': String(edge.recent), 'data-mtls': String(edge.mtls), 'data-kind': edge.kind },
        td(edge.source.replace(/^topic:/, 'topic ')), td(edge.target.replace(/^topic:/, 'topic ')),
        td(amount(edge), 'num'), td(edge.kind === 'http' ? fmt.percent(edge.errorPercent) : '—', 'num'),
        td(fmt.ms(edge.p99Ms), 'num'), td(edge.kind === 'http' ? (edge.mtls ? 'mTLS' : 'PLAINTEXT') : 'Kafka', edge.kind === 'http' ? (edge.mtls ? 'good' : 'bad') : ''), td(Math.round(edge.total), 'num'))));
  }

  async function showChart(workload) {
    chartWorkload = workload;
    const box = document.getElementById('workload-chart');
    let series;
    try {
      series = await window.Console.api(`/api/series?workload=${encodeURIComponent(workload)}`);
    } catch (error) {
      box.replaceChildren(window.Console.el('p', { className: 'bad' }, error.problem ? error.problem.detail : error.message));
      return;
    }
    const times = series.rate.map(([time]) => time);
    const p99ByTime = new Map(series.p99.map(([time, value]) => [time, Number.isFinite(value) ? value : null]));
    const data = [times, series.rate.map(([, value]) => value), times.map((time) => p99ByTime.get(time) ?? null)];
    chart?.destroy();
    box.replaceChildren(window.Console.el('h2', {}, `${workload}: last 15 minutes`));
    chart = new window.uPlot(
      {
        width: 370,
        height: 200,
        scales: { x: { time: true }, ms: { auto: true } },
        series: [{}, { label: 'req/s', stroke: '#3d7cc9', width: 1.5 }, { label: 'p99 ms', stroke: '#d33a2c', width: 1.5, scale: 'ms' }],
        axes: [{}, { label: 'req/s', size: 50 }, { side: 1, scale: 'ms', label: 'ms', grid: { show: false } }],
      },
      data,
      box,
    );
  }

  window.GraphView = {
    /** The nodes as drawn (id, label, position in the canvas), for scripts and tests that cannot read a canvas. */
    shown: () => (cy ? cy.nodes().map((node) => ({ id: node.id(), label: node.data('label'), x: node.renderedPosition('x'), y: node.renderedPosition('y') })) : []),
    async refresh(section) {
      const graph = await window.Console.api('/api/graph');
      section.querySelectorAll('.window').forEach((node) => (node.textContent = graph.window));
      render(graph, document.getElementById('graph-canvas'));
      renderTable(graph, section);
      if (chartWorkload) void showChart(chartWorkload);
    },
  };
})();
