import { WebSocket } from 'ws';
import { createAuraWellClient, type AuraWellClient, type ClientOptions, type ConnectionState, type Generation, type GenerationResult, type WebSocketConstructor } from '@aurawell/client';
import { FrameRecorder, type Frame } from './ws-client';

/**
 * The client SDK as an ordinary user's Node application runs it (the `ws` package's WebSocket),
 * with a quick backoff and no SSE fallback, recording what a test checks: every frame as it came
 * off the wire (duplicates included, from every socket in turn) and every connection state.
 */
export class SdkUser extends FrameRecorder {
  private static readonly live = new Set<SdkUser>();
  readonly client: AuraWellClient;
  readonly states: ConnectionState[];

  constructor(options: Omit<ClientOptions, 'WebSocket'>) {
    super();
    this.client = createAuraWellClient({ fallbackAfter: 0, backoff: { initialMs: 50, maxMs: 500 }, ...options, WebSocket: WebSocket as unknown as WebSocketConstructor });
    SdkUser.live.add(this);
    this.states = [this.client.state];
    this.client.on('state', (s) => this.states.push(s));
    // `frames`: every server frame off the wire, in arrival order, across reconnects.
    this.client.on('frame', (frame) => this.record(frame as unknown as Frame));
  }

  /** How many times an open connection was lost and the client went reconnecting. */
  get reconnects(): number {
    return this.states.filter((s) => s === 'reconnecting').length;
  }

  /** Resolves once connected (`connection_established`); rejects if the client gives up. */
  opened(timeoutMs = 20000): Promise<void> {
    return new Promise((resolve, reject) => {
      if (this.client.state === 'open') return resolve();
      const timer = setTimeout(() => (off(), reject(new Error(`not open in ${timeoutMs} ms: ${this.states.join(' → ')}`))), timeoutMs);
      const off = this.client.on('state', (s) => {
        if (s !== 'open' && s !== 'closed') return;
        clearTimeout(timer);
        off();
        if (s === 'open') resolve();
        else reject(new Error(`closed before opening: ${this.states.join(' → ')}`));
      });
    });
  }

  close(): void {
    SdkUser.live.delete(this);
    this.client.close();
  }

  /** Closes every client still open (for afterAll: a failed test must not leave one reconnecting). */
  static closeAll(): void {
    for (const user of [...SdkUser.live]) user.close();
  }
}

/** A generation's end, or a failure naming how far it got (`ended` never rejects: a stuck one would only meet jest's timeout). */
export const endedWithin = (gen: Generation, timeoutMs = 60000): Promise<GenerationResult> =>
  new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`generation ${gen.messageId} not ended in ${timeoutMs} ms: ${gen.state} at seq ${gen.lastSeq}`)), timeoutMs);
    void gen.ended.then((r) => (clearTimeout(timer), resolve(r)));
  });

/** The frames a generation applied, in seq order (what the application's text is built from). */
export const appliedFrames = (gen: Generation): Frame[] => {
  const frames: Frame[] = [];
  gen.on('frame', (f) => frames.push(f as unknown as Frame));
  return frames;
};
