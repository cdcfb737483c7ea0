import { randomUUID } from 'node:crypto';
import type { TestSystem } from './system';
import { connect, type Frame, type TestClient } from './ws-client';

/**
 * Raw WebSocket devices straight on one of a test system's gateways; `closeAll` (afterEach)
 * closes the ones a failed test left open, since later tests count the gateways' connections.
 */
export const voiceDevices = (sys: () => TestSystem) => {
  const open: TestClient[] = [];
  return {
    /** A device of `userId` straight on gateway `g` (0 or 1). */
    device: async (userId: string, g = 0): Promise<TestClient> => {
      const url = `${sys().stack.gatewayUrls[g]!.replace(/^http/, 'ws')}/ws/chat/${userId}?token=${await sys().tokens.issue(userId)}`;
      const c = await connect(url);
      open.push(c);
      return c;
    },
    closeAll: () => open.splice(0).forEach((c) => c.close()),
  };
};

/** Speaks `audio` (in chunks) as one utterance; resolves with the final transcript frame. */
export const speak = async (c: TestClient, audio: Buffer, data: Record<string, unknown> = {}): Promise<Frame> => {
  const requestId = `utt-${randomUUID()}`;
  c.send({ type: 'voice_start', data: { format: 'wav', ...data }, request_id: requestId });
  for (let at = 0; at < audio.length; at += 4096) c.sendRaw(audio.subarray(at, at + 4096), true);
  c.send({ type: 'voice_end', request_id: requestId });
  return c.next((f) => (f.type === 'voice_transcript' && f.final === true && f.utterance_id === requestId) || (f.type === 'error' && f.request_id === requestId), 30000);
};

/** The audio of each sentence of a generation: its chunks' bytes in order, and how it ended. */
export const spokenSentences = (frames: Frame[]) => {
  const sentences = new Map<number, { bytes: Buffer[]; final: boolean; error?: string; start: number; end: number }>();
  for (const f of frames.filter((x) => x.type === 'chat_audio')) {
    const s = sentences.get(Number(f.sentence)) ?? { bytes: [], final: false, start: Number(f.text_start), end: Number(f.text_end) };
    expect(s.final).toBe(false); // nothing after a sentence's final chunk
    expect(f.chunk).toBe(s.bytes.length);
    s.bytes.push(Buffer.from(String(f.audio), 'base64'));
    s.final = f.final === true;
    if (f.error_code) s.error = String(f.error_code);
    sentences.set(Number(f.sentence), s);
  }
  return [...sentences.entries()].sort((a, b) => a[0] - b[0]).map(([index, s]) => ({ index, audio: Buffer.concat(s.bytes), ...s }));
};
