/**
 * The part of the WebSocket API the client uses, so both the browser's WebSocket and the `ws`
 * package's class fit. Declared with method syntax: TypeScript then accepts listener parameter
 * types that are richer than ours (ws's MessageEvent, the DOM's MessageEvent).
 */
export interface WebSocketLike {
  readonly readyState: number;
  send(data: string | ArrayBufferLike | ArrayBufferView): void;
  close(code?: number, reason?: string): void;
  addEventListener(type: 'open', listener: (event: unknown) => void): void;
  addEventListener(type: 'message', listener: (event: { data: unknown }) => void): void;
  addEventListener(type: 'close', listener: (event: { code: number; reason: string }) => void): void;
  addEventListener(type: 'error', listener: (event: unknown) => void): void;
}

export type WebSocketConstructor = new (url: string) => WebSocketLike;

/** readyState OPEN in every implementation. */
export const OPEN = 1;

/** Text frame payload as a string (browsers give strings; ws gives a string for text frames too). */
export const frameText = (data: unknown): string => (typeof data === 'string' ? data : String(data));
