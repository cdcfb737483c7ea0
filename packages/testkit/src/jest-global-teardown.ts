import { globalTeardown } from './global-setup';

module.exports = globalTeardown;
