// A generation's whole life, in one place: start (`sending`), claim, append (tokens and the
// terminal `done`/`error`/`cancelled`), cancel, resume/replay and the reaper's rules, with the
// Lua scripts beside them; and the user channel that carries its frames to every device.
export * from './store';
export * from './timed-store';
export * from './start';
export * from './publisher';
export * from './cancel';
export * from './replay';
export * from './reaper';
export * from './fanout';
export * from './user-events';
