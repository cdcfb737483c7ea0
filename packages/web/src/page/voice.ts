/// <reference lib="dom" />
import type { AuraWellClient, Generation, SpokenSentence, Utterance } from '@aurawell/client';

// Speech on the page: a microphone button that records with MediaRecorder and streams the chunks
// as a spoken question (the partial transcript shows while one talks), and a player that speaks
// an answer sentence by sentence as its audio arrives (Web Audio, queued back to back).

const ENGINE_LABEL: Record<string, string> = { 'espeak-ng': 'eSpeak NG', 'openai-speech': '语音服务' };

/** Plays one answer's sentences in order, each as soon as it is complete, without gaps between them. */
export class AnswerPlayer {
  private context: AudioContext | null = null;
  private nextAt = 0;
  private chain: Promise<void> = Promise.resolve();
  /** Sentences scheduled so far (the page's tests read it from `data-spoken`). */
  played = 0;

  constructor(private readonly onState: (text: string, played: number) => void) {}

  /** Follows a generation's spoken sentences until it ends. */
  follow(gen: Generation): void {
    gen.on('sentence', (s) => void (this.chain = this.chain.then(() => this.play(s))));
    gen.on('restart', () => this.stop());
  }

  private async play(s: SpokenSentence): Promise<void> {
    if (s.error || s.audio.length === 0) return this.onState('朗读中断，回答以文字显示', this.played);
    this.context ??= new AudioContext();
    try {
      const buffer = await this.context.decodeAudioData(s.audio.slice().buffer);
      const source = this.context.createBufferSource();
      source.buffer = buffer;
      source.connect(this.context.destination);
      this.nextAt = Math.max(this.nextAt, this.context.currentTime);
      source.start(this.nextAt);
      this.nextAt += buffer.duration;
      this.played += 1;
      this.onState(`正在朗读（${ENGINE_LABEL[s.engine] ?? s.engine}）`, this.played);
    } catch {
      this.onState('这段语音无法播放', this.played);
    }
  }

  stop(): void {
    void this.context?.close();
    this.context = null;
    this.nextAt = 0;
  }
}

type RecorderView = {
  button: HTMLButtonElement;
  partial: HTMLElement;
};

/** The mime type MediaRecorder records in here, and the protocol's name for it. */
const recordingFormat = (): { mimeType: string; format: 'webm' | 'ogg' } | null => {
  for (const [mimeType, format] of [['audio/webm;codecs=opus', 'webm'], ['audio/ogg;codecs=opus', 'ogg']] as const) {
    if (typeof MediaRecorder !== 'undefined' && MediaRecorder.isTypeSupported(mimeType)) return { mimeType, format };
  }
  return null;
};

/**
 * The microphone button: press to talk, press again to ask. Chunks go out as they are recorded
 * (250 ms each), in order; the partial transcript shows under the question box.
 */
export class MicrophoneButton {
  private recorder: MediaRecorder | null = null;
  private utterance: Utterance | null = null;

  constructor(
    private readonly view: RecorderView,
    private readonly hooks: {
      client: () => AuraWellClient | null;
      options: () => { conversationId: string; activeMemberId?: string; speak: boolean };
      /** The final transcript was asked: show it and follow its answer. */
      asked: (question: string, gen: Generation) => void;
      busy: () => boolean;
    },
  ) {
    view.button.addEventListener('click', () => void (this.recorder ? this.finish() : this.begin()));
  }

  private async begin(): Promise<void> {
    const client = this.hooks.client();
    const rec = recordingFormat();
    if (!client || this.hooks.busy()) return;
    if (!rec || !navigator.mediaDevices?.getUserMedia) return this.say('此浏览器不支持录音');
    let stream: MediaStream;
    try {
      stream = await navigator.mediaDevices.getUserMedia({ audio: true });
    } catch {
      return this.say('无法使用麦克风');
    }
    const u = client.voice({ format: rec.format, language: 'zh', ...this.hooks.options() });
    this.utterance = u;
    let sending: Promise<void> = Promise.resolve();
    const recorder = new MediaRecorder(stream, { mimeType: rec.mimeType });
    recorder.addEventListener('dataavailable', (ev) => void (sending = sending.then(async () => u.send(new Uint8Array(await ev.data.arrayBuffer())))));
    recorder.addEventListener('stop', () => {
      stream.getTracks().forEach((t) => t.stop());
      void sending.then(() => this.ask(u));
    });
    u.on('transcript', (t) => (t.final ? this.say('') : this.say(`「${t.text}」…`)));
    u.on('error', (e) => this.say(e.code === 'VOICE_SILENT' ? '没有听到说话' : `语音出错：${e.message}`));
    recorder.start(250);
    this.recorder = recorder;
    this.view.button.setAttribute('aria-pressed', 'true');
    this.view.button.textContent = '说完了';
    this.say('正在听…');
  }

  private finish(): void {
    this.recorder?.stop();
    this.recorder = null;
    this.view.button.setAttribute('aria-pressed', 'false');
    this.view.button.textContent = '🎤 说话';
    this.say('正在识别…');
  }

  private ask(u: Utterance): void {
    const gen = u.end();
    const off = u.on('transcript', (t) => {
      if (!t.final) return;
      off();
      this.hooks.asked(t.text, gen);
    });
    this.utterance = null;
  }

  private say(text: string): void {
    this.view.partial.textContent = text;
  }
}
