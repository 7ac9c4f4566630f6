/**
 * The inspector page's script (runs in the browser; compiled by `tsconfig.inspector.json`, DOM types
 * only here). Renders each snapshot from `/inspector/events` and counts session locks down between
 * snapshots; posts the page's actions as JSON. Text from messages is only ever set as text, never as HTML.
 */
import type { EntityView, InspectorSnapshot, MessageView, SessionView } from '../InspectorSnapshot';

type Child = Node | string;

/** Broker time minus local time, from the last snapshot: lock countdowns use broker time. */
let clockOffset = 0;
const lockDurations = new Map<string, number>();

function el<K extends keyof HTMLElementTagNameMap>(tag: K, attributes: Record<string, string> = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, value);
  element.append(...children);
  return element;
}

function byId(id: string): HTMLElement {
  const element = document.getElementById(id);
  if (element === null) throw new Error(`The page has no #${id}.`);
  return element;
}

function part<T extends Element = HTMLElement>(root: Element, selector: string): T {
  const found = root.querySelector<T>(selector);
  if (found === null) throw new Error(`Missing ${selector}.`);
  return found;
}

async function post(action: 'send' | 'purge' | 'resubmit', body: object): Promise<string> {
  const response = await fetch(`/inspector/${action}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const answer = (await response.json()) as { error?: string; sequenceNumber?: number; purged?: number; sent?: number };
  if (!response.ok) throw new Error(answer.error ?? `HTTP ${response.status}`);
  if (answer.purged !== undefined) return `purged ${answer.purged}`;
  if (answer.sent !== undefined) return 'sent';
  return `resubmitted as sequence number ${answer.sequenceNumber ?? '?'}`;
}

/** Runs an action from a button or form and shows its outcome next to it. */
function runAction(output: HTMLElement, action: () => Promise<string>): void {
  output.textContent = '…';
  output.className = 'result';
  action().then(
    (text) => (output.textContent = text),
    (error: unknown) => {
      output.textContent = error instanceof Error ? error.message : String(error);
      output.className = 'result error';
    },
  );
}

/** `name=value` lines → application properties. */
function parseProperties(text: string): Record<string, string> {
  const properties: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const trimmed = line.trim();
    if (trimmed === '') continue;
    const at = trimmed.indexOf('=');
    if (at <= 0) throw new Error(`Property line '${trimmed}' is not name=value.`);
    properties[trimmed.slice(0, at).trim()] = trimmed.slice(at + 1).trim();
  }
  return properties;
}

/** The send form of a queue or topic (kept across snapshots, so a half-typed message survives). */
function sendForm(entity: EntityView): HTMLElement {
  const result = el('span', { class: 'result' });
  const body = el('textarea', { name: 'body', placeholder: 'message body' });
  const sessionId = el('input', { name: 'sessionId', placeholder: entity.requiresSession ? 'session id (required)' : 'session id' });
  const properties = el('textarea', { name: 'properties', class: 'props', placeholder: 'name=value per line' });
  const form = el('form', { class: 'send' }, body, sessionId, properties, el('button', { type: 'submit' }, 'Send'), result);
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    runAction(result, () =>
      post('send', { entity: entity.path, body: body.value, sessionId: sessionId.value, properties: parseProperties(properties.value) }).then((text) => {
        body.value = '';
        return text;
      }),
    );
  });
  return form;
}

/** An entity's section: the parts that stay across snapshots, with places for the parts each snapshot fills. */
function entitySection(entity: EntityView): HTMLElement {
  const counts = el('div', { class: 'counts' });
  const shown = entity.kind === 'topic' ? (['scheduled'] as const) : (['active', 'locked', 'deferred', 'scheduled', 'deadLettered'] as const);
  for (const name of shown) {
    counts.append(el('div', { class: 'count', 'data-count': name }, el('b', {}, '0'), el('span', {}, name === 'deadLettered' ? 'dead-lettered' : name)));
  }
  const tags: HTMLElement[] = [el('span', { class: 'tag' }, entity.kind)];
  if (entity.requiresSession) tags.push(el('span', { class: 'tag' }, 'sessions'));
  if (entity.kind !== 'topic') {
    tags.push(el('span', { class: 'tag' }, `lock ${entity.lockDurationMs / 1000} s`), el('span', { class: 'tag' }, `max deliveries ${entity.maxDeliveryCount}`));
  }
  const heading = el('h2', {}, entity.path, ...tags);
  if (entity.kind === 'topic') {
    return el(
      'section',
      { class: 'entity', 'data-entity': entity.path },
      heading,
      counts,
      el('div', { 'data-part': 'subscriptions' }),
      el('h3', {}, 'Send a message (to every subscription whose rules match)'),
      sendForm(entity),
    );
  }
  const purgeResult = el('span', { class: 'result' });
  const purgeButton = el('button', { type: 'button', 'data-action': 'purge' }, 'Purge messages');
  purgeButton.addEventListener('click', () => runAction(purgeResult, () => post('purge', { entity: entity.path, deadLetter: false })));
  const purgeDeadButton = el('button', { type: 'button', 'data-action': 'purge-dead-letters' }, 'Purge dead letters');
  purgeDeadButton.addEventListener('click', () => runAction(purgeResult, () => post('purge', { entity: entity.path, deadLetter: true })));
  return el(
    'section',
    { class: 'entity', 'data-entity': entity.path },
    heading,
    counts,
    ...(entity.requiresSession ? [el('h3', {}, 'Sessions'), el('div', { 'data-part': 'sessions' })] : []),
    el('h3', {}, 'Messages (peek)'),
    el('div', { 'data-part': 'messages' }),
    el('h3', {}, 'Dead letters'),
    el('div', { 'data-part': 'dead-letters' }),
    el('div', {}, purgeButton, ' ', purgeDeadButton, ' ', purgeResult),
    ...(entity.kind === 'queue'
      ? [el('h3', {}, 'Send a message'), sendForm(entity)]
      : [el('p', { class: 'empty' }, `Messages reach this subscription through its topic, ${entity.topic ?? ''}.`)]),
  );
}

function table(headings: readonly string[], rows: readonly HTMLTableRowElement[], empty: string): HTMLElement {
  if (rows.length === 0) return el('div', { class: 'empty' }, empty);
  return el('table', {}, el('thead', {}, el('tr', {}, ...headings.map((heading) => el('th', {}, heading)))), el('tbody', {}, ...rows));
}

function sessionRow(session: SessionView, entity: EntityView): HTMLTableRowElement {
  const countdown = el('td', { class: 'countdown' });
  if (session.lockedUntil !== undefined) {
    countdown.dataset['lockedUntil'] = String(session.lockedUntil);
    countdown.dataset['entity'] = entity.path;
    countdown.append(el('span', { class: 'lock' }, el('i')), el('span', { class: 'seconds' }));
  } else countdown.textContent = '—';
  return el(
    'tr',
    { 'data-session': session.id, 'data-state': session.state },
    el('td', {}, session.id),
    el('td', {}, session.state),
    el('td', {}, session.owner ?? '—'),
    countdown,
    el('td', {}, String(session.messageCount)),
    el('td', { class: 'body' }, session.sessionState ?? '—'),
  );
}

function describeProperties(properties: Readonly<Record<string, string>>, skip: readonly string[] = []): string {
  return Object.entries(properties)
    .filter(([key]) => !skip.includes(key))
    .map(([key, value]) => `${key}=${value}`)
    .join('\n');
}

function messageRow(message: MessageView): HTMLTableRowElement {
  const state = message.locked ? `${message.state}, locked` : message.state;
  return el(
    'tr',
    { 'data-sequence-number': String(message.sequenceNumber) },
    el('td', {}, String(message.sequenceNumber)),
    el('td', {}, state),
    el('td', {}, message.sessionId ?? '—'),
    el('td', {}, String(message.deliveryCount)),
    el('td', { class: 'body' }, message.body),
    el('td', { class: 'body' }, describeProperties(message.properties)),
    el('td', {}, new Date(message.enqueuedAt).toLocaleTimeString()),
  );
}

function deadLetterRow(message: MessageView, entity: EntityView): HTMLTableRowElement {
  const result = el('span', { class: 'result' });
  const button = el('button', { type: 'button', 'data-action': 'resubmit' }, 'Resubmit');
  button.addEventListener('click', () => runAction(result, () => post('resubmit', { entity: entity.path, sequenceNumber: message.sequenceNumber })));
  return el(
    'tr',
    { 'data-sequence-number': String(message.sequenceNumber) },
    el('td', {}, String(message.sequenceNumber)),
    el('td', {}, message.deadLetterReason ?? '—'),
    el('td', {}, message.deadLetterDescription ?? '—'),
    el('td', {}, message.sessionId ?? '—'),
    el('td', { class: 'body' }, message.body),
    el('td', { class: 'body' }, describeProperties(message.properties, ['DeadLetterReason', 'DeadLetterErrorDescription'])),
    el('td', {}, button, ' ', result),
  );
}

function render(snapshot: InspectorSnapshot): void {
  clockOffset = snapshot.now - Date.now();
  byId('clock').textContent = `broker time ${new Date(snapshot.now).toLocaleTimeString()} · ${snapshot.connections} AMQP connection(s)`;
  const container = byId('entities');
  const seen = new Set<string>();
  for (const entity of snapshot.entities) {
    seen.add(entity.path);
    lockDurations.set(entity.path, entity.lockDurationMs);
    let section = container.querySelector<HTMLElement>(`section[data-entity="${CSS.escape(entity.path)}"]`);
    if (section === null) {
      section = entitySection(entity);
      container.append(section);
    }
    for (const [name, value] of Object.entries(entity.counts)) {
      const count = section.querySelector(`[data-count="${name}"] b`);
      if (count !== null) count.textContent = String(value);
    }
    if (entity.kind === 'topic') {
      part(section, '[data-part="subscriptions"]').replaceChildren(
        el('span', {}, `subscriptions: ${entity.subscriptions === undefined || entity.subscriptions.length === 0 ? 'none' : entity.subscriptions.join(', ')}`),
      );
      continue;
    }
    if (entity.requiresSession) {
      part(section, '[data-part="sessions"]').replaceChildren(
        table(['session', 'lock', 'lock owner', 'lock expires in', 'messages', 'session state'], entity.sessions.map((s) => sessionRow(s, entity)), 'no sessions'),
      );
    }
    part(section, '[data-part="messages"]').replaceChildren(
      table(['#', 'state', 'session', 'deliveries', 'body', 'properties', 'enqueued'], entity.messages.map(messageRow), 'no messages'),
    );
    part(section, '[data-part="dead-letters"]').replaceChildren(
      table(['#', 'reason', 'description', 'session', 'body', 'properties', ''], entity.deadLetters.map((m) => deadLetterRow(m, entity)), 'no dead letters'),
    );
  }
  for (const section of Array.from(container.querySelectorAll<HTMLElement>('section[data-entity]'))) {
    if (!seen.has(section.dataset['entity'] ?? '')) section.remove();
  }
  tickCountdowns();
}

/** Updates every lock countdown from broker time (interpolated between snapshots). */
function tickCountdowns(): void {
  const now = Date.now() + clockOffset;
  for (const cell of Array.from(document.querySelectorAll<HTMLElement>('td.countdown[data-locked-until]'))) {
    const remaining = Math.max(0, Number(cell.dataset['lockedUntil']) - now);
    const duration = lockDurations.get(cell.dataset['entity'] ?? '') ?? remaining;
    const seconds = cell.querySelector<HTMLElement>('.seconds');
    const bar = cell.querySelector<HTMLElement>('.lock i');
    if (seconds !== null) seconds.textContent = `${(remaining / 1000).toFixed(1)} s`;
    if (bar !== null) bar.style.width = `${Math.min(100, (100 * remaining) / Math.max(1, duration))}%`;
  }
}

function connect(): void {
  const status = byId('status');
  const events = new EventSource('/inspector/events');
  events.onopen = () => {
    status.textContent = 'live';
    status.className = 'status live';
  };
  events.onmessage = (event: MessageEvent<string>) => render(JSON.parse(event.data) as InspectorSnapshot);
  events.onerror = () => {
    status.textContent = 'reconnecting…';
    status.className = 'status';
  };
}

connect();
setInterval(tickCountdowns, 100);
