import Ajv from 'ajv';
import Ajv2020 from 'ajv/dist/2020';
import specs from '@asyncapi/specs';
import { buildAsyncApi } from './asyncapi';
import { clientFrameTypes } from './client-frames';
import { ServerFrame } from './server-frames';
import { reminderFrame } from './sync-frames';

const doc = buildAsyncApi();
type Message = { name: string; payload: Record<string, unknown> };
const messages = doc.channels.chat.messages as Record<string, Message>;

test('the document is valid AsyncAPI 3.0 (the official JSON schema)', () => {
  // The AsyncAPI schema embeds its own copy of the draft-07 meta-schema: ajv's must stay out of the way.
  const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false, meta: false, validateSchema: false });
  const validate = ajv.compile(specs.schemas['3.0.0'] as object);
  expect(validate(JSON.parse(JSON.stringify(doc)))).toBe(true);
  expect(validate.errors ?? []).toEqual([]);
  // The check can fail: AsyncAPI 2's `publish` is not an action of version 3.
  const broken = JSON.parse(JSON.stringify(doc)) as { operations: { sendFrame: { action: string } } };
  broken.operations.sendFrame.action = 'publish';
  expect(validate(broken)).toBe(false);
});

test('it lists every client and server frame of the protocol, operations referencing each', () => {
  expect(doc.operations.sendFrame.messages.map((m) => m.$ref.split('/').pop())).toEqual(clientFrameTypes.map((t) => `client_${t}`));
  const serverTypes = ServerFrame.options.map((o) => o.shape.type.value);
  expect(doc.operations.receiveFrame.messages.map((m) => m.$ref.split('/').pop())).toEqual(serverTypes.map((t) => `server_${t}`));
  expect(serverTypes).toEqual(expect.arrayContaining(['reminder', 'reminders_read', 'user_message', 'sync']));
  expect(clientFrameTypes).toEqual(expect.arrayContaining(['acknowledge', 'sync']));
});

test('the payload schemas accept real frames and refuse broken ones', () => {
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  const check = (key: string, frame: unknown) => ajv.validate(messages[key]!.payload, frame);
  const reminder = reminderFrame(
    { id: 'd1', reminderId: 'r1', userId: 'u1', title: '喝水', message: '起来喝杯水', smart: false, dueAt: new Date(), goalId: null, planId: null },
    true,
  );
  expect(check('server_reminder', reminder)).toBe(true);
  expect(check('server_reminder', { ...reminder, delivery_id: 7 })).toBe(false);
  expect(check('client_acknowledge', { type: 'acknowledge', data: { delivery_ids: ['d1'] } })).toBe(true);
  expect(check('client_acknowledge', { type: 'acknowledge', data: { delivery_ids: [] } })).toBe(false);
  expect(check('client_health_chat', { type: 'health_chat', data: { message: '我最近睡不好' } })).toBe(true);
  expect(check('client_health_chat', { type: 'health_chat', data: {} })).toBe(false);
  expect(check('client_pong', { type: 'pong' })).toBe(true);
  const status = { type: 'status_update', status: 'sending', message: 'm', conversation_id: 'c', message_id: 'm1', seq: 1, timestamp: 't' };
  expect(check('server_status_update', { ...status, data: {} })).toBe(true);
  expect(check('server_status_update', { ...status, data: null })).toBe(false);
});
