import type { FinishReason } from './faults';
/**
 * Sending one successful completion: paced SSE streaming or a single JSON body, with the
 * stream-level faults (keepalive, cut, end, hang) and client-abort handling.
 */
import type { ServerResponse } from 'node:http';
import type { FaultPlan } from './faults';
import { Lifecycle } from './lifecycle';
import { recordToken, type TokenKind, type Transcript } from './transcripts';
import {
  buildUsage,
  chunkEvent,
  completionResponse,
  DONE_EVENT,
  KEEPALIVE_COMMENT,
  usageEvent,
  type ChunkBase,
} from './wire';

export interface Pace {
  tokensPerSecond: number;
  firstTokenDelayMs: number;
  /** 0 unless the `keepalive` fault is active. */
  keepaliveMs: number;
}

export interface CompletionJob {
  res: ServerResponse;
  transcript: Transcript;
  base: ChunkBase;
  reasoning: string[];
  content: string[];
  finishReason: FinishReason;
  includeUsage: boolean;
  promptTokens: number;
  pace: Pace;
  plan: FaultPlan;
  /** True while the simulator itself is shutting down, so dropped streams are not "client aborts". */
  isClosing: () => boolean;
}

const clock = () => performance.now();

interface Item {
  text: string;
  kind: TokenKind;
}

/** One SSE response: role chunk, reasoning tokens, content tokens, usage, [DONE]. */
class StreamSession {
  private readonly life: Lifecycle;
  private readonly items: Item[];
  private readonly interval: number;
  private readonly faultAfter: number | undefined;
  private firstAt = 0;
  private next = 0;
  private contentSent = 0;
  private roleSent = false;

  constructor(private readonly job: CompletionJob) {
    this.life = new Lifecycle(job.res, job.transcript, job.isClosing);
    const reasoning = job.reasoning.map((text): Item => ({ text, kind: 'reasoning' }));
    this.items = [...reasoning, ...job.content.map((text): Item => ({ text, kind: 'content' }))];
    this.interval = 1000 / job.pace.tokensPerSecond;
    this.faultAfter = job.plan.cutAfter ?? job.plan.endAfter;
  }

  start(): void {
    const { res, base, pace } = this.job;
    res.writeHead(200, {
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-cache',
      Connection: 'keep-alive',
      'X-Accel-Buffering': 'no',
      'x-request-id': base.id,
    });
    res.flushHeaders();
    if (this.job.plan.hang) return; // headers only; the close handler records the abort
    const wait = Math.max(pace.firstTokenDelayMs, pace.keepaliveMs);
    this.firstAt = clock() + wait;
    if (pace.keepaliveMs > 0) this.keepalive(clock() + pace.keepaliveMs, Math.min(1000, pace.keepaliveMs / 5));
    this.life.later(wait, () => this.tick());
  }

  /** DeepSeek sends SSE comments while a request waits in its queue; clients must ignore them. */
  private keepalive(stopAt: number, period: number): void {
    const beat = () => {
      if (clock() + 0.5 >= stopAt) return;
      this.job.res.write(KEEPALIVE_COMMENT);
      this.life.later(period, beat);
    };
    this.life.later(period, beat);
  }

  /** Sends every token that is due (several when timers run late), then schedules the next. */
  private tick(): void {
    let out = this.takeRole();
    const now = clock();
    for (;;) {
      if (this.faultDue()) return this.fault(out);
      if (this.next >= this.items.length) return this.complete(out);
      out += this.emit(this.items[this.next++] as Item);
      if (this.next < this.items.length && this.dueAt(this.next) > now + 0.5) break;
    }
    this.job.res.write(out);
    this.life.later(this.dueAt(this.next) - clock(), () => this.tick());
  }

  private dueAt(index: number): number {
    return this.firstAt + index * this.interval;
  }

  /** The role chunk goes out with the first token, as DeepSeek does once generation starts. */
  private takeRole(): string {
    if (this.roleSent) return '';
    this.roleSent = true;
    return chunkEvent(this.job.base, { role: 'assistant', content: '' }, null);
  }

  private emit(item: Item): string {
    const { transcript, base } = this.job;
    recordToken(transcript, item.text, item.kind);
    if (item.kind === 'reasoning') return chunkEvent(base, { content: null, reasoning_content: item.text }, null);
    this.contentSent++;
    // The last content token carries finish_reason, unless a cut/end fault will stop the stream.
    const last = this.next === this.items.length && this.faultAfter === undefined;
    const finish = last ? this.job.finishReason : null;
    if (finish !== null) transcript.finishReason = finish;
    // DeepSeek marks the other field null in thinking mode; plain chat sends content only.
    const delta = transcript.thinking ? { content: item.text, reasoning_content: null } : { content: item.text };
    return chunkEvent(base, delta, finish);
  }

  private faultDue(): boolean {
    if (this.faultAfter === undefined || this.contentSent < this.faultAfter) return false;
    return this.next >= this.items.length || this.items[this.next]?.kind === 'content';
  }

  private fault(out: string): void {
    const { res, plan } = this.job;
    this.life.finish();
    if (plan.cutAfter === undefined) {
      res.end(out);
      return;
    }
    // Destroy only once what was recorded as sent has really been handed to the socket.
    if (out === '') res.destroy();
    else res.write(out, () => res.destroy());
  }

  private complete(out: string): void {
    const { res, base, transcript, content, reasoning } = this.job;
    if (content.length === 0) {
      // Nothing carried finish_reason yet: send it on an empty delta, as the real API does.
      transcript.finishReason = this.job.finishReason;
      out += chunkEvent(base, { content: '' }, this.job.finishReason);
    }
    if (this.job.includeUsage) {
      out += usageEvent(base, buildUsage(this.job.promptTokens, content.length, reasoning.length));
    }
    transcript.completed = true;
    this.life.finish();
    res.end(out + DONE_EVENT);
  }
}

export function streamCompletion(job: CompletionJob): void {
  new StreamSession(job).start();
}

/** Non-streaming: the whole answer as one `chat.completion` after the first-token delay. */
export function jsonCompletion(job: CompletionJob): void {
  const { res, plan, pace, transcript } = job;
  const life = new Lifecycle(res, transcript, job.isClosing);
  if (plan.hang) {
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.flushHeaders();
    return;
  }
  life.later(Math.max(pace.firstTokenDelayMs, pace.keepaliveMs), () => {
    life.finish();
    if (plan.cutAfter !== undefined) return void res.destroy();
    if (plan.endAfter !== undefined) return void res.writeHead(200, { 'Content-Type': 'application/json' }).end();
    for (const text of job.reasoning) recordToken(transcript, text, 'reasoning');
    for (const text of job.content) recordToken(transcript, text, 'content');
    transcript.finishReason = job.finishReason;
    transcript.completed = true;
    const body = completionResponse(job.base, {
      content: transcript.content,
      reasoning: job.reasoning.length > 0 ? transcript.reasoning : null,
      finishReason: job.finishReason,
      usage: buildUsage(job.promptTokens, job.content.length, job.reasoning.length),
    });
    res.writeHead(200, { 'Content-Type': 'application/json', 'x-request-id': job.base.id });
    res.end(JSON.stringify(body));
  });
}
