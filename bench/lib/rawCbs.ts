import type { Connection, EventContext } from 'rhea';
import { createSasToken } from '../../src/auth/sasToken';

/** A Service Bus SAS token for `audience`, valid for `ttlSeconds` (the library's own signing). */
export function sasToken(audience: string, keyName: string, key: string, ttlSeconds = 3600): string {
  return createSasToken(audience, keyName, key, Math.floor(Date.now() / 1000) + ttlSeconds);
}

/** Performs a CBS put-token for `sb://localhost:PORT/<entity>` on a raw rhea connection. */
export function putToken(conn: Connection, port: number, entity: string, keyName = 'RootManageSharedAccessKey', key = 'SAS_KEY_VALUE'): Promise<void> {
  const audience = `sb://localhost:${port}/${entity}`;
  const replyTo = `cbs-bench-${entity}-${process.pid}`;
  return new Promise((resolve, reject) => {
    const receiver = conn.open_receiver({ name: replyTo, source: { address: '$cbs' }, credit_window: 10, autoaccept: true } as never);
    const sender = conn.open_sender({ target: { address: '$cbs' } } as never);
    const messageId = `put-${entity}-${Date.now()}`;
    receiver.on('message', (ctx: EventContext) => {
      const m = ctx.message!;
      if (m.correlation_id !== messageId) return;
      const status = Number((m.application_properties as Record<string, unknown> | undefined)?.['status-code']);
      sender.close();
      receiver.close();
      if (status >= 200 && status < 300) resolve();
      else reject(new Error(`put-token for ${audience} failed with ${status}`));
    });
    sender.once('sendable', () => {
      sender.send({
        message_id: messageId,
        reply_to: replyTo,
        to: '$cbs',
        application_properties: { operation: 'put-token', name: audience, type: 'servicebus.windows.net:sastoken' },
        body: sasToken(audience, keyName, key),
      } as never);
    });
  });
}
