// The view's page: every value from the server is put in the DOM with textContent (event fields
// are attacker-written), and the Content-Security-Policy forbids inline script and style.

/** @type {string | null} */
const token = new URLSearchParams(location.search).get('token');

/** @param {string} path */
async function api(path) {
  const response = await fetch(
    path,
    token ? { headers: { Authorization: `Bearer ${token}` } } : {},
  );
  if (!response.ok) throw new Error(`${path}: HTTP ${response.status}`);
  return response.json();
}

/**
 * @param {string} tag
 * @param {string | number} [text]
 * @param {string} [className]
 */
function el(tag, text, className) {
  const node = document.createElement(tag);
  if (text !== undefined) node.textContent = String(text);
  if (className) node.className = className;
  return node;
}

/** @param {string} id */
const byId = (id) => /** @type {HTMLElement} */ (document.getElementById(id));

/** @type {any} */
let alertsChart;

/**
 * @param {HTMLSelectElement} select
 * @param {string[]} values
 */
function fillSelect(select, values) {
  if (select.options.length > 1) return;
  for (const v of values) {
    const option = el('option', v);
    option.setAttribute('value', v);
    select.append(option);
  }
}

function filterQuery() {
  const form = /** @type {HTMLFormElement} */ (byId('filters'));
  const params = new URLSearchParams();
  for (const [key, value] of new FormData(form)) {
    if (typeof value !== 'string' || value === '') continue;
    params.set(
      key,
      key === 'since' || key === 'until' ? new Date(`${value}Z`).toISOString() : value,
    );
  }
  return params;
}

/** @param {string} id */
async function openAlert(id) {
  const alert = await api(`/api/alerts/${encodeURIComponent(id)}`);
  const s = alert._source;
  byId('detail-summary').textContent = s.summary;
  byId('detail-meta').textContent =
    `${s.utctimestamp} · ${s.severity} · ${s.category} · ${s.classname} · ${alert._id}`;
  const list = byId('detail-events');
  list.replaceChildren();
  for (const event of s.events) {
    const item = el('li');
    item.append(el('strong', `${event.documentindex}/${event.documentid}`));
    item.append(el('pre', JSON.stringify(event.documentsource, null, 2)));
    list.append(item);
  }
  byId('alert-detail').hidden = false;
}

/** The newest request wins: an older answer arriving late never replaces a newer one. */
let latestLoad = 0;

async function loadAlerts() {
  const load = ++latestLoad;
  const data = await api(`/api/alerts?${filterQuery()}`);
  if (load !== latestLoad) return;
  fillSelect(/** @type {HTMLSelectElement} */ (byId('filter-alert')), data.facets.alert);
  fillSelect(/** @type {HTMLSelectElement} */ (byId('filter-severity')), data.facets.severity);
  fillSelect(/** @type {HTMLSelectElement} */ (byId('filter-category')), data.facets.category);
  byId('alerts-count').textContent =
    data.total > data.alerts.length
      ? `${data.total} alerts (newest ${data.alerts.length} shown)`
      : `${data.total} alerts`;
  const body = /** @type {HTMLElement} */ (byId('alerts-table').querySelector('tbody'));
  body.replaceChildren();
  for (const a of data.alerts) {
    const tr = el('tr', undefined, 'alert-row');
    tr.dataset['id'] = a._id;
    tr.append(
      el('td', a.utctimestamp),
      el('td', a.severity, `sev-${a.severity}`),
      el('td', a.category),
      el('td', a.classname),
      el('td', a.events),
      el('td', a.summary),
    );
    tr.addEventListener('click', () => void openAlert(a._id));
    body.append(tr);
  }
  const labels = data.perHour.map((/** @type {[string, number]} */ p) => p[0]);
  const counts = data.perHour.map((/** @type {[string, number]} */ p) => p[1]);
  const Chart = /** @type {any} */ (window).Chart;
  if (alertsChart) alertsChart.destroy();
  alertsChart = new Chart(byId('alerts-chart'), {
    type: 'bar',
    data: { labels, datasets: [{ label: 'alerts per hour', data: counts }] },
    options: { animation: false, plugins: { legend: { display: false } } },
  });
  document.body.dataset['loaded'] = 'alerts';
}

async function loadRuns() {
  const runs = await api('/api/runs');
  const body = /** @type {HTMLElement} */ (byId('runs-table').querySelector('tbody'));
  body.replaceChildren();
  for (const r of runs) {
    const tr = el('tr');
    const recent = el('td');
    for (const run of r.recent.slice(0, 10))
      recent.append(
        el(
          'div',
          `${run.tick} · ${run.durationMs} ms · ${run.hits ?? '-'} hits · ${run.raised ?? 0} raised${run.error ? ` · ${run.error}` : ''}`,
        ),
      );
    const gaps = r.gaps
      .map(
        (/** @type {{cycle: string, skippedTicks: number}} */ g) =>
          `${g.skippedTicks} at ${g.cycle}`,
      )
      .join(', ');
    tr.append(
      el('td', r.alert),
      el('td', r.checkpoint ?? 'never'),
      el('td', r.runs),
      el('td', r.errors),
      el('td', gaps ? `${r.skippedTicks} (${gaps})` : '0'),
      recent,
    );
    body.append(tr);
  }
}

async function loadBacktest() {
  let report;
  try {
    report = await api('/api/backtest');
  } catch {
    byId('backtest-summary').textContent =
      'No backtest report: start with alertkit serve --backtest <report.json>.';
    return;
  }
  byId('backtest-summary').textContent =
    `${report.since} – ${report.until}: ${report.events} events, ${report.alerts.length} alerts`;
  const container = byId('backtest-alerts');
  container.replaceChildren();
  const Chart = /** @type {any} */ (window).Chart;
  for (const a of report.alerts) {
    const section = el('section');
    section.append(el('h3', `${a.alert}: ${a.total} alert(s)`));
    if (a.noiseBudget)
      section.append(
        el(
          'p',
          `noise budget ${a.noiseBudget.perDay}/day: ${a.overBudget.length ? `over on ${a.overBudget.map((/** @type {{day: string}} */ d) => d.day).join(', ')}` : 'kept'}`,
        ),
      );
    const canvas = el('canvas');
    canvas.setAttribute('height', '60');
    section.append(canvas);
    container.append(section);
    new Chart(canvas, {
      type: 'bar',
      data: {
        labels: a.perDay.map((/** @type {{day: string}} */ d) => d.day),
        datasets: [
          {
            label: 'alerts per day',
            data: a.perDay.map((/** @type {{alerts: number}} */ d) => d.alerts),
          },
        ],
      },
      options: { animation: false, plugins: { legend: { display: false } } },
    });
  }
}

function show() {
  const page = location.hash.slice(1) || 'alerts';
  for (const id of ['alerts', 'runs', 'backtest']) byId(id).hidden = id !== page;
  if (page === 'runs') void loadRuns();
  if (page === 'backtest') void loadBacktest();
}

window.addEventListener('hashchange', show);
byId('filters').addEventListener('change', () => void loadAlerts());
window.addEventListener('load', () => {
  show();
  void loadAlerts();
});
