import type { Endpoint } from '../http/endpoint';
import { loginRoutes, type LoginDeps } from './login';
import { registerRoutes, type RegisterDeps } from './register';
import { wsTicketRoutes, type WsTicketDeps } from './ws-ticket';

export type AuthDeps = LoginDeps & RegisterDeps & WsTicketDeps;

/** Routes 1 and 2 (login, register) and the WebSocket ticket. */
export const authRoutes = (deps: AuthDeps): Endpoint[] => [...loginRoutes(deps), ...registerRoutes(deps), ...wsTicketRoutes(deps)];
