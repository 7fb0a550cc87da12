// The Synth.Streaming web UI: a single page over the API (docs/api.md). No build step, no dependencies.
// The API key is entered once per browser session, kept in sessionStorage and sent as X-Api-Key.
'use strict';

const KEY_STORAGE = 'synth-api-key';
const POLL_MS = 1000;
const THROUGHPUT_POINTS = 60;
const view = document.getElementById('view');
let stopCurrentView = () => {};

// ---- DOM helpers: every piece of data goes in as text, never as HTML.
function h(tag, attributes, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (name.startsWith('on')) node.addEventListener(name.slice(2), value);
    else if (name === 'className') node.className = value;
    else node.setAttribute(name, value === true ? '' : String(value));
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

function show(...children) {
  view.replaceChildren(...children);
}

function toast(message) {
  const box = document.getElementById('toast');
  box.textContent = message;
  box.hidden = false;
  clearTimeout(toast.timer);
  toast.timer = setTimeout(() => { box.hidden = true; }, 3000);
}

const number = new Intl.NumberFormat('en');
const fmt = value => (value === null || value === undefined ? '–' : number.format(value));
const usd = value => (value === null || value === undefined ? '–' : '$' + Number(value).toFixed(4));
const time = value => (value ? new Date(value).toLocaleString() : '–');
const stateBadge = state => h('span', { className: 'state state-' + state }, state);

// ---- API access.
class ApiError extends Error {
  constructor(status, problem) {
    super((problem && (problem.detail || problem.title)) || ('HTTP ' + status));
    this.status = status;
    this.problem = problem;
  }
}

// What the signed-in key may do (GET /me); the server enforces it, the UI only leaves out what would be refused.
const ROLES = ['viewer', 'reviewer', 'operator', 'admin'];
let caller = null;

function may(role) {
  return caller !== null && ROLES.indexOf(caller.role) >= ROLES.indexOf(role);
}

function apiKey() {
  return sessionStorage.getItem(KEY_STORAGE);
}

async function api(path, options = {}) {
  const headers = Object.assign({ 'X-Api-Key': apiKey() }, options.headers || {});
  const response = await fetch(path, Object.assign({}, options, { headers }));
  if (response.status === 401) {
    sessionStorage.removeItem(KEY_STORAGE);
    caller = null;
    renderSignIn('The key was refused; enter a valid API key.');
    throw new ApiError(401, { title: 'Unauthorized' });
  }
  if (response.status === 204) return null;
  const type = response.headers.get('content-type') || '';
  if (!response.ok) {
    throw new ApiError(response.status, type.includes('json') ? await response.json() : { detail: await response.text() });
  }
  if (options.raw) return response;
  return type.includes('json') ? response.json() : response.text();
}

function errorBox(error) {
  const problem = error.problem || {};
  const items = [];
  if (Array.isArray(problem.errors)) {
    for (const e of problem.errors) {
      const place = e.line ? `line ${e.line}${e.column ? ', column ' + e.column : ''}` : 'spec';
      items.push(h('li', {}, `${place}${e.field ? ' — ' + e.field : ''}: ${e.message}`));
    }
  } else if (problem.errors && typeof problem.errors === 'object') {
    for (const [field, messages] of Object.entries(problem.errors)) items.push(h('li', {}, `${field}: ${messages.join('; ')}`));
  }
  return h('div', { className: 'error', role: 'alert' },
    h('p', {}, problem.title ? `${problem.title}${items.length ? '' : ': ' + error.message}` : error.message),
    items.length ? h('ul', { className: 'errors', id: 'errors' }, items) : null);
}

// ---- Sign-in.
function renderSignIn(message) {
  stopCurrentView();
  document.getElementById('nav').hidden = true;
  const input = h('input', { type: 'password', id: 'api-key', autocomplete: 'off', size: 40, required: true, 'aria-label': 'API key' });
  show(h('form', {
    className: 'card', id: 'sign-in', onsubmit: event => {
      event.preventDefault();
      sessionStorage.setItem(KEY_STORAGE, input.value.trim());
      caller = null;
      route();
    },
  },
  h('h1', {}, 'Sign in'),
  message ? h('p', { className: 'error' }, message) : null,
  h('p', { className: 'muted' }, 'Enter your API key. It is kept for this browser tab only and sent with every request.'),
  input, ' ', h('button', { className: 'primary', type: 'submit' }, 'Sign in')));
  input.focus();
}

document.getElementById('sign-out').addEventListener('click', () => {
  sessionStorage.removeItem(KEY_STORAGE);
  caller = null;
  renderSignIn();
});

// ---- Dashboard: jobs, state, counts per stage, throughput over time, budget.
const throughput = new Map(); // job id -> [{ t, evaluated, generated }]

function sparkline(points) {
  const width = 140, height = 28;
  const svg = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
  svg.setAttribute('class', 'spark');
  svg.setAttribute('width', width);
  svg.setAttribute('height', height);
  const rates = [];
  for (let i = 1; i < points.length; i++) {
    const seconds = (points[i].t - points[i - 1].t) / 1000;
    rates.push(seconds > 0 ? (points[i].generated - points[i - 1].generated) / seconds : 0);
  }
  const max = Math.max(1, ...rates);
  const line = document.createElementNS('http://www.w3.org/2000/svg', 'polyline');
  line.setAttribute('fill', 'none');
  line.setAttribute('stroke', '#2f6fde');
  line.setAttribute('points', rates.map((r, i) => `${(i / Math.max(1, THROUGHPUT_POINTS - 1)) * width},${height - 2 - (r / max) * (height - 4)}`).join(' '));
  svg.append(line);
  return { svg, rate: rates.length ? rates[rates.length - 1] : 0 };
}

function budgetCell(budget) {
  const spent = budget.spent, limits = budget.limits;
  const parts = [`${fmt(spent.requests)}${limits.maxRequests ? ' / ' + fmt(limits.maxRequests) : ''} requests`,
    `${fmt(spent.tokens)}${limits.maxTokens ? ' / ' + fmt(limits.maxTokens) : ''} tokens`,
    `${usd(spent.costUsd)}${limits.maxCostUsd ? ' / ' + usd(limits.maxCostUsd) : ''}`];
  const fractions = [limits.maxRequests && spent.requests / limits.maxRequests, limits.maxTokens && spent.tokens / limits.maxTokens,
    limits.maxCostUsd && spent.costUsd / limits.maxCostUsd].filter(f => typeof f === 'number');
  const used = fractions.length ? Math.min(1, Math.max(...fractions)) : null;
  return h('td', {}, parts.join(' · '), used === null ? null : h('div', { className: 'bar', title: Math.round(used * 100) + '% of the tightest limit' },
    h('span', { style: `width:${(used * 100).toFixed(1)}%` })));
}

async function command(jobId, verb) {
  try {
    await api(`/jobs/${encodeURIComponent(jobId)}/${verb}`, { method: 'POST' });
    toast(`${verb} sent to ${jobId}`);
  } catch (error) {
    if (error.status !== 401) toast(error.message);
  }
}

function renderDashboard() {
  const body = h('tbody', { id: 'jobs' });
  const status = h('p', { className: 'muted', id: 'dashboard-status' }, 'Loading…');
  show(h('h1', {}, 'Jobs'), status,
    h('table', {},
      h('thead', {}, h('tr', {}, h('th', {}, 'Job'), h('th', {}, 'State'), h('th', { className: 'num' }, 'Generated'),
        h('th', { className: 'num' }, 'Filtered (acc/rej)'), h('th', { className: 'num' }, 'Refined'), h('th', { className: 'num' }, 'Evaluated'),
        h('th', {}, 'Throughput'), h('th', {}, 'Budget spent'), h('th', {}, ''))),
      body));

  let stopped = false;
  const poll = async () => {
    if (stopped) return;
    try {
      const jobs = [];
      let after = null;
      do {
        const page = await api('/jobs?limit=100' + (after ? '&after=' + encodeURIComponent(after) : ''));
        jobs.push(...page.items);
        after = page.nextAfter;
      } while (after);
      if (stopped) return;
      const now = Date.now();
      body.replaceChildren(...jobs.map(job => {
        const history = throughput.get(job.id) || [];
        history.push({ t: now, generated: job.counts.stages.generator });
        while (history.length > THROUGHPUT_POINTS) history.shift();
        throughput.set(job.id, history);
        const spark = sparkline(history);
        const states = job.counts.states;
        // Past the filter: waiting for the label refiner, or counted by it (including the evaluator's label-quota rejections).
        const passedFilter = states.accepted + job.counts.stages['label-refiner'];
        const running = ['submitted', 'generating', 'draining', 'evaluating'].includes(job.state);
        return h('tr', { 'data-job': job.id },
          h('td', {}, h('strong', {}, job.name), h('div', { className: 'muted' }, job.id)),
          h('td', {}, stateBadge(job.state), job.stateReason ? h('div', { className: 'muted' }, job.stateReason) : null),
          h('td', { className: 'num' }, `${fmt(job.counts.stages.generator)} / ${fmt(job.targetCount)}`),
          h('td', { className: 'num' }, `${fmt(job.counts.stages.filter)} (${fmt(passedFilter)}/${fmt(job.counts.stages.filter - passedFilter)})`),
          h('td', { className: 'num' }, fmt(job.counts.stages['label-refiner'])),
          h('td', { className: 'num', 'data-evaluated': job.counts.stages.evaluator }, fmt(job.counts.stages.evaluator)),
          h('td', {}, spark.svg, h('span', { className: 'muted' }, spark.rate.toFixed(1) + ' samples/s')),
          budgetCell(job.budget),
          h('td', {},
            may('reviewer') ? [h('a', { href: `#/jobs/${encodeURIComponent(job.id)}/samples` }, 'Samples'), ' · ',
              h('a', { href: `#/review?job=${encodeURIComponent(job.id)}` }, 'Review'), ' · '] : null,
            h('a', { href: `#/jobs/${encodeURIComponent(job.id)}/report` }, 'Report'), h('br'),
            may('operator') && running && job.state !== 'paused' ? h('button', { type: 'button', onclick: () => command(job.id, 'pause') }, 'Pause') : null,
            may('operator') && job.state === 'paused' ? h('button', { type: 'button', onclick: () => command(job.id, 'resume') }, 'Resume') : null,
            may('operator') && (running || job.state === 'paused') ? h('button', { type: 'button', onclick: () => command(job.id, 'cancel') }, 'Cancel') : null));
      }));
      status.textContent = jobs.length ? `${jobs.length} job(s), updated ${new Date(now).toLocaleTimeString()}` : 'No jobs yet: submit one.';
    } catch (error) {
      if (error.status === 401) return;
      status.textContent = 'Could not load jobs: ' + error.message;
    }
    if (!stopped) timer = setTimeout(poll, POLL_MS);
  };
  let timer = setTimeout(poll, 0);
  return () => { stopped = true; clearTimeout(timer); };
}

// ---- Submit a spec.
function renderSubmit() {
  const spec = h('textarea', { id: 'spec', spellcheck: 'false', placeholder: 'name: My job\ntask:\n  type: text-classification\n…' });
  const result = h('div', { id: 'submit-result' });
  const submit = async event => {
    event.preventDefault();
    result.replaceChildren(h('p', { className: 'muted' }, 'Submitting…'));
    try {
      const detail = await api('/jobs', { method: 'POST', headers: { 'Content-Type': 'application/yaml' }, body: spec.value });
      toast(`Job ${detail.job.id} submitted`);
      location.hash = '#/';
    } catch (error) {
      if (error.status !== 401) result.replaceChildren(errorBox(error));
    }
  };
  show(h('h1', {}, 'Submit a job'),
    h('form', { onsubmit: submit, id: 'submit-form' },
      h('p', { className: 'muted' }, 'Paste a job spec (YAML or JSON, see docs/job-spec.md). Errors are listed with their line and field.'),
      spec, h('p', {}, h('button', { className: 'primary', type: 'submit', id: 'submit-job' }, 'Submit')), result));
  spec.focus();
}

// ---- Sample browser.
function renderSamples(jobId, params) {
  const query = new URLSearchParams(params);
  const field = (name, label, control) => h('label', {}, label, control);
  const select = (name, options) => {
    const node = h('select', { name }, h('option', { value: '' }, 'any'), options.map(o => h('option', { value: o }, o)));
    node.value = query.get(name) || '';
    return node;
  };
  const input = name => h('input', { name, value: query.get(name) || '', size: 14 });
  const form = h('form', {
    className: 'filters', onsubmit: event => {
      event.preventDefault();
      const next = new URLSearchParams();
      for (const [name, value] of new FormData(form)) if (value) next.set(name, value);
      location.hash = `#/jobs/${encodeURIComponent(jobId)}/samples?${next}`;
    },
  },
  field('stage', 'Stage', select('stage', ['generator', 'filter', 'label-refiner', 'evaluator'])),
  field('decision', 'Decision', select('decision', ['accepted', 'rejected'])),
  field('label', 'Label', input('label')),
  field('reason', 'Reject reason', input('reason')),
  field('q', 'Text', input('q')),
  h('button', { className: 'primary', type: 'submit' }, 'Filter'));

  const body = h('tbody', { id: 'samples' });
  const pager = h('p', {});
  const pages = [null];
  const load = async index => {
    const page = new URLSearchParams(query);
    page.set('limit', '25');
    if (pages[index]) page.set('after', pages[index]);
    try {
      const result = await api(`/jobs/${encodeURIComponent(jobId)}/samples?${page}`);
      pages[index + 1] = result.nextAfter;
      body.replaceChildren(...result.items.map(s => h('tr', { className: 'clickable', onclick: () => { location.hash = `#/samples/${encodeURIComponent(s.id)}`; } },
        h('td', {}, h('a', { href: `#/samples/${encodeURIComponent(s.id)}` }, s.id)), h('td', {}, stateBadge(s.state)), h('td', {}, s.label || '–'),
        h('td', {}, s.preview), h('td', {}, s.rejectReason || ''), h('td', {}, s.review || ''))));
      if (!result.items.length) body.replaceChildren(h('tr', {}, h('td', { colspan: 6, className: 'muted' }, 'No sample matches.')));
      pager.replaceChildren(
        index > 0 ? h('button', { type: 'button', onclick: () => load(index - 1) }, '← Previous') : null, ' ',
        h('span', { className: 'muted' }, `page ${index + 1}`), ' ',
        result.nextAfter ? h('button', { type: 'button', onclick: () => load(index + 1) }, 'Next →') : null);
    } catch (error) {
      if (error.status !== 401) body.replaceChildren(h('tr', {}, h('td', { colspan: 6 }, errorBox(error))));
    }
  };
  show(h('h1', {}, `Samples of ${jobId}`), form,
    h('table', {}, h('thead', {}, h('tr', {}, ['Id', 'State', 'Label', 'Text', 'Reject reason', 'Review'].map(t => h('th', {}, t)))), body), pager);
  load(0);
}

// ---- One sample's lineage.
function kv(entries) {
  return h('dl', { className: 'kv' }, entries.filter(([, v]) => v !== undefined).flatMap(([k, v]) => [h('dt', {}, k), h('dd', {}, v === null || v === '' ? '–' : v)]));
}

async function renderSample(sampleId) {
  show(h('p', { className: 'muted' }, 'Loading…'));
  let s;
  try {
    s = await api(`/samples/${encodeURIComponent(sampleId)}`);
  } catch (error) {
    if (error.status !== 401) show(errorBox(error));
    return;
  }
  const content = Object.entries(s.content).filter(([k, v]) => k !== 'turns' && v !== null && v !== undefined);
  const turns = (s.content.turns || []).map(t => h('p', {}, h('strong', {}, t.role + ': '), t.text));
  show(
    h('h1', {}, 'Sample ', h('code', {}, s.id)),
    h('p', {}, h('a', { href: `#/jobs/${encodeURIComponent(s.jobId)}/samples` }, `← samples of ${s.jobId}`)),
    h('div', { className: 'grid' },
      h('section', { className: 'card', id: 'lineage-content' }, h('h2', {}, 'Content'),
        kv([['state', stateBadge(s.state)], ['task', s.taskType], ['weight', s.weight], ...content.map(([k, v]) => [k, h('pre', {}, v)])]), turns),
      h('section', { className: 'card', id: 'lineage-prompt' }, h('h2', {}, 'Prompt'),
        kv([['strategy', s.prompt.strategy], ['template', s.prompt.templateId], ['prompt hash', h('code', {}, s.prompt.promptHash || '–')],
          ['request', `${s.prompt.requestId} (item ${s.prompt.indexInRequest})`],
          ['conditions', Object.entries(s.conditions).map(([k, v]) => `${k} = ${v}`).join('; ')], ['demonstrations', s.demoIds.join(', ')]])),
      h('section', { className: 'card', id: 'lineage-model' }, h('h2', {}, 'Model and usage'),
        kv([['provider', s.model.provider], ['model', s.model.model],
          ['parameters', Object.entries(s.model.parameters).map(([k, v]) => `${k} = ${v}`).join('; ')],
          ['tokens (share)', `${fmt(s.model.promptTokens)} prompt + ${fmt(s.model.completionTokens)} completion`], ['cost (share)', usd(s.model.costUsd)],
          ['request', s.request ? `${s.request.status}, ${s.request.attempts} attempt(s), ${s.request.samplesInRequest} sample(s), ${usd(s.request.costUsd)}` : 'no ledger record'],
          ['trace', s.traceUrl ? h('a', { href: s.traceUrl, target: '_blank', rel: 'noopener', id: 'trace-link' }, s.traceId) : (s.traceId || '–')]]))),
    h('section', { className: 'card', id: 'lineage-timeline' }, h('h2', {}, 'History'),
      h('table', {}, h('thead', {}, h('tr', {}, h('th', {}, 'Time'), h('th', {}, 'Event'), h('th', {}, 'Stage / method'), h('th', {}, 'What'))),
        h('tbody', {}, s.timeline.map(e => h('tr', {}, h('td', {}, time(e.at)), h('td', {}, e.kind), h('td', {}, e.stage || ''), h('td', {}, e.summary)))))),
    s.review ? h('section', { className: 'card', id: 'lineage-review' }, h('h2', {}, 'Review'),
      kv([['status', s.review.status], ['reviewer', s.review.reviewer], ['label', s.review.label], ['priority', s.review.priority.toFixed(3)], ['why queued', s.review.reason],
        ['candidates', s.review.candidates.map(c => `${c.label} ${(c.confidence * 100).toFixed(0)}% (${c.method})`).join(', ')]])) : null);
}

// ---- Human review: one task at a time, Enter accepts, 1-9 picks a candidate.
function renderReview(params) {
  const query = new URLSearchParams(params);
  const jobId = query.get('job');
  const panel = h('div', { id: 'review-panel' }, h('p', { className: 'muted' }, 'Loading…'));
  const progress = h('p', { id: 'review-progress', className: 'muted' });
  show(h('h1', {}, 'Review', jobId ? ` — ${jobId}` : ''), progress, panel,
    h('p', { className: 'muted' }, h('kbd', {}, 'Enter'), ' accept the current label · ', h('kbd', {}, '1'), '–', h('kbd', {}, '9'), ' pick a candidate'));

  let task = null;
  let busy = false;
  const refreshProgress = async id => {
    if (!id) return;
    const p = await api(`/jobs/${encodeURIComponent(id)}/reviews`);
    progress.textContent = task ? `${p.labelled + 1} of ${p.total}` : `${p.labelled} of ${p.total} labelled`;
  };
  const submit = async label => {
    if (!task || busy) return;
    busy = true;
    try {
      await api(`/reviews/${encodeURIComponent(task.sampleId)}/label`, {
        method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ label, leaseToken: task.leaseToken }),
      });
      toast(`Labelled ${label}`);
      await next();
    } catch (error) {
      if (error.status !== 401) panel.prepend(errorBox(error));
    } finally {
      busy = false;
    }
  };
  const next = async () => {
    try {
      task = await api('/reviews/next' + (jobId ? '?jobId=' + encodeURIComponent(jobId) : ''));
    } catch (error) {
      if (error.status !== 401) panel.replaceChildren(errorBox(error));
      return;
    }
    if (!task) {
      panel.replaceChildren(h('p', { id: 'review-done' }, 'No review task is waiting.'));
      await refreshProgress(jobId);
      return;
    }
    const options = task.candidates.length ? task.candidates : task.labels.map(l => ({ label: l.name, confidence: null, method: 'label' }));
    panel.replaceChildren(h('section', { className: 'card', 'data-sample': task.sampleId },
      h('p', { className: 'muted' }, `Sample `, h('a', { href: `#/samples/${encodeURIComponent(task.sampleId)}` }, task.sampleId), task.reason ? ` — ${task.reason}` : ''),
      h('div', { className: 'review-text', id: 'review-text' }, task.text || '(no text)'),
      h('p', {}, 'Current label: ', h('strong', { id: 'current-label' }, task.label || '(none)'), ' ',
        h('button', { type: 'button', className: 'primary', onclick: () => submit(task.label) }, 'Accept ', h('kbd', {}, 'Enter'))),
      h('div', { className: 'candidates', id: 'candidates' }, options.slice(0, 9).map((c, i) => h('button', { type: 'button', onclick: () => submit(c.label), 'data-label': c.label },
        h('kbd', {}, String(i + 1)), c.label, c.confidence === null ? null : h('span', { className: 'muted' }, `${(c.confidence * 100).toFixed(0)}% · ${c.method}`)))),
      h('p', { className: 'muted' }, 'Other labels: ', task.labels.filter(l => !options.some(o => o.label === l.name)).map(l =>
        h('button', { type: 'button', title: l.description, onclick: () => submit(l.name) }, l.name)))));
    task.options = options;
    await refreshProgress(task.jobId);
  };
  const onKey = event => {
    if (!task || event.target.closest('input, textarea, select')) return;
    if (event.key === 'Enter' && task.label) {
      event.preventDefault();
      submit(task.label);
    } else if (/^[1-9]$/.test(event.key) && task.options[Number(event.key) - 1]) {
      event.preventDefault();
      submit(task.options[Number(event.key) - 1].label);
    }
  };
  document.addEventListener('keydown', onKey);
  next();
  return () => document.removeEventListener('keydown', onKey);
}

