// invitetrack's dashboard. It reads only the public query API, with the read key the user enters, which is
// kept in sessionStorage for this browser session. The view (range, role, interval, window, time zone,
// table order) lives in the URL, so a link shows a colleague the same view.
(function () {
  'use strict';

  const KEY_STORAGE = 'invitetrack.readKey';
  const TOP_INVITERS = 25;
  const PRESETS = { '7d': 7, '30d': 30, '90d': 90 };
  const DEFAULTS = { range: '30d', interval: 'auto', window: 'P7D', order: 'invites', sort: 'invites', dir: 'desc' };
  const COLORS = { sent: '#4f46e5', accepted: '#0f9d76', activated: '#d97706' };
  const STEP_LABELS = { sent: 'Sent', accepted: 'Accepted', activated: 'Activated' };

  const $ = (selector, root) => (root || document).querySelector(selector);
  const $$ = (selector, root) => Array.from((root || document).querySelectorAll(selector));
  const browserZone = Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';

  let state = readState();
  let generation = 0;
  let inFlight = null;
  let lastByUser = null;
  const charts = {};

  // ---------------------------------------------------------------- state <-> URL

  function readState() {
    const params = new URLSearchParams(location.search);
    const pick = (name, allowed) => {
      const value = params.get(name);
      return value !== null && (!allowed || allowed.includes(value)) ? value : DEFAULTS[name];
    };
    const s = {
      range: pick('range', ['7d', '30d', '90d', 'custom']),
      from: params.get('from') || '',
      to: params.get('to') || '',
      role: params.get('role') || '',
      interval: pick('interval', ['auto', 'hour', 'day', 'week', 'month']),
      window: pick('window', ['P1D', 'P7D', 'P14D', 'P30D']),
      tz: params.get('tz') || browserZone,
      order: pick('order', ['invites', 'accepted']),
      sort: pick('sort', ['user_id', 'invites', 'invitees', 'accepted', 'acceptance_rate']),
      dir: pick('dir', ['asc', 'desc']),
    };
    if (s.range === 'custom' && !(isDate(s.from) && isDate(s.to) && s.from <= s.to)) {
      s.range = DEFAULTS.range;
    }
    if (s.range !== 'custom') {
      s.from = '';
      s.to = '';
    }
    return s;
  }

  function writeState(push) {
    const params = new URLSearchParams();
    params.set('range', state.range);
    if (state.range === 'custom') {
      params.set('from', state.from);
      params.set('to', state.to);
    }
    if (state.role) params.set('role', state.role);
    ['interval', 'window', 'order', 'sort', 'dir'].forEach((name) => {
      if (state[name] !== DEFAULTS[name]) params.set(name, state[name]);
    });
    params.set('tz', state.tz);
    const url = location.pathname + '?' + params.toString();
    if (url !== location.pathname + location.search) {
      history[push ? 'pushState' : 'replaceState'](null, '', url);
    }
  }

  // ---------------------------------------------------------------- dates

  function isDate(text) { return /^\d{4}-\d{2}-\d{2}$/.test(text) && !isNaN(Date.parse(text + 'T00:00:00Z')); }

  /** Today's date in the zone, as YYYY-MM-DD. */
  function today(zone) {
    return new Intl.DateTimeFormat('en-CA', { timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit' })
      .format(new Date());
  }

  function addDays(date, days) {
    const d = new Date(date + 'T00:00:00Z');
    d.setUTCDate(d.getUTCDate() + days);
    return d.toISOString().slice(0, 10);
  }

  function daysBetween(from, to) {
    return Math.round((Date.parse(to + 'T00:00:00Z') - Date.parse(from + 'T00:00:00Z')) / 86400000);
  }

  /** The half-open range [from, to) of whole days in state.tz the view covers, and the one before it. */
  function period() {
    let from;
    let toExclusive;
    if (state.range === 'custom') {
      from = state.from;
      toExclusive = addDays(state.to, 1);
    } else {
      toExclusive = addDays(today(state.tz), 1);
      from = addDays(toExclusive, -PRESETS[state.range]);
    }
    const days = daysBetween(from, toExclusive);
    return { from: from, to: toExclusive, days: days, previousFrom: addDays(from, -days) };
  }

  function effectiveInterval(days) {
    if (state.interval !== 'auto') return state.interval;
    if (days <= 3) return 'hour';
    if (days <= 120) return 'day';
    if (days <= 730) return 'week';
    return 'month';
  }

  // ---------------------------------------------------------------- formatting

  const integer = new Intl.NumberFormat(undefined, { maximumFractionDigits: 0 });
  const decimal = new Intl.NumberFormat(undefined, { minimumFractionDigits: 2, maximumFractionDigits: 2 });
  const percentFormat = new Intl.NumberFormat(undefined, { style: 'percent', minimumFractionDigits: 1, maximumFractionDigits: 1 });

  const fmt = {
    count: (v) => (v === null || v === undefined ? '–' : integer.format(v)),
    ratio: (v) => (v === null || v === undefined ? '–' : decimal.format(v)),
    percent: (v) => (v === null || v === undefined ? '–' : percentFormat.format(v)),
    duration: (seconds) => {
      if (seconds === null || seconds === undefined) return '–';
      if (seconds < 60) return Math.round(seconds) + ' s';
      if (seconds < 3600) return (seconds / 60).toFixed(1) + ' min';
      if (seconds < 86400 * 2) return (seconds / 3600).toFixed(1) + ' h';
      return (seconds / 86400).toFixed(1) + ' d';
    },
  };

  const KPIS = {
    invites_sent: { format: fmt.count, change: 'relative', better: 'up' },
    unique_inviters: { format: fmt.count, change: 'relative', better: 'up' },
    invites_accepted: { format: fmt.count, change: 'relative', better: 'up' },
    acceptance_rate: { format: fmt.percent, change: 'points', better: 'up' },
    k_factor: { format: fmt.ratio, change: 'absolute', better: 'up' },
    median_time_to_accept_seconds: { format: fmt.duration, change: 'relative', better: 'down' },
  };

  function bucketLabel(start, interval) {
    const date = new Date(start);
    const options = { timeZone: state.tz };
    if (interval === 'hour') Object.assign(options, { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' });
    else if (interval === 'month') Object.assign(options, { month: 'short', year: 'numeric' });
    else Object.assign(options, { month: 'short', day: 'numeric', year: 'numeric' });
    const text = new Intl.DateTimeFormat(undefined, options).format(date);
    return interval === 'week' ? 'Week of ' + text : text;
  }

  function roleName(role) { return role === null ? '(no role)' : role; }

  // ---------------------------------------------------------------- the API

  class ApiError extends Error {
    constructor(kind, message, status) {
      super(message);
      this.kind = kind;
      this.status = status;
    }
  }

  function apiUrl(path, params) {
    const query = new URLSearchParams();
    Object.keys(params).forEach((name) => {
      if (params[name] !== '' && params[name] !== null && params[name] !== undefined) query.set(name, params[name]);
    });
    return path + '?' + query.toString();
  }

  async function api(path, params, signal, accept) {
    let response;
    try {
      response = await fetch(apiUrl(path, params), {
        signal: signal,
        headers: {
          Authorization: 'Bearer ' + sessionStorage.getItem(KEY_STORAGE),
          Accept: accept || 'application/json',
          'X-Requested-With': 'XMLHttpRequest',
        },
      });
    } catch (error) {
      if (error.name === 'AbortError') throw error;
      throw new ApiError('unreachable', 'Cannot reach the invitetrack server at ' + location.origin
        + '. Check that it is running, then try again.');
    }
    if (response.ok) return accept === 'text/csv' ? response.blob() : response.json();

    let detail = '';
    try {
      const body = await response.json();
      detail = (body.errors || []).map((e) => (e.field ? e.field + ': ' : '') + e.message).join('; ');
    } catch (ignored) {
      detail = response.statusText;
    }
    if (response.status === 401 || response.status === 403) {
      throw new ApiError('key', 'The server refused this key (HTTP ' + response.status + ': ' + detail
        + '). Enter a read key of your workspace.', response.status);
    }
    if (response.status === 400) {
      throw new ApiError('request', 'The server cannot answer this view (' + detail + '). Change the filters above.', 400);
    }
    if (response.status === 429 || response.status === 503) {
      throw new ApiError('busy', 'The server is busy or its storage is unavailable (HTTP ' + response.status
        + (detail ? ': ' + detail : '') + '). Try again in a moment.', response.status);
    }
    throw new ApiError('server', 'The server failed to answer (HTTP ' + response.status
      + (detail ? ': ' + detail : '') + '). Try again; if it persists, check the server log.', response.status);
  }

  function commonParams(p) {
    return { from: p.from, to: p.to, tz: state.tz, role: state.role, window: state.window };
  }

  /** Each view: its endpoint and parameters, shared by the panel and its CSV download. */
  function views(p) {
    const common = commonParams(p);
    return {
      summary: { path: '/v1/invites/summary', params: common },
      previous: { path: '/v1/invites/summary', params: Object.assign({}, common, { from: p.previousFrom, to: p.from }) },
      timeseries: { path: '/v1/invites/timeseries', params: Object.assign({ interval: effectiveInterval(p.days) }, common) },
      'by-role': { path: '/v1/invites/by-role', params: Object.assign({}, common, { role: '' }) },
      'by-user': { path: '/v1/invites/by-user', params: Object.assign({ limit: TOP_INVITERS, order: state.order }, common) },
      funnel: { path: '/v1/invites/funnel', params: Object.assign({ activation: 'true' }, common) },
    };
  }

  // ---------------------------------------------------------------- loading the view

  function panelOf(element) { return element.closest('.panel'); }

  function setBusy(busy) {
    $$('#dashboard .panel').forEach((panel) => panel.setAttribute('aria-busy', String(busy)));
  }

  async function refresh() {
    if (inFlight) inFlight.abort();
    const controller = new AbortController();
    inFlight = controller;
    const mine = ++generation;
    const dashboard = $('#dashboard');
    dashboard.dataset.generation = String(mine);
    dashboard.dataset.state = 'loading';
    const p = period();
    syncControls(p);
    renderRangeLabel(p);
    setBusy(true);
    $('#error').hidden = true;
    dashboard.classList.remove('is-error');

    const v = views(p);
    const load = (name) => api(v[name].path, v[name].params, controller.signal);
    const summary = load('summary');
    const previous = load('previous');
    const tasks = [
      Promise.all([summary, previous]).then((answers) => mine === generation && renderSummary(answers[0], answers[1], p)),
      load('timeseries').then((answer) => mine === generation && renderTimeseries(answer)),
      load('by-role').then((answer) => mine === generation && renderByRole(answer)),
      load('by-user').then((answer) => mine === generation && renderByUser(answer)),
      load('funnel').then((answer) => mine === generation && renderFunnel(answer)),
    ];
    const all = Promise.all(tasks);
    all.catch(() => {}); // observed below; this keeps a failure from also surfacing as unhandled
    try {
      const first = await summary;
      if (mine !== generation) return;
      showEmpty(first.invites_sent === 0);
      await all;
      if (mine !== generation) return;
      dashboard.dataset.state = first.invites_sent === 0 ? 'empty' : 'ready';
      performance.mark('invitetrack:ready'); // bench/dashboard-load reads this
      announce(first.invites_sent === 0
        ? 'No invites in this range.'
        : 'Dashboard updated: ' + fmt.count(first.invites_sent) + ' invites sent, ' + $('#range-label').textContent + '.');
    } catch (error) {
      if (error.name === 'AbortError' || mine !== generation) return;
      controller.abort();
      showError(error);
    } finally {
      if (inFlight === controller) inFlight = null;
    }
  }

  function showError(error) {
    const dashboard = $('#dashboard');
    setBusy(false);
    if (error.kind === 'key') {
      signOut(error.message);
      return;
    }
    dashboard.dataset.state = 'error';
    // what is on the page answers an earlier view: hide it rather than let it pass for this one
    dashboard.classList.add('is-error');
    $('#error-message').textContent = error.message || String(error);
    $('#error').hidden = false;
    $('#error').dataset.kind = error.kind || 'script';
  }

  function showEmpty(empty) {
    $('#dashboard').classList.toggle('is-empty', empty);
    $('#empty').hidden = !empty;
    if (empty) {
      $('#empty-title').textContent = state.role
        ? 'No “' + state.role + '” invites in this range'
        : 'No invites in this range';
      $('#empty-curl').textContent = "curl " + location.origin + "/v1/track \\\n"
        + "  -H 'Authorization: Bearer YOUR_WRITE_KEY' -H 'Content-Type: application/json' \\\n"
        + "  -d '{\"event\": \"invite_sent\", \"user_id\": \"user-1\",\n"
        + "       \"properties\": {\"invitee_email\": \"ana@example.com\", \"invitee_role\": \""
        + (state.role || 'Developer') + "\"}}'";
    }
  }

  function announce(text) { $('#announcer').textContent = text; }

  // ---------------------------------------------------------------- rendering

  function renderRangeLabel(p) {
    const label = state.range === 'custom'
      ? formatDay(p.from) + ' – ' + formatDay(addDays(p.to, -1))
      : 'Last ' + PRESETS[state.range] + ' days';
    $('#range-label').textContent = label + ' · ' + state.tz + (state.role ? ' · role ' + state.role : '');
    $('#previous-length').textContent = p.days === 1 ? 'day' : p.days + ' days';
  }

  function formatDay(date) {
    return new Intl.DateTimeFormat(undefined, { timeZone: 'UTC', month: 'short', day: 'numeric', year: 'numeric' })
      .format(new Date(date + 'T00:00:00Z'));
  }

  function renderSummary(current, previous, p) {
    Object.keys(KPIS).forEach((name) => {
      const kpi = KPIS[name];
      const tile = $('[data-kpi="' + name + '"]');
      const value = current[name];
      const valueElement = $('.value', tile);
      valueElement.textContent = kpi.format(value);
      valueElement.dataset.value = value === null ? '' : String(value);
      renderDelta($('.delta', tile), kpi, value, previous[name], p.days);
    });
    panelOf($('.tiles')).setAttribute('aria-busy', 'false');
    performance.mark('invitetrack:summary');
  }

  function renderDelta(element, kpi, value, before, days) {
    element.className = 'delta';
    element.dataset.previous = before === null || before === undefined ? '' : String(before);
    const period = 'the previous ' + days + (days === 1 ? ' day' : ' days');
    if (value === null || before === null || before === undefined) {
      element.textContent = 'no comparison';
      element.title = 'No value for ' + (value === null ? 'this range' : period);
      return;
    }
    let change;
    let text;
    if (kpi.change === 'relative') {
      if (before === 0) {
        element.textContent = value === 0 ? 'no change' : 'new';
        element.title = 'Nothing in ' + period;
        return;
      }
      change = (value - before) / before;
      text = percentFormat.format(Math.abs(change));
    } else if (kpi.change === 'points') {
      change = value - before;
      text = decimal.format(Math.abs(change * 100)) + ' pp';
    } else {
      change = value - before;
      text = decimal.format(Math.abs(change));
    }
    // a change that rounds to nothing as shown is no change
    const direction = /[1-9]/.test(text) ? (change > 0 ? 'up' : 'down') : 'flat';
    element.textContent = (direction === 'up' ? '▲ ' : direction === 'down' ? '▼ ' : '') + (direction === 'flat' ? 'no change' : text);
    element.classList.add(direction === 'flat' ? 'flat' : direction === kpi.better ? 'good' : 'bad');
    element.title = (direction === 'flat' ? 'Same as ' : direction + ' ' + text + ' against ') + period
      + ' (was ' + kpi.format(before) + ')';
    element.setAttribute('aria-label', element.title);
  }

  function fillTable(table, rows, cells) {
    const body = $('tbody', table);
    const fragment = document.createDocumentFragment();
    rows.forEach((row) => {
      const tr = document.createElement('tr');
      cells(row).forEach((cell, index) => {
        const td = document.createElement(index === 0 ? 'th' : 'td');
        if (index === 0) td.scope = 'row';
        td.textContent = cell.text;
        if (cell.value !== undefined) td.dataset.value = cell.value === null ? '' : String(cell.value);
        if (cell.numeric) td.className = 'num';
        tr.appendChild(td);
      });
      fragment.appendChild(tr);
    });
    body.replaceChildren(fragment);
    return body;
  }

  function renderTimeseries(answer) {
    const buckets = answer.buckets;
    const table = $('#timeseries-table');
    fillTable(table, buckets, (b) => [
      { text: bucketLabel(b.start, answer.interval), value: b.start },
      { text: fmt.count(b.sent), value: b.sent, numeric: true },
      { text: fmt.count(b.accepted), value: b.accepted, numeric: true },
      { text: fmt.percent(b.acceptance_rate), value: b.acceptance_rate, numeric: true },
    ]);
    table.dataset.interval = answer.interval;
    const x = buckets.map((b) => Date.parse(b.start) / 1000);
    const total = buckets.reduce((sum, b) => sum + b.sent, 0);
    $('#timeseries-chart').setAttribute('aria-label', 'Invites sent and accepted per ' + answer.interval + ', '
      + buckets.length + ' buckets, ' + fmt.count(total) + ' sent in total. The table below has every value.');
    drawChart('timeseries', $('#timeseries-chart'), [x, buckets.map((b) => b.sent), buckets.map((b) => b.accepted)], {
      series: [
        { label: 'Bucket', value: (u, v) => (v === null ? '–' : bucketLabel(new Date(v * 1000).toISOString(), answer.interval)) },
        { label: 'Sent', stroke: COLORS.sent, fill: 'rgba(79, 70, 229, 0.08)', width: 2, points: { show: buckets.length < 60 } },
        { label: 'Accepted', stroke: COLORS.accepted, width: 2, points: { show: buckets.length < 60 } },
      ],
      scales: { x: { time: true }, y: { range: (u, min, max) => [0, Math.max(1, max * 1.1)] } },
      axes: [{ grid: { show: false } }, countAxis()],
      tzDate: (ts) => uPlot.tzDate(new Date(ts * 1000), state.tz),
      legend: { live: true }, // hovering shows the bucket's numbers
    });
    panelOf(table).setAttribute('aria-busy', 'false');
  }

  function categoryAxes(labels) {
    return [
      {
        grid: { show: false },
        splits: () => labels.map((label, index) => index),
        values: (u, splits) => splits.map((index) => labels[index] || ''),
      },
      countAxis(),
    ];
  }

  /** A y axis of whole numbers: no tick at 2.5 invites. */
  function countAxis() {
    const steps = [];
    for (let power = 1; power <= 1e12; power *= 10) steps.push(power, 2 * power, 5 * power);
    return { size: 60, incrs: steps, values: (u, splits) => splits.map((s) => fmt.count(s)) };
  }

  function barChartOptions(labels, series, legend) {
    return {
      legend: { show: legend !== false, live: false },
      series: [{ label: 'Category', value: (u, v) => (v === null ? '–' : labels[v]) }].concat(series),
      scales: { x: { time: false, range: () => [-0.5, labels.length - 0.5] }, y: { range: (u, min, max) => [0, Math.max(1, max * 1.1)] } },
      axes: categoryAxes(labels).map((axis, index) => (index === 0 ? Object.assign(axis, { size: 52 }) : axis)),
      cursor: { points: { show: false } },
    };
  }

  function renderByRole(answer) {
    const roles = answer.roles;
    const table = $('#by-role-table');
    const body = fillTable(table, roles, (r) => [
      { text: roleName(r.role), value: r.role },
      { text: fmt.count(r.invites), value: r.invites, numeric: true },
      { text: fmt.count(r.inviters), value: r.inviters, numeric: true },
      { text: fmt.count(r.accepted), value: r.accepted, numeric: true },
      { text: fmt.percent(r.acceptance_rate), value: r.acceptance_rate, numeric: true },
    ]);
    $$('tr', body).forEach((tr, index) => {
      if (state.role && roles[index].role === state.role) tr.classList.add('selected');
    });
    renderRoleOptions(roles);
    const labels = roles.map((r) => roleName(r.role));
    const x = roles.map((r, index) => index);
    $('#by-role-chart').setAttribute('aria-label', 'Invites and acceptances for ' + roles.length
      + ' roles; the table below has every value.');
    drawChart('by-role', $('#by-role-chart'), [x, roles.map((r) => r.invites), roles.map((r) => r.accepted)],
      barChartOptions(labels, [
        { label: 'Invites', fill: 'rgba(79, 70, 229, 0.85)', stroke: COLORS.sent, paths: bars(0.7), points: { show: false } },
        { label: 'Accepted', fill: 'rgba(15, 157, 118, 0.95)', stroke: COLORS.accepted, paths: bars(0.38), points: { show: false } },
      ]));
    panelOf(table).setAttribute('aria-busy', 'false');
  }

  function renderRoleOptions(roles) {
    const select = $('#role');
    const names = roles.filter((r) => r.role !== null).map((r) => r.role);
    if (state.role && !names.includes(state.role)) names.push(state.role);
    names.sort((a, b) => a.localeCompare(b));
    const options = [new Option('All roles', '')].concat(names.map((name) => new Option(name, name)));
    select.replaceChildren.apply(select, options);
    select.value = state.role;
  }

  function renderByUser(answer) {
    lastByUser = answer;
    const rows = answer.users.slice();
    const key = state.sort;
    const sign = state.dir === 'asc' ? 1 : -1;
    rows.sort((a, b) => {
      const left = a[key];
      const right = b[key];
      if (left === right) return 0;
      if (left === null) return 1;
      if (right === null) return -1;
      return (typeof left === 'string' ? left.localeCompare(right) : left - right) * sign;
    });
    const table = $('#by-user-table');
    fillTable(table, rows, (u) => [
      { text: u.user_id, value: u.user_id },
      { text: fmt.count(u.invites), value: u.invites, numeric: true },
      { text: fmt.count(u.invitees), value: u.invitees, numeric: true },
      { text: fmt.count(u.accepted), value: u.accepted, numeric: true },
      { text: fmt.percent(u.acceptance_rate), value: u.acceptance_rate, numeric: true },
    ]);
    table.dataset.order = answer.order;
    $$('th[data-sort]', table).forEach((th) => {
      th.setAttribute('aria-sort', th.dataset.sort === state.sort ? (state.dir === 'asc' ? 'ascending' : 'descending') : 'none');
    });
    panelOf(table).setAttribute('aria-busy', 'false');
  }

  function renderFunnel(answer) {
    const steps = answer.steps;
    const table = $('#funnel-table');
    fillTable(table, steps, (s) => [
      { text: STEP_LABELS[s.step] || s.step, value: s.step },
      { text: fmt.count(s.count), value: s.count, numeric: true },
      { text: fmt.percent(s.conversion), value: s.conversion, numeric: true },
      { text: fmt.percent(s.conversion_from_previous), value: s.conversion_from_previous, numeric: true },
      { text: fmt.duration(s.median_seconds), value: s.median_seconds, numeric: true },
      { text: fmt.duration(s.p90_seconds), value: s.p90_seconds, numeric: true },
    ]);
    const labels = steps.map((s) => (STEP_LABELS[s.step] || s.step) + (s.conversion === null ? '' : '\n' + fmt.percent(s.conversion)));
    const stepColors = steps.map((s) => COLORS[s.step] || COLORS.sent);
    $('#funnel-chart').setAttribute('aria-label', 'Invite funnel: ' + steps.map((s) =>
      (STEP_LABELS[s.step] || s.step) + ' ' + fmt.count(s.count)).join(', ') + '.');
    drawChart('funnel', $('#funnel-chart'), [steps.map((s, index) => index), steps.map((s) => s.count)],
      barChartOptions(labels, [{
        label: 'Count', fill: COLORS.sent, stroke: COLORS.sent, points: { show: false },
        // one colour per step, the same as the step's colour elsewhere on the page
        paths: bars(0.6, { fill: { unit: 3, values: () => stepColors }, stroke: { unit: 3, values: () => stepColors } }),
      }], false));
    panelOf(table).setAttribute('aria-busy', 'false');
  }

  function bars(size, disp) { return uPlot.paths.bars({ size: [size, Infinity], align: 0, disp: disp }); }

  function drawChart(name, container, data, options) {
    if (charts[name]) {
      charts[name].destroy();
      delete charts[name];
    }
    const size = chartSize(container);
    charts[name] = new uPlot(Object.assign({ width: size.width, height: size.height, legend: { live: false } }, options),
      data, container);
  }

  function chartSize(container) {
    const width = Math.max(240, Math.floor(container.getBoundingClientRect().width));
    return { width: width, height: width < 500 ? 200 : 260 };
  }

  // ---------------------------------------------------------------- CSV downloads

  async function downloadCsv(view, button) {
    const p = period();
    const v = views(p)[view];
    button.disabled = true;
    try {
      const blob = await api(v.path, v.params, undefined, 'text/csv');
      const link = document.createElement('a');
      link.href = URL.createObjectURL(blob);
      link.download = 'invitetrack-' + view + '-' + p.from + '_' + addDays(p.to, -1) + '.csv';
      document.body.appendChild(link);
      link.click();
      link.remove();
      setTimeout(() => URL.revokeObjectURL(link.href), 10000);
      announce('Downloaded ' + link.download);
    } catch (error) {
      showError(error);
    } finally {
      button.disabled = false;
    }
  }

  // ---------------------------------------------------------------- controls

  function fillTimeZones() {
    const select = $('#tz');
    let zones = typeof Intl.supportedValuesOf === 'function' ? Intl.supportedValuesOf('timeZone') : [];
    zones = ['UTC'].concat(zones.filter((zone) => zone !== 'UTC'));
    [browserZone, state.tz].forEach((zone) => { if (!zones.includes(zone)) zones.splice(1, 0, zone); });
    select.replaceChildren.apply(select, zones.map((zone) => new Option(zone === browserZone ? zone + ' (this browser)' : zone, zone)));
  }

  function syncControls(p) {
    $('#range').value = state.range;
    $$('.custom-range').forEach((field) => { field.hidden = state.range !== 'custom'; });
    $('#from').value = p.from;
    $('#to').value = addDays(p.to, -1);
    if (![...$('#role').options].some((option) => option.value === state.role)) {
      $('#role').append(new Option(state.role, state.role));
    }
    $('#role').value = state.role;
    $('#interval').value = state.interval;
    $('#interval').options[0].textContent = 'Auto (' + effectiveInterval(p.days) + ')';
    $('#window').value = state.window;
    $('#tz').value = state.tz;
  }

  function change(update) {
    Object.assign(state, update);
    writeState(true);
    refresh();
  }

  function bindControls() {
    $('#filters').addEventListener('submit', (event) => event.preventDefault());
    $('#range').addEventListener('change', (event) => {
      const range = event.target.value;
      if (range === 'custom') {
        const p = period();
        change({ range: 'custom', from: p.from, to: addDays(p.to, -1) });
        $('#from').focus();
      } else {
        change({ range: range, from: '', to: '' });
      }
    });
    ['from', 'to'].forEach((name) => {
      $('#' + name).addEventListener('change', () => {
        const from = $('#from').value;
        const to = $('#to').value;
        if (isDate(from) && isDate(to) && from <= to) {
          $('#to').setCustomValidity('');
          change({ range: 'custom', from: from, to: to });
        } else {
          $('#to').setCustomValidity('Pick a “to” date on or after the “from” date.');
          $('#to').reportValidity();
        }
      });
    });
    $('#role').addEventListener('change', (event) => change({ role: event.target.value }));
    $('#interval').addEventListener('change', (event) => change({ interval: event.target.value }));
    $('#window').addEventListener('change', (event) => change({ window: event.target.value }));
    $('#tz').addEventListener('change', (event) => change({ tz: event.target.value }));
    $('#retry').addEventListener('click', () => refresh());
    $$('button.csv').forEach((button) => button.addEventListener('click', () => downloadCsv(button.dataset.view, button)));
    $$('#by-user-table th[data-sort] button').forEach((button) => {
      button.addEventListener('click', () => {
        const column = button.parentElement.dataset.sort;
        const dir = state.sort === column && state.dir === 'desc' ? 'asc' : 'desc';
        if ((column === 'invites' || column === 'accepted') && column !== state.order) {
          change({ order: column, sort: column, dir: 'desc' }); // ranks the top inviters anew on the server
        } else {
          Object.assign(state, { sort: column, dir: column === 'user_id' && state.sort !== column ? 'asc' : dir });
          writeState(false);
          if (lastByUser) renderByUser(lastByUser);
        }
      });
    });
    window.addEventListener('popstate', () => {
      state = readState();
      if (sessionStorage.getItem(KEY_STORAGE)) refresh();
    });
    if ('ResizeObserver' in window) {
      const observer = new ResizeObserver(() => {
        Object.keys(charts).forEach((name) => {
          const chart = charts[name];
          const size = chartSize(chart.root.parentElement);
          if (size.width !== chart.width || size.height !== chart.height) chart.setSize(size);
        });
      });
      $$('.chart').forEach((chart) => observer.observe(chart));
    }
  }

  // ---------------------------------------------------------------- signing in and out

  function signIn(message) {
    $('#dashboard').hidden = true;
    $('#sign-out').hidden = true;
    $('#sign-in').hidden = false;
    $('#key-error').textContent = message || '';
    $('#key').setAttribute('aria-invalid', message ? 'true' : 'false');
    $('#key').focus();
  }

  function signOut(message) {
    sessionStorage.removeItem(KEY_STORAGE);
    if (inFlight) inFlight.abort();
    Object.keys(charts).forEach((name) => { charts[name].destroy(); delete charts[name]; });
    $('#key').value = '';
    signIn(message);
  }

  function openDashboard() {
    $('#sign-in').hidden = true;
    $('#dashboard').hidden = false;
    $('#sign-out').hidden = false;
    writeState(false);
    refresh();
  }

  $('#key-form').addEventListener('submit', (event) => {
    event.preventDefault();
    const key = $('#key').value.trim();
    if (!key) {
      signIn('Enter a read key, for example demo-read-key.');
      return;
    }
    sessionStorage.setItem(KEY_STORAGE, key);
    openDashboard();
  });
  $('#sign-out').addEventListener('click', () => signOut());

  fillTimeZones();
  bindControls();
  if (sessionStorage.getItem(KEY_STORAGE)) openDashboard(); else signIn();
})();
