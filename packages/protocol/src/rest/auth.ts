import { z } from 'zod';
import { envelopeOf } from './envelope';

/** `POST /api/v1/auth/login` body. */
export const LoginRequest = z.object({
  username: z.string().min(3).max(50),
  // Up to 128 characters as the contract says; one past bcrypt's 72 bytes is refused as a wrong password (401).
  password: z.string().min(6).max(128),
});

/** `POST /api/v1/auth/login` `data`: a bearer token for the REST api and the WebSocket ticket. */
export const LoginData = z.object({
  access_token: z.string(),
  token_type: z.literal('bearer'),
  expires_in: z.number().int(),
});
export const LoginResponse = envelopeOf(LoginData);

/** `data` of `POST /api/v1/ws/ticket`: a one-time ticket for the WebSocket handshake. */
export const WsTicketData = z.object({ ticket: z.string(), expires_in: z.number().int() });
export const WsTicketResponse = envelopeOf(WsTicketData);

export type LoginRequest = z.infer<typeof LoginRequest>;
export type LoginData = z.infer<typeof LoginData>;
export type LoginResponse = z.infer<typeof LoginResponse>;
export type WsTicketData = z.infer<typeof WsTicketData>;
export type WsTicketResponse = z.infer<typeof WsTicketResponse>;
