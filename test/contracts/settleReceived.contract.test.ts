import type { EventContext, Session } from 'rhea';
import { settleReceived } from '../../src/amqp/rhea';
import { assume, next, rheaPair, until, within, type RheaPair } from './rheaPair';

const HELPER = 'settleReceived';

let pair: RheaPair;
beforeEach(async () => {
  pair = await rheaPair();
});
afterEach(() => pair.close());

function bufferSize(session: Session): number | undefined {
  return (session as unknown as { incoming?: { deliveries?: { size?: number } } }).incoming?.deliveries?.size;
}

async function receiveUnsettled(): Promise<{ context: EventContext; session: Session; accepted: Promise<unknown> }> {
  const receiver = pair.client.open_receiver({ source: { address: 'replies' }, autoaccept: false });
  await next(receiver, 'receiver_open');
  const sender = await pair.nextSender();
  await until(() => sender.sendable(), 'the peer can send');
  const accepted = next(sender, 'accepted');
  sender.send({ body: 'reply' });
  const context = await next<EventContext>(receiver, 'message');
  return { context, session: receiver.session, accepted };
}

it('a delivery the peer sent pre-settled has remote_settled === true; update(true) frees its slot', async () => {
  const receiver = pair.client.open_receiver({ source: { address: 'replies' }, autoaccept: false });
  await next(receiver, 'receiver_open');
  const sender = await pair.nextSender();
  // The replies of $management and $cbs come pre-settled: the peer's sender settles on send.
  (sender as unknown as { local: { attach: { snd_settle_mode: number } } }).local.attach.snd_settle_mode = 1;
  await until(() => sender.sendable(), 'the peer can send');
  sender.send({ body: 'pre-settled reply' });
  const context = await within(next<EventContext>(receiver, 'message'), HELPER, 'a pre-settled transfer arrives');
  assume(context.delivery?.remote_settled === true, HELPER, "a transfer sent settled arrives with delivery.remote_settled === true");
  assume(bufferSize(receiver.session) === 1, HELPER, 'a pre-settled delivery of an autoaccept:false receiver waits in session.incoming.deliveries until settled locally');
  settleReceived(context.delivery!);
  await within(until(() => bufferSize(receiver.session) === 0, 'the slot is free'), HELPER, "delivery.update(true) marks it settled and asks for the pass that frees its slot");
});

it('an unsettled delivery is accepted: the peer sees accepted and the slot is freed', async () => {
  const { context, session, accepted } = await receiveUnsettled();
  assume(context.delivery?.remote_settled === false, HELPER, 'a transfer sent unsettled arrives with delivery.remote_settled === false');
  settleReceived(context.delivery!);
  await within(accepted, HELPER, 'delivery.accept() sends the accepted outcome');
  await within(until(() => bufferSize(session) === 0, 'the slot is free'), HELPER, 'an accepted delivery leaves session.incoming.deliveries');
});