// ---- Report page: the evaluator's HTML report with its charts, and the export downloads.
async function renderReport(jobId) {
  const frame = h('iframe', { className: 'report', id: 'report-frame', title: `Report of ${jobId}` });
  const download = format => async () => {
    try {
      const response = await api(`/jobs/${encodeURIComponent(jobId)}/export?format=${format}`, { raw: true });
      const url = URL.createObjectURL(await response.blob());
      const link = h('a', { href: url, download: `${jobId}-${format}.zip` });
      document.body.append(link);
      link.click();
      link.remove();
      setTimeout(() => URL.revokeObjectURL(url), 10000);
    } catch (error) {
      if (error.status !== 401) toast(error.message);
    }
  };
  show(h('h1', {}, `Report of ${jobId}`),
    h('p', {}, may('reviewer') ? h('a', { href: `#/jobs/${encodeURIComponent(jobId)}/samples` }, 'Samples') : null,
      may('operator') ? [' · Export: ',
        h('button', { type: 'button', onclick: download('parquet') }, 'Parquet (zip)'), ' ',
        h('button', { type: 'button', onclick: download('jsonl') }, 'JSONL (zip)')] : null),
    frame);
  try {
    frame.srcdoc = await api(`/jobs/${encodeURIComponent(jobId)}/report.html`);
  } catch (error) {
    if (error.status !== 401) frame.replaceWith(errorBox(error));
  }
}

