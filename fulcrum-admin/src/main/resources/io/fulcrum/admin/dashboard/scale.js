// The dashboard's autoscaling panel: per autoscaled pool, and for the cluster's proxy tier
// (proxyTier, when this node runs its autoscaler), its size over time (members or proxy nodes in
// service and the size the autoscaler is bringing it to) and its latest decisions and steps, from
// GET /api/v1/scale. app.js lists it among its panels (shown when a pool has an autoscale policy)
// and hands it the API's answer; the rendering lives here.
(function () {
  'use strict';

  const STEPS_SHOWN = 8;
  const charts = {};

  function el(tag, cls, text) {
    const e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = text;
    return e;
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

  // The proxy tier's status in a pool's shape (its policy's numbers are under policy), boxed as
  // "proxy-tier", the name the operator pauses and sets it by.
  function tierAsPool(t) {
    return { pool: t.name || 'proxy-tier', current: t.current, desired: t.desired, min: t.policy.min,
      max: t.policy.max, metric: t.policy.metric + ' (proxy tier' + (t.leads ? ', this node leads' : ', led by '
        + (t.leader || 'nobody')) + ')', paused: t.paused, operatorSize: t.operatorSize, dryRun: t.policy.dryRun,
      action: null, cooldownUntil: t.cooldownUntil, lastDecision: t.lastDecision, history: t.history || [],
      steps: t.steps || [] };
  }

  // Renders GET /api/v1/scale into the panel: one box per autoscaled pool and one for the proxy
  // tier, gone ones removed.
  function renderScale(status) {
    const panel = document.getElementById('scale-panel');
    const pools = Object.values(status.pools);
    if (status.proxyTier) pools.push(tierAsPool(status.proxyTier));
    for (const p of pools) render(poolBox(panel, p.pool), p);
    for (const box of panel.querySelectorAll('.scale-pool')) {
      if (!pools.some(p => p.pool === box.dataset.pool)) {
        if (charts[box.dataset.pool]) charts[box.dataset.pool].destroy();
        delete charts[box.dataset.pool];
        box.remove();
      }
    }
  }

  // app.js lists this panel with its others and calls this on each refresh.
  window.FulcrumScale = { render: renderScale };
})();
