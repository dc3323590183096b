// The dashboard reads only the public query API, with the read key kept for this browser session.
(function () {
  'use strict';
  const KEY = 'invitetrack.readKey';
  const form = document.getElementById('key-form');
  const content = document.getElementById('content');
  const keyError = document.getElementById('key-error');

  function api(path) {
    return fetch(path, { headers: { Authorization: 'Bearer ' + sessionStorage.getItem(KEY) } })
      .then(function (response) {
        return response.json().then(function (body) {
          if (!response.ok) {
            const message = body.errors && body.errors.length ? body.errors[0].message : 'HTTP ' + response.status;
            throw Object.assign(new Error(message), { status: response.status });
          }
          return body;
        });
      });
  }

  function percent(value) { return value === null ? '–' : (value * 100).toFixed(1) + ' %'; }
  function number(value) { return value === null ? '–' : value.toLocaleString(); }

  function show() {
    Promise.all([api('/v1/invites/summary'), api('/v1/invites/by-role')]).then(function (answers) {
      const summary = answers[0];
      document.getElementById('invites_sent').textContent = number(summary.invites_sent);
      document.getElementById('unique_inviters').textContent = number(summary.unique_inviters);
      document.getElementById('invites_accepted').textContent = number(summary.invites_accepted);
      document.getElementById('acceptance_rate').textContent = percent(summary.acceptance_rate);
      document.getElementById('k_factor').textContent = summary.k_factor === null ? '–' : summary.k_factor.toFixed(2);
      const body = document.querySelector('#by-role tbody');
      body.replaceChildren();
      answers[1].roles.forEach(function (row) {
        const tr = document.createElement('tr');
        [row.role === null ? '(no role)' : row.role, number(row.invites), number(row.inviters), number(row.accepted)]
          .forEach(function (text) { const td = document.createElement('td'); td.textContent = text; tr.appendChild(td); });
        body.appendChild(tr);
      });
      form.hidden = true;
      content.hidden = false;
    }).catch(function (error) {
      if (error.status === 401 || error.status === 403) { sessionStorage.removeItem(KEY); }
      content.hidden = true;
      form.hidden = false;
      keyError.textContent = error.message;
    });
  }

  form.addEventListener('submit', function (event) {
    event.preventDefault();
    sessionStorage.setItem(KEY, document.getElementById('key').value.trim());
    keyError.textContent = '';
    show();
  });
  document.getElementById('sign-out').addEventListener('click', function () {
    sessionStorage.removeItem(KEY);
    content.hidden = true;
    form.hidden = false;
  });

  if (sessionStorage.getItem(KEY)) { show(); } else { form.hidden = false; }
})();
