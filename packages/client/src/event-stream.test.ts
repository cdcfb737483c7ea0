import { EventStreamParser, readEventStream } from './event-stream';

test('events are parsed whatever the chunking, comments skipped, CRLF accepted', () => {
  const text = ': keep-alive\n\nid: m:1\nevent: status_update\ndata: {"a":1}\n\nid: m:2\r\nevent: chat_stream\r\ndata: {"delta":"x: y"}\r\n\r\n';
  for (const size of [1, 2, 7, text.length]) {
    const p = new EventStreamParser();
    const out = [];
    for (let i = 0; i < text.length; i += size) out.push(...p.push(text.slice(i, i + size)));
    expect(out).toEqual([
      { id: 'm:1', event: 'status_update', data: '{"a":1}' },
      { id: 'm:2', event: 'chat_stream', data: '{"delta":"x: y"}' },
    ]);
  }
});

test('multi-line data is joined with newlines; an unfinished event waits', () => {
  const p = new EventStreamParser();
  expect(p.push('data: a\ndata: b\n\ndata: c')).toEqual([{ id: null, event: null, data: 'a\nb' }]);
  expect(p.push('\n\n')).toEqual([{ id: null, event: null, data: 'c' }]);
});

test('readEventStream decodes UTF-8 split across chunks', async () => {
  const bytes = new TextEncoder().encode('data: 睡眠😴\n\n');
  const body = new ReadableStream<Uint8Array>({
    start(c) {
      for (const b of bytes) c.enqueue(new Uint8Array([b]));
      c.close();
    },
  });
  const got: string[] = [];
  await readEventStream(body, (m) => got.push(m.data), new AbortController().signal);
  expect(got).toEqual(['睡眠😴']);
});
