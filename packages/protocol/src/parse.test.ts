import { MAX_CONTEXT_DEPTH, MAX_CONTEXT_JSON_CHARS, MAX_MESSAGE_CHARS } from './fields';
import { chatStreamFrame, errorFrame, isRefusal, reasoningStreamFrame, refusalStatusFrame, statusUpdateFrame } from './frames';
import { parseClientFrame, type ParseResult } from './parse';
import { GenerationStatus, ServerFrame } from './server-frames';

const parse = (value: unknown): ParseResult => parseClientFrame(JSON.stringify(value));

/** The error half of a result; fails the test when the frame was accepted. */
const failure = (r: ParseResult) => {
  if (r.ok) throw new Error(`expected a rejection, got ${JSON.stringify(r.frame)}`);
  return r;
};

const accepted = (r: ParseResult) => {
  if (!r.ok) throw new Error(`expected the frame to be accepted, got ${r.code}: ${r.message}`);
  return r.frame;
};

describe('valid client frames', () => {
  it.each([
    ['health_chat', { type: 'health_chat', data: { message: '我最近睡不好', context: { mood: 'tired', sleep_hours: 5 } } }],
    ['health_chat without context', { type: 'health_chat', data: { message: 'hi' } }],
    ['general_chat', { type: 'general_chat', data: { message: '你好' }, conversation_id: 'conv_1', active_member_id: 'u2' }],
    ['switch_member', { type: 'switch_member', data: { target_member_id: 'member_7' } }],
    ['get_status', { type: 'get_status' }],
    ['get_status with empty data', { type: 'get_status', data: {} }],
    ['ping', { type: 'ping', request_id: 'r-1' }],
    ['pong (the original service’s clients answer its JSON pings so)', { type: 'pong' }],
    ['cancel', { type: 'cancel', data: { message_id: 'msg_abc' } }],
    ['resume', { type: 'resume', data: { message_id: 'msg_abc', last_seq: 0 } }],
    ['resume later', { type: 'resume', data: { message_id: 'msg_abc', last_seq: 17 } }],
  ])('%s is accepted as its own type', (_name, value) => {
    const frame = accepted(parse(value));
    expect(frame.type).toBe(value.type);
    expect(frame).toEqual(value);
  });

  it('accepts a Buffer holding UTF-8 JSON', () => {
    const frame = accepted(parseClientFrame(Buffer.from(JSON.stringify({ type: 'health_chat', data: { message: '睡眠 😴' } }))));
    expect(frame).toEqual({ type: 'health_chat', data: { message: '睡眠 😴' } });
  });

  it('a pong carrying what the original’s ping held is accepted, the extras dropped', () => {
    expect(accepted(parse({ type: 'pong', heartbeat_id: 3, timestamp: '2025-01-01T00:00:00' }))).toEqual({ type: 'pong' });
  });

  it('drops unknown extra fields instead of failing', () => {
    const frame = accepted(parse({ type: 'ping', extra: { lots: 'of stuff' } }));
    expect(frame).toEqual({ type: 'ping' });
  });
});

describe('not JSON, not an object, no type', () => {
  it.each(['', 'hello', '{"type":', "{'type':'ping'}", '{"type":"ping"} trailing'])('%j → INVALID_JSON', (raw) => {
    expect(failure(parseClientFrame(raw)).code).toBe('INVALID_JSON');
  });

  it('a binary frame → INVALID_JSON even when it holds valid JSON', () => {
    const r = failure(parseClientFrame(Buffer.from('{"type":"ping"}'), true));
    expect(r.code).toBe('INVALID_JSON');
    expect(r.message).toMatch(/binary/);
  });

  it.each(['[]', '1', 'null', '"x"', 'true', '[{"type":"ping"}]'])('%s → INVALID_FRAME', (raw) => {
    expect(failure(parseClientFrame(raw)).code).toBe('INVALID_FRAME');
  });

  it.each([
    ['missing type', { data: { message: 'hi' } }],
    ['numeric type', { type: 1 }],
    ['null type', { type: null }],
    ['object type', { type: { name: 'ping' } }],
    ['array type', { type: ['ping'] }],
  ])('%s → INVALID_FRAME', (_name, value) => {
    expect(failure(parse(value)).code).toBe('INVALID_FRAME');
  });
});

