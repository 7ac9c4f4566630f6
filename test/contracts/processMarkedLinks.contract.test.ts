import type { EventContext, Receiver, Session } from 'rhea';
import { processMarkedLinks, type LinkMarker } from '../../src/amqp/rhea';
import { assume, next, openSession, rheaPair, until, within, type RheaPair } from './rheaPair';

const HELPER = 'processMarkedLinks';

interface SessionInternals {
  links?: Record<string, Receiver>;
  _process?: () => void;
}
interface LinkInternals {
  connection: { _register?: () => void };
  _process: () => void;
}

let pair: RheaPair;
beforeEach(async () => {
  pair = await rheaPair();
});
afterEach(() => pair.close());

function beginSession(): Promise<Session> {
  return openSession(pair.client);
}

async function attachTracked(session: Session, marker: LinkMarker, address: string): Promise<Receiver> {
  const receiver = session.attach_receiver({ source: { address }, autoaccept: false, credit_window: 0 });
  marker.track(receiver);
  await within(next(receiver, 'receiver_open'), HELPER, 'a tracked link attaches (its attach is written in a pass)');
  return receiver;
}

/** Counts the passes that visit `link` (rhea's session pass calls `link._process()` for the links it visits). */
function countVisits(link: Receiver): { count: number } {
  const visits = { count: 0 };
  const internals = link as unknown as LinkInternals;
  const own = internals._process;
  internals._process = function (this: LinkInternals): void {
    visits.count++;
    own.call(this);
  };
  return visits;
}

it("a session keeps its links by name in session.links and has a _process() pass; a link asks for a pass with connection._register()", async () => {
  const session = await beginSession();
  const receiver = session.attach_receiver({ source: { address: 'q' } });
  await next(receiver, 'receiver_open');
  const s = session as unknown as SessionInternals;
  assume(typeof s._process === 'function', HELPER, 'a session has a _process() method (its processing pass)');
  assume(typeof s.links === 'object' && s.links?.[receiver.name] === receiver, HELPER, "a session keeps its links in session.links, keyed by link name");
  const link = receiver as unknown as LinkInternals;
  assume(typeof link.connection?._register === 'function', HELPER, 'a link reaches its connection as link.connection, which has _register()');
  assume(typeof link._process === 'function', HELPER, "a link has a _process() method, called by its session's pass");
});

it("the session's pass visits the links in session.links (read at each pass), so a pass sees only the marked ones", async () => {
  const session = await beginSession();
  const marker = processMarkedLinks(session);
  const a = await attachTracked(session, marker, 'a');
  const b = await attachTracked(session, marker, 'b');
  const c = await attachTracked(session, marker, 'c');
  const senderA = await pair.nextSender();
  await pair.nextSender();
  await pair.nextSender();
  // Let the attaches' passes run, then count from a quiet state.
  await new Promise<void>((resolve) => setImmediate(resolve));
  const visits = [countVisits(a), countVisits(b), countVisits(c)];
  a.add_credit(1);
  await within(until(() => senderA.sendable(), 'the peer saw the credit'), HELPER, "a link's credit is written in a pass that visits it");
  assume(visits[0]!.count > 0, HELPER, "a link asks for a pass through this.connection._register() (add_credit), so the per-link stand-in marks it");
  assume(visits[1]!.count === 0 && visits[2]!.count === 0, HELPER, "Session.prototype._process iterates this.links afresh each pass (swapping it visits only the marked links)");
});

it('tracked links still receive, settle and detach', async () => {
  const session = await beginSession();
  const marker = processMarkedLinks(session);
  const receiver = await attachTracked(session, marker, 'q');
  const sender = await pair.nextSender();
  receiver.add_credit(1);
  await within(until(() => sender.sendable(), 'the peer can send'), HELPER, 'credit of a tracked link reaches the peer');
  sender.send({ body: 'hi' });
  const context = await within(next<EventContext>(receiver, 'message'), HELPER, 'a tracked link receives');
  const accepted = next(sender, 'accepted');
  context.delivery?.accept();
  await within(accepted, HELPER, "a tracked link's settlement is written (the delivery's update asks for a pass through the link's connection)");
  const closed = next(sender, 'sender_close');
  receiver.close();
  await within(closed, HELPER, "a tracked link's detach is written");
});
