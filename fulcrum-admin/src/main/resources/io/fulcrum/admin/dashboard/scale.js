// The dashboard's autoscaling panel: per autoscaled pool, its size over time (members in service
// and the size the autoscaler is bringing it to) and its latest decisions and steps, from
// GET /api/v1/scale. Kept apart from app.js: it shares only the token (sessionStorage) and Chart.js.
(function () {
  'use strict';

  const TOKEN_KEY = 'fulcrumToken';
  const POLL_MS = 2000;
  const STEPS_SHOWN = 8;
  const charts = {};

  function el(tag, cls, text) {
    const e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = text;
    return e;
  }

  async function scaleStatus() {
    const token = sessionStorage.getItem(TOKEN_KEY);
    if (!token) return null;
    const r = await fetch('/api/v1/scale', { headers: { 'Authorization': 'Bearer ' + token, 'Accept': 'application/json' } });
    if (!r.ok) return null; // 404: no autoscaler in this node; 401: not signed in (yet)
    return r.json();
  }

  function poolBox(panel, name) {
    let box = panel.querySelector('[data-pool="' + CSS.escape(name) + '"]');
    if (box) return box;
    box = el('div', 'scale-pool');
    box.dataset.pool = name;
    box.append(el('h3', null, name), el('p', 'scale-summary'));
    const chart = el('div', 'chart');
    chart.append(el('canvas'));
    box.append(chart, el('ol', 'scale-steps'));
    panel.querySelector('.scale-pools').append(box);
    return box;
  }

  function render(box, p) {
    const last = p.lastDecision;
    box.querySelector('.scale-summary').textContent = p.current + ' in service, desired ' + p.desired
      + ' (min ' + p.min + ', max ' + p.max + ', ' + p.metric + ')'
      + (p.paused ? ' · paused' : '') + (p.operatorSize != null ? ' · set to ' + p.operatorSize : '')
      + (p.dryRun ? ' · dry run' : '') + (p.action ? ' · ' + p.action : '')
      + (p.cooldownUntil ? ' · cooldown until ' + new Date(p.cooldownUntil).toLocaleTimeString() : '')
      + (last ? ' — ' + last.reason : '');
    const labels = p.history.map(h => new Date(h.at).toLocaleTimeString());
    let c = charts[p.pool];
    if (!c && typeof Chart !== 'undefined') {
      c = charts[p.pool] = new Chart(box.querySelector('canvas'), {
        type: 'line',
        data: { labels: [], datasets: [
          { label: 'in service', data: [], borderColor: '#2471a3', backgroundColor: '#2471a3', stepped: true },
          { label: 'desired', data: [], borderColor: '#b9770e', backgroundColor: '#b9770e', stepped: true, borderDash: [4, 3] }] },
        options: { animation: false, responsive: true, maintainAspectRatio: false,
          elements: { point: { radius: 0 }, line: { borderWidth: 2 } },
          scales: { y: { beginAtZero: true, ticks: { precision: 0 } } }, plugins: { legend: { position: 'bottom' } } }
      });
    }
    if (c) {
      c.data.labels = labels;
      c.data.datasets[0].data = p.history.map(h => h.current);
      c.data.datasets[1].data = p.history.map(h => h.desired);
      c.update('none');
    }
    const steps = p.steps.slice(-STEPS_SHOWN).reverse().map(s => {
      const li = el('li');
      li.append(el('span', 'check-time', new Date(s.at).toLocaleTimeString() + ' '), el('b', null, s.kind + ' '),
        document.createTextNode(s.subject + ': ' + s.reason));
      return li;
    });
    box.querySelector('.scale-steps').replaceChildren(...steps);
  }

  async function refresh() {
    const panel = document.getElementById('scale-panel');
    if (!panel) return;
    let status = null;
    try {
      status = await scaleStatus();
    } catch (e) {
      status = null;
    }
    const pools = status ? Object.values(status.pools) : [];
    panel.classList.toggle('hidden', pools.length === 0);
    for (const p of pools) render(poolBox(panel, p.pool), p);
    for (const box of panel.querySelectorAll('.scale-pool')) {
      if (!pools.some(p => p.pool === box.dataset.pool)) {
        if (charts[box.dataset.pool]) charts[box.dataset.pool].destroy();
        delete charts[box.dataset.pool];
        box.remove();
      }
    }
  }

  document.addEventListener('DOMContentLoaded', () => {
    refresh();
    setInterval(refresh, POLL_MS);
  });
})();