describe('unknown type', () => {
  it.each(['chat', 'PING', 'health-chat', '', 'constructor', '__proto__'])('%j → UNKNOWN_TYPE', (type) => {
    const r = failure(parse({ type }));
    expect(r.code).toBe('UNKNOWN_TYPE');
  });

  it('does not echo more than 64 characters of a huge type', () => {
    const type = `${'A'.repeat(64)}${'B'.repeat(100_000)}`;
    const r = failure(parse({ type }));
    expect(r.code).toBe('UNKNOWN_TYPE');
    expect(r.message).toContain('A'.repeat(64));
    expect(r.message).not.toContain('B');
    expect(r.message.length).toBeLessThan(64 + 40);
  });
});

describe('message validation', () => {
  it.each([
    ['empty', ''],
    ['spaces', '     '],
    ['tabs and newlines', '\t\n\r\n '],
    ['ideographic space', '\u3000\u3000'],
  ])('%s message → VALIDATION_ERROR', (_name, message) => {
    const r = failure(parse({ type: 'health_chat', data: { message } }));
    expect(r.code).toBe('VALIDATION_ERROR');
    expect(r.message).toContain('data.message');
  });

  it('accepts exactly 2000 code points, counting an emoji (two UTF-16 units) as one', () => {
    const message = '😴'.repeat(1000) + '睡'.repeat(999) + 'z';
    expect([...message]).toHaveLength(MAX_MESSAGE_CHARS);
    expect(message.length).toBe(3000);
    expect(accepted(parse({ type: 'health_chat', data: { message } }))).toEqual({ type: 'health_chat', data: { message } });
  });

  it('accepts 2000 emoji (4000 UTF-16 units)', () => {
    const message = '💪'.repeat(MAX_MESSAGE_CHARS);
    expect(accepted(parse({ type: 'general_chat', data: { message } })).type).toBe('general_chat');
  });

  it('rejects 2001 code points', () => {
    const r = failure(parse({ type: 'health_chat', data: { message: '😴'.repeat(1000) + 'a'.repeat(1001) } }));
    expect(r.code).toBe('VALIDATION_ERROR');
    expect(r.message).toMatch(/2000/);
    expect(failure(parse({ type: 'general_chat', data: { message: 'a'.repeat(2001) } })).code).toBe('VALIDATION_ERROR');
  });

  it('keeps the message verbatim: leading/trailing spaces, newlines, markdown', () => {
    const message = '  **我** 每天只睡 5 小时\n\n怎么办？  ';
    const frame = accepted(parse({ type: 'health_chat', data: { message } }));
    expect(frame.type === 'health_chat' && frame.data.message).toBe(message);
  });

  it('rejects a context that is not an object, or too large', () => {
    expect(failure(parse({ type: 'health_chat', data: { message: 'hi', context: 'tired' } })).code).toBe('VALIDATION_ERROR');
    expect(failure(parse({ type: 'health_chat', data: { message: 'hi', context: [1, 2] } })).code).toBe('VALIDATION_ERROR');
    const big = { note: 'x'.repeat(9000) };
    expect(failure(parse({ type: 'health_chat', data: { message: 'hi', context: big } })).code).toBe('VALIDATION_ERROR');
  });
});

