// Migrations live in './migrate' (ESM-only dependency), imported only by the processes that run them.
export * from './pool';
export * from './users';
export * from './health';
export * from './families';
export * from './conversations';
export * from './turns';
export * from './reminders';
export * from './reminder-deliveries';
export * from './sync';
