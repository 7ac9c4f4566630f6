/**
 * Checkpointing progress in session state and resuming after a crash.
 *
 * The steps of one job travel as one session. After each step the worker stores its progress (last
 * step done, running result) in the session state, and only then completes the message. If the worker
 * dies between the two, the message comes back — to whichever worker accepts the session next — and
 * the checkpoint tells that worker the step was already done: it completes it without redoing it.
 */
import { concatMap, firstValueFrom, lastValueFrom, map, takeWhile, tap, toArray, type Observable } from 'rxjs';
import { ServiceBusClient, type ReceivedMessage, type Session, type SessionState } from '../src';
import { runIfMain, withConnection } from './withConnection';

const QUEUE = 'jobs';
const JOB = 'job-42';
const STEPS = 6;

/** What the session state holds. */
export interface Checkpoint {
  readonly lastStep: number;
  readonly sum: number;
}
interface Step {
  readonly step: number;
  readonly value: number;
}
type Outcome = { readonly step: number; readonly done: 'processed' | 'skipped' };

/** Thrown by the first worker to simulate a crash right after a checkpoint, before the completion. */
class SimulatedCrash extends Error {}

/**
 * Runs the job twice over: worker A crashes after checkpointing step 3 (its connection dies with step
 * 3 unsettled); worker B accepts the session, reads the checkpoint, skips step 3 and finishes the job.
 */
export async function main(connectionString?: string): Promise<{
  firstRun: Outcome[];
  resumedFrom: Checkpoint;
  secondRun: Outcome[];
  final: Checkpoint;
}> {
  return withConnection(connectionString, [{ name: QUEUE }], async (cs) => {
    const sender = new ServiceBusClient(cs);
    const steps: Step[] = Array.from({ length: STEPS }, (_, i) => ({ step: i + 1, value: (i + 1) * 10 }));
    await lastValueFrom(sender.send(QUEUE, steps.map((body) => ({ body, sessionId: JOB }))));
    await sender.close();

    // Worker A: processes until it "crashes" after checkpointing step 3.
    const workerA = new ServiceBusClient(cs);
    const firstRun: Outcome[] = [];
    const sessionA = await firstValueFrom(workerA.acceptSession(QUEUE, JOB));
    try {
      await lastValueFrom(work(sessionA, 3).pipe(tap((o) => firstRun.push(o))), { defaultValue: undefined });
    } catch (e) {
      if (!(e instanceof SimulatedCrash)) throw e;
    }
    await workerA.close(); // the "crash": the connection goes away with step 3 unsettled

    // Worker B: resumes from the checkpoint.
    const workerB = new ServiceBusClient(cs);
    try {
      const sessionB = await firstValueFrom(workerB.acceptSession(QUEUE, JOB));
      const resumedFrom = parse(await firstValueFrom(sessionB.getState()));
      const secondRun = await lastValueFrom(work(sessionB).pipe(toArray()));
      const final = parse(await firstValueFrom(sessionB.getState()));
      await sessionB.close();
      return { firstRun, resumedFrom, secondRun, final };
    } finally {
      await workerB.close();
    }
  });
}

/** Processes the job's steps in order from the session's checkpoint; completes after the last step. */
function work(session: Session, crashAfterCheckpointOf?: number): Observable<Outcome> {
  return session.getState().pipe(
    concatMap((state) => {
      let checkpoint = parse(state);
      return session.messages$.pipe(
        concatMap((message: ReceivedMessage): Observable<Outcome> => {
          const { step, value } = message.body as Step;
          if (step <= checkpoint.lastStep) {
            // Done before the crash: only the completion was lost.
            return message.complete().pipe(map(() => ({ step, done: 'skipped' as const })));
          }
          const next: Checkpoint = { lastStep: step, sum: checkpoint.sum + value }; // the step's work
          return session.setState(JSON.stringify(next)).pipe(
            concatMap(() => {
              checkpoint = next;
              if (step === crashAfterCheckpointOf) throw new SimulatedCrash(`crashed after checkpointing step ${step}`);
              return message.complete();
            }),
            map(() => ({ step, done: 'processed' as const })),
          );
        }),
        takeWhile((outcome) => outcome.step < STEPS, true),
      );
    }),
  );
}

function parse(state: SessionState | undefined): Checkpoint {
  return typeof state === 'string' ? (JSON.parse(state) as Checkpoint) : { lastStep: 0, sum: 0 };
}

runIfMain(module, main);
