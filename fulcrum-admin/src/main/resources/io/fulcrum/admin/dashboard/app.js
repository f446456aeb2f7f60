// The Fulcrum dashboard: talks only to the admin API of the server that served it.
// The token lives in sessionStorage (this tab only) and goes in an Authorization header.
(function () {
  'use strict';

  const TOKEN_KEY = 'fulcrumToken';
  const POLL_MS = 1000;
  const COLORS = ['#c0392b', '#2471a3', '#1e8449', '#b9770e', '#7d3c98', '#117a65', '#a04000', '#2e4053'];
  let role = 'read';
  let timer = null;
  let streamAbort = null;
  const charts = {};

  const $ = (sel) => document.querySelector(sel);
  const token = () => sessionStorage.getItem(TOKEN_KEY);

  async function api(method, path, body) {
    const headers = { 'Authorization': 'Bearer ' + token(), 'Accept': 'application/json' };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    const r = await fetch('/api/v1/' + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await r.text();
    const data = text ? JSON.parse(text) : null;
    if (!r.ok) {
      const err = new Error((data && data.error) || ('HTTP ' + r.status));
      err.status = r.status;
      throw err;
    }
    return data;
  }

  function el(tag, attrs, ...children) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (k === 'class') e.className = v; else if (k.startsWith('data-')) e.setAttribute(k, v); else e[k] = v;
    }
    for (const c of children) e.append(c instanceof Node ? c : document.createTextNode(c == null ? '-' : String(c)));
    return e;
  }

  function fill(tbody, rows) {
    tbody.replaceChildren(...rows);
  }

  // ---- login ---------------------------------------------------------------------------------

  async function signIn(t) {
    sessionStorage.setItem(TOKEN_KEY, t);
    try {
      const me = await api('GET', 'whoami');
      role = me.role;
      $('#who').textContent = me.name + ' (' + me.role + ')';
      $('#login').classList.add('hidden');
      $('#main').classList.remove('hidden');
      $('#logout').classList.remove('hidden');
      $('#login-error').textContent = '';
      start();
    } catch (e) {
      sessionStorage.removeItem(TOKEN_KEY);
      $('#login-error').textContent = e.status === 401 ? 'That token is not valid.' : e.message;
    }
  }

  function signOut() {
    sessionStorage.removeItem(TOKEN_KEY);
    if (timer) clearInterval(timer);
    if (streamAbort) streamAbort.abort();
    location.reload();
  }

  // ---- data ----------------------------------------------------------------------------------

  // ---- panels ----------------------------------------------------------------------------------
  //
  // Each panel is one entry: the element it fills, whether this node's configuration has the part
  // it shows (from /api/v1/status `features`; a reload may change that), and how to render it from
  // the API. A panel of a part that is not configured is hidden and asks the API nothing. Another
  // part of Fulcrum adds its panel by adding an entry here and its section to index.html.
  const always = () => true;
  const panels = [
    { id: 'services-panel', when: always, render: async () => renderServices(await api('GET', 'services')) },
    { id: 'pools-panel', when: always, render: async () => renderPools(await api('GET', 'pools')) },
    { id: 'sites-panel', when: f => f.gslb, render: renderSites },
    { id: 'cluster-panel', when: f => f.cluster, render: renderCluster },
    { id: 'backends-panel', when: always, render: async () => renderBackends(await api('GET', 'backends')) },
    { id: 'stats-panel', when: always, render: async () => renderStats(await api('GET', 'stats/table')) },
    { id: 'charts-panel', when: always, render: async () => renderCharts(await api('GET', 'stats?points=120')) },
    { id: 'gslb', when: f => f.gslb, render: async () => renderHandoff(await api('GET', 'gslb/handoff')) },
    { id: 'dns-panel', when: f => f.dns, render: async () => renderDns(await api('GET', 'dns/stats')) },
    { id: 'certs-panel', when: f => f.tls, render: async () => renderCertificates(await api('GET', 'certificates')) },
    { id: 'l4', when: f => f.l4, render: renderL4 },
    { id: 'scale-panel', when: f => f.autoscale, render: renderScale },
  ];

  // The autoscaling panel (scale.js). A node whose autoscaler is not running (a cluster member
  // that does not lead) answers 404: the panel then keeps what it last showed.
  async function renderScale() {
    try {
      window.FulcrumScale.render(await api('GET', 'scale'));
    } catch (e) {
      if (e.status !== 404) throw e;
    }
  }

  async function refresh() {
    try {
      const status = await api('GET', 'status');
      $('#node').textContent = 'site ' + status.site + ' · ' + status.host;
      $('#version').textContent = 'version ' + status.version;
      $('#uptime').textContent = 'up ' + duration(status.uptimeSeconds);
      $('#uptime').dataset.seconds = String(status.uptimeSeconds);
      const shown = panels.filter(p => {
        const on = Boolean(p.when(status.features));
        $('#' + p.id).classList.toggle('hidden', !on);
        return on;
      });
      await Promise.all(shown.map(p => p.render()));
      document.body.dataset.refreshed = String(Date.now());
    } catch (e) {
      if (e.status === 401) signOut();
      $('#action-error').textContent = 'Refresh failed: ' + e.message;
    }
  }

  // 3d 4h 5m 6s, leaving out the leading zero units (as the /stats page writes it).
  function duration(seconds) {
    const d = Math.floor(seconds / 86400), h = Math.floor(seconds / 3600) % 24, m = Math.floor(seconds / 60) % 60;
    return (d ? d + 'd ' : '') + (d || h ? h + 'h ' : '') + (d || h || m ? m + 'm ' : '') + (seconds % 60) + 's';
  }

  // The stats table of /api/v1/stats/table, every column as the API gives it (the same as the CSV and /stats).
  function renderStats(table) {
    const thead = $('#stats thead');
    const keys = table.columns.map(c => c.key).join(',');
    if (thead.dataset.keys !== keys) {
      fill(thead, [el('tr', {}, ...table.columns.map(c => el('th', { title: c.help, 'data-key': c.key }, c.header)))]);
      thead.dataset.keys = keys;
    }
    fill($('#stats tbody'), table.rows.map(r => el('tr', {
      class: 'kind-' + r.kind + ' status-' + r.status, 'data-row': r.kind + '/' + (r.pool || '') + '/' + r.name },
    ...table.columns.map(c => {
      const v = r[c.key];
      return el('td', { class: typeof v === 'number' ? 'num' : '', 'data-key': c.key }, v == null ? '' : String(v));
    }))));
  }

  // Downloads the stats table as CSV: fetched with the token (a plain link would carry none).
  async function exportCsv() {
    try {
      const r = await fetch('/api/v1/stats.csv', { headers: { 'Authorization': 'Bearer ' + token() } });
      if (!r.ok) throw new Error('HTTP ' + r.status);
      const url = URL.createObjectURL(await r.blob());
      const a = el('a', { href: url, download: 'fulcrum-stats.csv' });
      document.body.append(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 10000);
    } catch (e) {
      $('#action-error').textContent = 'CSV export failed: ' + e.message;
    }
  }

  function renderDns(s) {
    const counts = (m) => Object.entries(m).filter(([, n]) => n > 0);
    const rows = [['UDP queries', s.udpQueries], ['TCP queries', s.tcpQueries], ['GSLB answers', s.gslbAnswers],
      ['Truncated replies', s.truncatedReplies], ['Dropped packets', s.droppedPackets]]
      .concat(counts(s.queriesByType).map(([t, n]) => ['Queries ' + t, n]))
      .concat(counts(s.repliesByRcode).map(([c, n]) => ['Replies ' + c, n]))
      .concat(counts(s.gslbAnswersByPolicy).map(([p, n]) => ['GSLB ' + p, n]));
    fill($('#dns tbody'), rows.map(([name, n]) => el('tr', { 'data-counter': name },
      el('td', {}, name), el('td', { class: 'num' }, n))));
  }

  function renderCertificates(certs) {
    fill($('#certs tbody'), certs.length ? certs.map(c => el('tr', {
      'data-file': c.certFile, class: c.daysLeft < 0 ? 'expired' : c.daysLeft < 30 ? 'expiring' : '' },
    el('td', {}, c.listener), el('td', {}, c.names.join(', ')), el('td', {}, new Date(c.notAfter).toISOString().slice(0, 10)),
    el('td', { class: 'num days-left' }, c.daysLeft)))
      : [el('tr', {}, el('td', { colSpan: 4, class: 'muted' }, 'no certificates'))]);
  }

  async function renderL4() {
    const c = await api('GET', 'connections?limit=1');
    $('#l4-summary').textContent = 'active ' + c.active + ', fin ' + c.fin + ', completed ' + c.completed;
  }

  // Each route is its own inline box, so a long list wraps between routes inside the panel.
  function renderServices(services) {
    fill($('#services tbody'), services.map(s => el('tr', {}, el('td', {}, s.name), el('td', {}, s.kind),
      el('td', {}, s.boundAddress || s.bind || '-'),
      el('td', { class: 'routes' }, ...(s.routes || []).map(r => el('span', { class: 'route' }, r))))));
  }

  function renderPools(pools) {
    fill($('#pools tbody'), pools.map(p => el('tr', {}, el('td', {}, p.name), el('td', {}, p.algorithm),
      el('td', { class: 'num' }, p.backendsUp + '/' + p.backendsTotal), el('td', { class: 'num' }, p.requestsPerSecond))));
  }

  // The sites, and above them the ones seen down, named, so that a down site is seen without reading the table.
  async function renderSites() {
    const sites = await api('GET', 'gslb/sites');
    const down = sites.filter(s => !s.up).map(s => s.name);
    $('#sites-down').textContent = down.length ? 'Down: ' + down.join(', ') : 'All sites up';
    $('#sites-down').classList.toggle('error', down.length > 0);
    fill($('#sites tbody'), sites.map(s => el('tr', { 'data-site': s.name, class: s.up ? '' : 'site-down' },
      el('td', {}, s.name + (s.local ? ' (here)' : '')),
      el('td', {}, s.up ? 'yes' : 'no'), el('td', {}, s.responseTimeMillis == null ? '-' : s.responseTimeMillis + ' ms'),
      el('td', {}, s.handoffShare == null ? '-' : (100 * s.handoffShare).toFixed(1) + '%'))));
  }

  function renderHandoff(handoff) {
    const shares = Object.entries(handoff.shares);
    fill($('#handoff tbody'), shares.length ? shares.map(([site, share]) =>
      el('tr', {}, el('td', {}, site), el('td', { class: 'num' }, (100 * share).toFixed(1) + '%')))
      : [el('tr', {}, el('td', { colSpan: 2, class: 'muted' }, 'no hand-off table computed yet'))]);
  }

  // The cluster's members as this node sees them; the leader is marked.
  async function renderCluster() {
    const c = await api('GET', 'cluster/nodes');
    fill($('#cluster tbody'), c.nodes.map(n => el('tr', { 'data-node': n.id, 'data-state': n.state },
      el('td', {}, n.id + (n.leader ? ' (leader)' : '') + (n.id === c.self ? ' (here)' : '')),
      el('td', {}, n.state), el('td', {}, n.roles.join(', ')), el('td', {}, n.site), el('td', {}, n.host))));
  }

  // The latest active check under the health badge when it failed: which check, why, and when.
  function checkNote(b) {
    const c = b.lastCheck;
    if (!c || c.ok) return '';
    const at = new Date(c.time);
    const ago = Math.max(0, Math.round((Date.now() - at.getTime()) / 1000));
    return el('div', { class: 'check-failed' }, c.check + ' check failed: ' + c.detail,
      el('span', { class: 'check-time' }, ' at ' + at.toLocaleTimeString() + ' (' + ago + ' s ago' +
        (c.consecutive > 1 ? ', ' + c.consecutive + ' in a row' : '') + ')'));
  }

  // Rows are updated in place, so a weight being typed keeps its value and focus across refreshes.
  function renderBackends(backends) {
    const admin = role === 'admin';
    const tbody = $('#backends tbody');
    const existing = new Map([...tbody.children].map(tr => [tr.dataset.backend, tr]));
    const seen = new Set();
    for (const b of backends) {
      const id = b.pool + '/' + b.name;
      seen.add(id);
      let tr = existing.get(id);
      if (!tr) {
        tr = newRow(b, id, admin);
        tbody.append(tr);
      }
      tr.dataset.health = b.health;
      const cells = [b.pool, b.name, b.address,
        [el('span', { class: 'health health-' + b.health, title: b.healthReason || '' }, b.health), checkNote(b)],
        [String(b.weight), ' ', el('span', { class: 'origin' }, b.weightOrigin)],
        b.activeRequests, b.openConnections, b.totalRequests, b.requestsPerSecond,
        b.latencyMillis.p50, b.latencyMillis.p99, b.stickySessions];
      cells.forEach((c, i) => {
        const td = tr.children[i];
        const parts = Array.isArray(c) ? c : [c];
        const text = parts.map(x => x instanceof Node ? x.outerHTML : String(x)).join('');
        if (td.dataset.shown !== text) {
          td.replaceChildren(...parts.map(x => x instanceof Node ? x : document.createTextNode(x == null ? '-' : String(x))));
          td.dataset.shown = text;
        }
      });
    }
    for (const [id, tr] of existing) {
      if (!seen.has(id)) tr.remove();
    }
  }

  function newRow(b, id, admin) {
    const weightInput = el('input', { type: 'number', min: 0, value: b.weight, class: 'weight-input', disabled: !admin });
    const button = (label, cls, fn) => el('button', { type: 'button', class: cls, disabled: !admin, onclick: fn }, label);
    const base = 'pools/' + encodeURIComponent(b.pool) + '/backends/' + encodeURIComponent(b.name);
    const num = (cls) => el('td', { class: 'num' + (cls ? ' ' + cls : '') });
    return el('tr', { 'data-backend': id },
      el('td', {}), el('td', {}), el('td', {}), el('td', { class: 'health-cell' }), el('td', {}),
      num(), num(), num('total'), num(), num(), num(), num(),
      el('td', { class: 'actions' },
        button('Drain', 'action-drain', () => act('POST', base + '/drain')),
        button('Enable', 'action-enable', () => act('POST', base + '/enable')),
        button('Disable', 'action-disable', () => act('POST', base + '/disable')),
        weightInput,
        button('Set', 'action-weight', () => act('PUT', base + '/weight', { weight: Number(weightInput.value) })),
        button('Adaptive', 'action-adaptive', () => act('PUT', base + '/weight', { adaptive: true }))));
  }

  async function act(method, path, body) {
    $('#action-error').textContent = '';
    try {
      await api(method, path, body);
    } catch (e) {
      $('#action-error').textContent = e.message;
    }
    refresh();
  }

  // ---- charts --------------------------------------------------------------------------------

  function chart(id, field) {
    if (charts[id]) return charts[id];
    if (typeof Chart === 'undefined') return null;
    charts[id] = new Chart($('#' + id), {
      type: 'line',
      data: { labels: [], datasets: [] },
      options: {
        animation: false, responsive: true, maintainAspectRatio: false,
        elements: { point: { radius: 0 }, line: { borderWidth: 2, tension: 0.2 } },
        scales: { y: { beginAtZero: true } },
        plugins: { legend: { position: 'bottom' } }
      }
    });
    charts[id].field = field;
    return charts[id];
  }

  function renderCharts(stats) {
    const names = Object.keys(stats).sort();
    const longest = names.reduce((a, n) => stats[n].length > a.length ? stats[n] : a, []);
    const labels = longest.map(p => new Date(p.epochMillis).toLocaleTimeString());
    for (const [id, field] of [['chart-rps', 'requestsPerSecond'], ['chart-latency', 'p99Millis'], ['chart-active', 'active']]) {
      const c = chart(id, field);
      if (!c) continue;
      c.data.labels = labels;
      c.data.datasets = names.map((n, i) => {
        const pts = stats[n];
        const pad = new Array(Math.max(0, labels.length - pts.length)).fill(null);
        return { label: n, data: pad.concat(pts.map(p => p[field])), borderColor: COLORS[i % COLORS.length],
          backgroundColor: COLORS[i % COLORS.length] };
      });
      c.update('none');
    }
  }

  // ---- events (server-sent events read with fetch, so the token stays in a header) -----------

  async function followEvents() {
    streamAbort = new AbortController();
    let lastId = 0;
    for (;;) {
      try {
        const r = await fetch('/api/v1/events/stream' + (lastId ? '?after=' + lastId : ''), {
          headers: { 'Authorization': 'Bearer ' + token(), 'Accept': 'text/event-stream' }, signal: streamAbort.signal });
        const reader = r.body.getReader();
        const decoder = new TextDecoder();
        let buffer = '';
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          buffer += decoder.decode(value, { stream: true });
          let cut;
          while ((cut = buffer.indexOf('\n\n')) >= 0) {
            const frame = buffer.slice(0, cut);
            buffer = buffer.slice(cut + 2);
            const data = frame.split('\n').filter(l => l.startsWith('data: ')).map(l => l.slice(6)).join('\n');
            if (data) {
              const e = JSON.parse(data);
              lastId = Math.max(lastId, e.sequence);
              addEvent(e);
            }
          }
        }
      } catch (e) {
        if (streamAbort.signal.aborted) return;
      }
      await new Promise(res => setTimeout(res, 2000));
    }
  }

  function addEvent(e) {
    const list = $('#events');
    list.prepend(el('li', { 'data-kind': e.kind }, new Date(e.time).toLocaleTimeString() + '  ' + e.kind + '  ' +
      e.subject + '  ' + e.reason + '  (by ' + e.actor + ')'));
    while (list.children.length > 200) list.lastChild.remove();
  }

  function start() {
    refresh();
    timer = setInterval(refresh, POLL_MS);
    followEvents();
  }

  document.addEventListener('DOMContentLoaded', () => {
    $('#login-form').addEventListener('submit', (ev) => {
      ev.preventDefault();
      signIn($('#login-token').value.trim());
    });
    $('#logout').addEventListener('click', signOut);
    $('#csv-export').addEventListener('click', exportCsv);
    if (token()) signIn(token());
  });
})();
