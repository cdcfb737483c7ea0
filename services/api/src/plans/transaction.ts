export { withTransaction } from '@aurawell/db';
