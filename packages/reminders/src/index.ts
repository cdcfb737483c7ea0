// Reminder scheduling: the occurrence queue (one BullMQ job scheduler per reminder) and the schedule rules.
export * from './queue';
export * from './schedule';
