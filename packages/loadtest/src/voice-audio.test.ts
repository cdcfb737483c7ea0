import { SIMULATED_QUESTIONS, simulatedTranscript } from '@aurawell/deepseek-sim';
import { audioFrames, frameDueMs, recordingFor } from './voice-audio';

describe('a voice user’s recording', () => {
  it('is a 16 kHz PCM16 WAV of the asked length whose transcript the simulator knows: one of its questions, made unique', () => {
    const a = recordingFor(3, 0, 1500);
    const b = recordingFor(3, 1, 1500);
    expect(a.wav.subarray(0, 4).toString('latin1')).toBe('RIFF');
    expect(a.wav.length).toBeGreaterThan(1500 * 32);
    expect(a.wav.length).toBeLessThan(1500 * 32 + 512);
    expect(a.text).toBe(simulatedTranscript(a.wav).trim());
    expect(a.text.startsWith(SIMULATED_QUESTIONS[3]!)).toBe(true);
    expect(b.text.startsWith(SIMULATED_QUESTIONS[4]!)).toBe(true);
    expect(a.text).toMatch(/^\S+ 3\.0\.[0-9a-f]{6}$/);
    expect(recordingFor(3, 0, 1500).text).not.toBe(a.text);
  });

  it('goes out in frames of the asked audio length, the header in the first, nothing lost', () => {
    const { wav } = recordingFor(0, 0, 1000);
    const frames = audioFrames(wav, 100);
    expect(frames.slice(0, -1).every((f) => f.length === 3200)).toBe(true);
    expect(frames.length).toBe(Math.ceil(wav.length / 3200));
    expect(Buffer.concat(frames).equals(wav)).toBe(true);
    expect(frames[0]!.subarray(8, 12).toString('latin1')).toBe('WAVE');
  });

  it('each frame once it is recorded, at the pace asked; pace 0 all at once', () => {
    expect([0, 1, 9].map((i) => frameDueMs(i, 100, 1))).toEqual([100, 200, 1000]);
    expect([0, 1, 9].map((i) => frameDueMs(i, 100, 2))).toEqual([50, 100, 500]);
    expect([0, 9].map((i) => frameDueMs(i, 100, 0))).toEqual([0, 0]);
  });
});