describe('wrong field types → VALIDATION_ERROR', () => {
  it.each([
    ['health_chat without data', { type: 'health_chat' }],
    ['health_chat data not an object', { type: 'health_chat', data: 'hi' }],
    ['health_chat message a number', { type: 'health_chat', data: { message: 42 } }],
    ['general_chat message null', { type: 'general_chat', data: { message: null } }],
    ['switch_member without target', { type: 'switch_member', data: {} }],
    ['switch_member numeric target', { type: 'switch_member', data: { target_member_id: 7 } }],
    ['switch_member empty target', { type: 'switch_member', data: { target_member_id: '' } }],
    ['cancel without message_id', { type: 'cancel', data: {} }],
    ['cancel without data', { type: 'cancel' }],
    ['resume negative last_seq', { type: 'resume', data: { message_id: 'm', last_seq: -1 } }],
    ['resume fractional last_seq', { type: 'resume', data: { message_id: 'm', last_seq: 1.5 } }],
    ['resume string last_seq', { type: 'resume', data: { message_id: 'm', last_seq: '3' } }],
    ['conversation_id a number', { type: 'health_chat', data: { message: 'hi' }, conversation_id: 12 }],
    ['active_member_id an object', { type: 'health_chat', data: { message: 'hi' }, active_member_id: { id: 'x' } }],
    ['conversation_id too long', { type: 'ping', conversation_id: 'c'.repeat(129) }],
    ['request_id a number', { type: 'ping', request_id: 5 }],
    ['ping data not an object', { type: 'ping', data: 'x' }],
  ])('%s', (_name, value) => {
    expect(failure(parse(value)).code).toBe('VALIDATION_ERROR');
  });

  it('names the offending field', () => {
    const r = failure(parse({ type: 'resume', data: { message_id: 'm', last_seq: 'x' } }));
    expect(r.message).toContain('data.last_seq');
  });
});

describe('request_id is carried into the error', () => {
  it.each([
    ['INVALID_FRAME', { type: 3, request_id: 'req-1' }],
    ['UNKNOWN_TYPE', { type: 'nope', request_id: 'req-1' }],
    ['VALIDATION_ERROR', { type: 'health_chat', data: { message: ' ' }, request_id: 'req-1' }],
  ])('%s', (code, value) => {
    const r = failure(parse(value));
    expect(r.code).toBe(code);
    expect(r.requestId).toBe('req-1');
  });

  it('a non-string request_id is not carried', () => {
    const r = failure(parse({ type: 'nope', request_id: 12 }));
    expect(r.requestId).toBeUndefined();
  });

  it('a huge request_id is cut to 128 characters', () => {
    const r = failure(parse({ type: 'nope', request_id: 'r'.repeat(10_000) }));
    expect(r.requestId).toBe('r'.repeat(128));
  });

  it('an accepted frame keeps its request_id', () => {
    expect(accepted(parse({ type: 'ping', request_id: 'abc' }))).toEqual({ type: 'ping', request_id: 'abc' });
  });
});