// ---- Routing on the URL fragment.
async function route() {
  stopCurrentView();
  stopCurrentView = () => {};
  if (!apiKey()) {
    renderSignIn();
    return;
  }
  if (caller === null) {
    try {
      caller = await api('/me');
    } catch (error) {
      if (error.status !== 401) show(errorBox(error));
      return;
    }
  }
  document.getElementById('nav').hidden = false;
  document.getElementById('nav-submit').hidden = !may('operator');
  document.getElementById('nav-review').hidden = !may('reviewer');
  document.getElementById('caller').textContent = `${caller.name} (${caller.role})`;
  const [path, params] = (location.hash.slice(1) || '/').split('?');
  const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
  let stop;
  if (parts.length === 0) stop = renderDashboard();
  else if (parts[0] === 'submit') renderSubmit();
  else if (parts[0] === 'review') stop = renderReview(params || '');
  else if (parts[0] === 'samples' && parts[1]) renderSample(parts[1]);
  else if (parts[0] === 'jobs' && parts[2] === 'samples') renderSamples(parts[1], params || '');
  else if (parts[0] === 'jobs' && parts[2] === 'report') renderReport(parts[1]);
  else show(h('p', {}, 'No such page. ', h('a', { href: '#/' }, 'Back to the dashboard')));
  if (stop) stopCurrentView = stop;
}

window.addEventListener('hashchange', route);
route();
