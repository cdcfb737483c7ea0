/**
 * Sending one successful transcription: a JSON (or plain text) body, or OpenAI's streamed
 * `transcript.text.delta` … `transcript.text.done` events, with the hang/cut/end/delay faults.
 */
import type { ServerResponse } from 'node:http';
import type { FaultPlan } from '../faults';
import { sendJson } from '../http';
import { Lifecycle } from '../lifecycle';
import { sse } from '../wire';
import type { TranscriptionRecord } from './record';
import { transcriptDeltas } from './transcript-text';

export interface TranscriptionJob {
  res: ServerResponse;
  record: TranscriptionRecord;
  text: string;
  /** For `usage: {type: "duration", seconds}`. */
  seconds: number;
  plan: FaultPlan;
  deltasPerSecond: number;
  /** Before the first delta, or before the JSON answer. */
  delayMs: number;
  isClosing: () => boolean;
}

export function sendTranscription(job: TranscriptionJob): void {
  if (job.record.stream) streamTranscription(job);
  else answerTranscription(job);
}

function answerTranscription(job: TranscriptionJob): void {
  const { res, record, plan } = job;
  const contentType = record.responseFormat === 'text' ? 'text/plain; charset=utf-8' : 'application/json';
  const life = new Lifecycle(res, record, job.isClosing);
  if (plan.hang) {
    res.writeHead(200, { 'Content-Type': contentType });
    res.flushHeaders();
    return;
  }
  life.later(job.delayMs, () => {
    life.finish();
    if (plan.cutAfter !== undefined) return void res.destroy();
    if (plan.endAfter !== undefined) return void res.writeHead(200, { 'Content-Type': contentType }).end();
    record.text = job.text;
    record.completed = true;
    if (record.responseFormat !== 'text') {
      const body = { text: job.text, usage: { type: 'duration', seconds: job.seconds } };
      sendJson(res, 200, body, { 'x-request-id': record.id });
      return;
    }
    const length = Buffer.byteLength(job.text);
    res.writeHead(200, { 'Content-Type': contentType, 'Content-Length': length, 'x-request-id': record.id });
    res.end(job.text);
  });
}

function streamTranscription(job: TranscriptionJob): void {
  const { res, record, plan } = job;
  const life = new Lifecycle(res, record, job.isClosing);
  res.writeHead(200, {
    'Content-Type': 'text/event-stream; charset=utf-8',
    'Cache-Control': 'no-cache',
    Connection: 'keep-alive',
    'x-request-id': record.id,
  });
  res.flushHeaders();
  if (plan.hang) return; // headers only; the close handler records the abort
  const deltas = transcriptDeltas(job.text);
  const stopAfter = plan.cutAfter ?? plan.endAfter;
  const interval = 1000 / job.deltasPerSecond;
  let sent = 0;
  const next = (): void => {
    if (stopAfter === 0) return stopStream(res, life, plan, '');
    if (sent >= deltas.length) return completeStream(job, life);
    const delta = deltas[sent++] ?? '';
    record.text += delta;
    const event = sse({ type: 'transcript.text.delta', delta });
    if (sent === stopAfter) return stopStream(res, life, plan, event);
    res.write(event);
    life.later(interval, next);
  };
  life.later(job.delayMs, next);
}

/** `cut`: destroy the socket once `last` is out; `end`: end cleanly, with no done event. */
function stopStream(res: ServerResponse, life: Lifecycle, plan: FaultPlan, last: string): void {
  life.finish();
  if (plan.cutAfter === undefined) return void res.end(last);
  if (last === '') return void res.destroy();
  res.write(last, () => res.destroy());
}

function completeStream(job: TranscriptionJob, life: Lifecycle): void {
  life.finish();
  job.record.completed = true;
  job.res.end(sse({ type: 'transcript.text.done', text: job.text }));
}