describe('hostile input never throws', () => {
  const nested = (depth: number) => '{"a":'.repeat(depth) + '1' + '}'.repeat(depth);
  const nestedArrays = (depth: number) => '['.repeat(depth) + ']'.repeat(depth);

  it.each([10_000, 100_000])('a context nested %i levels deep → VALIDATION_ERROR', (depth) => {
    const raw = `{"type":"health_chat","data":{"message":"hi","context":${nested(depth)}}}`;
    let result: ParseResult | undefined;
    expect(() => (result = parseClientFrame(raw))).not.toThrow();
    expect(failure(result!).code).toBe('VALIDATION_ERROR');
  });

  it('deeply nested arrays as the frame, the message and an extra field', () => {
    expect(failure(parseClientFrame(nestedArrays(200_000))).code).toBe('INVALID_FRAME');
    const asMessage = `{"type":"health_chat","data":{"message":${nestedArrays(200_000)}}}`;
    expect(failure(parseClientFrame(asMessage)).code).toBe('VALIDATION_ERROR');
    const asExtra = `{"type":"ping","junk":${nested(100_000)}}`;
    expect(accepted(parseClientFrame(asExtra))).toEqual({ type: 'ping' });
  });

  it('unbalanced deep nesting → INVALID_JSON', () => {
    expect(failure(parseClientFrame('['.repeat(500_000))).code).toBe('INVALID_JSON');
  });

  it('huge strings in every field', () => {
    const huge = 'x'.repeat(2_000_000);
    expect(failure(parse({ type: 'health_chat', data: { message: huge } })).code).toBe('VALIDATION_ERROR');
    expect(failure(parse({ type: 'cancel', data: { message_id: huge } })).code).toBe('VALIDATION_ERROR');
    const r = failure(parse({ type: 'resume', data: { message_id: huge, last_seq: 0 }, request_id: huge }));
    expect(r.code).toBe('VALIDATION_ERROR');
    // The answer stays small whatever came in.
    expect(r.message.length).toBeLessThan(1000);
  });

  it('control characters other than NUL in the message are kept as sent', () => {
    const message = 'a\u0001b\tc\n\u007fd';
    const frame = accepted(parse({ type: 'general_chat', data: { message } }));
    expect(frame.type === 'general_chat' && frame.data.message).toBe(message);
  });

  // PostgreSQL refuses NUL in text and stores a lone surrogate as U+FFFD: either would make the
  // value checked differ from the value stored, so both are refused at the door, naming the field.
  it.each([
    ['NUL', 'a\u0000b'],
    ['a lone surrogate', 'a\ud800b'],
  ])('%s in the message → VALIDATION_ERROR naming data.message', (_what, message) => {
    const r = failure(parse({ type: 'health_chat', data: { message } }));
    expect(r.code).toBe('VALIDATION_ERROR');
    expect(r.message).toMatch(/^data\.message: /);
  });

  const hostileIds: [string, string][] = [
    ['NUL', 'x\u0000'],
    ['a lone surrogate', 'x\udc00'],
    ['an over-long id', 'x'.repeat(129)],
    ['a control character', 'x\u0007'],
  ];
  it.each(hostileIds)('%s in an id field → VALIDATION_ERROR naming the field', (_what, bad) => {
    const frames: [unknown, string][] = [
      [{ type: 'health_chat', conversation_id: bad, data: { message: 'hi' } }, 'conversation_id'],
      [{ type: 'health_chat', active_member_id: bad, data: { message: 'hi' } }, 'active_member_id'],
      [{ type: 'switch_member', data: { target_member_id: bad } }, 'data.target_member_id'],
      [{ type: 'cancel', data: { message_id: bad } }, 'data.message_id'],
      [{ type: 'resume', data: { message_id: bad, last_seq: 0 } }, 'data.message_id'],
    ];
    for (const [frame, field] of frames) {
      const r = failure(parse(frame));
      expect(r.code).toBe('VALIDATION_ERROR');
      expect(r.message.startsWith(`${field}: `)).toBe(true);
    }
  });

  it('conversation ids: the server\'s and the original clients\' forms pass, other characters do not', () => {
    for (const ok of ['conv_user_001_1700000000_0a1b2c', 'conv_1700000000123_k3j4h5', 'a', 'x'.repeat(128)]) {
      accepted(parse({ type: 'health_chat', conversation_id: ok, data: { message: 'hi' } }));
    }
    for (const bad of ['', 'conv 1', 'conv/1', 'conv_é', 'x'.repeat(129)]) {
      expect(failure(parse({ type: 'health_chat', conversation_id: bad, data: { message: 'hi' } })).code).toBe('VALIDATION_ERROR');
    }
  });

  it('context: bounded in depth and in JSON size', () => {
    let deep: Record<string, unknown> = { leaf: 1 };
    for (let i = 0; i < MAX_CONTEXT_DEPTH; i++) deep = { n: deep };
    const tooDeep = failure(parse({ type: 'health_chat', data: { message: 'hi', context: deep } }));
    expect(tooDeep.message).toMatch(/^data\.context: context must be nested at most/);
    let ok: Record<string, unknown> = { leaf: 1 };
    for (let i = 0; i < MAX_CONTEXT_DEPTH - 2; i++) ok = { n: ok };
    accepted(parse({ type: 'health_chat', data: { message: 'hi', context: ok } }));
    const big = failure(parse({ type: 'health_chat', data: { message: 'hi', context: { s: 'x'.repeat(MAX_CONTEXT_JSON_CHARS) } } }));
    expect(big.message).toMatch(/^data\.context: context must be at most/);
  });
});

