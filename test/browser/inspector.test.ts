import type { ServiceBusSessionReceiver } from '@azure/service-bus';
import type { BrowserContext, Page } from 'playwright-core';
import { SdkHarness } from '../emulator/sdkHarness';
import { chromiumAvailable, launchChromium } from './chromium';

const describeInBrowser = chromiumAvailable() ? describe : describe.skip;

describeInBrowser('inspector in headless Chromium', () => {
  let harness: SdkHarness;
  let browser: { context: BrowserContext; close(): Promise<void> };
  let page: Page;
  let sessionReceiver: ServiceBusSessionReceiver;

  beforeAll(async () => {
    harness = await SdkHarness.start({
      queues: [
        { name: 'orders', requiresSession: true, lockDurationMs: 20_000 },
        { name: 'plain', maxDeliveryCount: 3 },
      ],
    });
    const client = harness.client();
    await client.createSender('orders').sendMessages([{ body: { order: 1 }, sessionId: 'customer-7' }]);
    sessionReceiver = await client.acceptSession('orders', 'customer-7');
    browser = await launchChromium();
    page = await browser.context.newPage();
    await page.goto(harness.emulator.http.inspectorUrl);
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await harness?.close();
  });

  const entity = (name: string) => page.locator(`section[data-entity="${name}"]`);
  const count = (name: string, which: string) => entity(name).locator(`[data-count="${which}"] b`);

  it('shows the configured entities, live', async () => {
    await page.locator('#status.live').waitFor();
    await entity('orders').waitFor();
    await entity('plain').waitFor();
    expect(await count('orders', 'active').textContent()).toBe('1');
    expect(await count('plain', 'active').textContent()).toBe('0');
    expect(await entity('orders').locator('h2').textContent()).toContain('sessions');
  });

  it("counts a session's lock down, with its owner, and shows it renewed", async () => {
    const session = entity('orders').locator('tr[data-session="customer-7"]');
    await session.waitFor();
    expect(await session.getAttribute('data-state')).toBe('locked');
    expect(await session.locator('td').nth(2).textContent()).toMatch(/connection #\d+/);
    const countdown = session.locator('td.countdown');
    const before = Number(await countdown.getAttribute('data-locked-until'));
    const firstReading = seconds(await countdown.locator('.seconds').textContent());
    // Counting down: a later reading is lower.
    await page.waitForFunction(`parseFloat(document.querySelector('tr[data-session="customer-7"] td.countdown .seconds')?.textContent ?? '') < ${firstReading}`);
    const lowered = seconds(await countdown.locator('.seconds').textContent());
    await sessionReceiver.renewSessionLock();
    // Renewed: the expiry moves later and the countdown starts again from higher up.
    await page.waitForFunction(`Number(document.querySelector('tr[data-session="customer-7"] td.countdown')?.getAttribute('data-locked-until')) > ${before}`);
    const renewed = seconds(await countdown.locator('.seconds').textContent());
    expect(renewed).toBeGreaterThan(lowered);
  });

  it('sends a message from the page that a receiver gets, and counts it', async () => {
    const plain = entity('plain');
    await plain.locator('textarea[name="body"]').fill('typed in the inspector');
    await plain.locator('textarea[name="properties"]').fill('colour=blue\npriority=high');
    await plain.locator('form.send button[type="submit"]').click();
    await plain.locator('form.send .result', { hasText: 'sent' }).waitFor();
    await plain.locator('[data-count="active"] b', { hasText: '1' }).waitFor();
    await plain.locator('[data-part="messages"] td.body', { hasText: 'typed in the inspector' }).waitFor();

    const receiver = harness.client().createReceiver('plain');
    const [message] = await receiver.receiveMessages(1, { maxWaitTimeInMs: 5_000 });
    expect(message?.body).toBe('typed in the inspector');
    expect(message?.applicationProperties).toEqual({ colour: 'blue', priority: 'high' });
    await receiver.deadLetterMessage(message!, { deadLetterReason: 'Inspected', deadLetterErrorDescription: 'sent back by the test' });

    // The dead letter shows with its reason; resubmitting it from the page puts it back.
    const deadLetter = plain.locator('[data-part="dead-letters"] tr', { hasText: 'Inspected' });
    await deadLetter.waitFor();
    expect(await deadLetter.textContent()).toContain('sent back by the test');
    await plain.locator('[data-count="deadLettered"] b', { hasText: '1' }).waitFor();
    // `INSPECTOR_SCREENSHOT=docs/inspector.png npx jest test/browser` refreshes the screenshot in docs/.
    const screenshot = process.env['INSPECTOR_SCREENSHOT'];
    if (screenshot !== undefined) await page.screenshot({ path: screenshot, fullPage: true });
    await deadLetter.locator('button[data-action="resubmit"]').click();
    await plain.locator('[data-count="deadLettered"] b', { hasText: '0' }).waitFor();
    await plain.locator('[data-count="active"] b', { hasText: '1' }).waitFor();
    const [again] = await receiver.receiveMessages(1, { maxWaitTimeInMs: 5_000 });
    expect(again?.body).toBe('typed in the inspector');
    await receiver.completeMessage(again!);
    await plain.locator('[data-count="active"] b', { hasText: '0' }).waitFor();
  });

  it('refuses a message a session entity cannot take, and purges', async () => {
    const orders = entity('orders');
    await orders.locator('textarea[name="body"]').fill('no session id');
    await orders.locator('form.send button[type="submit"]').click();
    const refusal = orders.locator('form.send .result.error');
    await refusal.waitFor({ timeout: 5_000 }).catch(async (error: unknown) => {
      throw new Error(`${String(error)}\n${await orders.innerHTML()}`);
    });
    expect(await refusal.textContent()).toContain('SessionId was not set');
    await orders.locator('input[name="sessionId"]').fill('customer-8');
    await orders.locator('form.send button[type="submit"]').click();
    await orders.locator('tr[data-session="customer-8"]').waitFor();
    await orders.locator('[data-count="active"] b', { hasText: '2' }).waitFor();
    await orders.locator('button[data-action="purge"]').click();
    // Neither message is delivered (the session receiver has not received yet), so both go.
    await orders.locator('.result', { hasText: 'purged 2' }).waitFor();
    await orders.locator('[data-count="active"] b', { hasText: '0' }).waitFor();
  });
});

function seconds(text: string | null): number {
  const value = parseFloat(text ?? '');
  if (Number.isNaN(value)) throw new Error(`Not a countdown: ${JSON.stringify(text)}`);
  return value;
}