describe('server-frame builders produce frames the ServerFrame schema accepts', () => {
  const ref = { messageId: 'msg_0123456789ab', conversationId: 'conv_u1_1700000000_abcdef' };

  it.each(GenerationStatus.options)('status_update %s', (status) => {
    const frame = statusUpdateFrame(ref, 3, status, status === 'done' ? { full_response: 'x' } : null);
    const parsed = ServerFrame.parse(JSON.parse(JSON.stringify(frame)));
    expect(parsed).toMatchObject({ type: 'status_update', status, seq: 3, message_id: ref.messageId, conversation_id: ref.conversationId });
    expect(frame.message.length).toBeGreaterThan(0);
  });

  it('status_update data is always an object: {} by default and in place of null', () => {
    for (const frame of [statusUpdateFrame(ref, 1, 'sending'), statusUpdateFrame(ref, 2, 'streaming', null)]) {
      expect(frame.data).toEqual({});
      expect(ServerFrame.parse(JSON.parse(JSON.stringify(frame)))).toMatchObject({ data: {} });
    }
    expect(ServerFrame.safeParse({ ...statusUpdateFrame(ref, 1, 'sending'), data: null }).success).toBe(false);
  });

  it('a refusal is followed by a status_update error that ends no generation', () => {
    const refusal = errorFrame('INVALID_JSON', 'frame is not valid JSON', { requestId: 'r9' });
    expect(isRefusal(refusal)).toBe(true);
    expect(isRefusal(errorFrame('UPSTREAM_TIMEOUT', 'timeout', { ref, seq: 6 }))).toBe(false);
    const status = refusalStatusFrame(refusal);
    expect(ServerFrame.parse(JSON.parse(JSON.stringify(status)))).toEqual({
      type: 'status_update',
      status: 'error',
      message: 'frame is not valid JSON',
      data: { error_code: 'INVALID_JSON', request_id: 'r9' },
      conversation_id: null,
      message_id: null,
      timestamp: refusal.timestamp,
    });
    expect(status).not.toHaveProperty('seq');
    expect(refusalStatusFrame(errorFrame('RATE_LIMITED', 'slow down')).data).toEqual({ error_code: 'RATE_LIMITED', request_id: null });
  });

  it('chat_stream keeps the delta exactly, whitespace included', () => {
    const frame = chatStreamFrame(ref, 4, '  \n');
    expect(ServerFrame.parse(JSON.parse(JSON.stringify(frame)))).toMatchObject({ type: 'chat_stream', status: 'streaming', delta: '  \n', seq: 4 });
  });

  it('reasoning_stream', () => {
    const frame = reasoningStreamFrame(ref, 5, '思考');
    expect(ServerFrame.parse(JSON.parse(JSON.stringify(frame)))).toMatchObject({ type: 'reasoning_stream', delta: '思考', seq: 5 });
  });

  it('error, bare and inside a generation', () => {
    const bare = errorFrame('UNKNOWN_TYPE', 'unknown frame type', { requestId: 'r1' });
    expect(ServerFrame.parse(JSON.parse(JSON.stringify(bare)))).toMatchObject({ type: 'error', error_code: 'UNKNOWN_TYPE', request_id: 'r1' });
    expect(bare).not.toHaveProperty('seq');
    expect(bare).not.toHaveProperty('message_id');
    const inGeneration = errorFrame('UPSTREAM_TIMEOUT', 'timeout', { ref, seq: 6 });
    expect(ServerFrame.parse(JSON.parse(JSON.stringify(inGeneration)))).toMatchObject({
      type: 'error',
      error_code: 'UPSTREAM_TIMEOUT',
      message_id: ref.messageId,
      conversation_id: ref.conversationId,
      seq: 6,
    });
  });

  it('timestamps are ISO 8601', () => {
    const frame = chatStreamFrame(ref, 1, 'a');
    expect(new Date(frame.timestamp).toISOString()).toBe(frame.timestamp);
  });

  it('the schema rejects a frame with seq 0 (seq starts at 1)', () => {
    expect(ServerFrame.safeParse(chatStreamFrame(ref, 0, 'a')).success).toBe(false);
  });
});
