import { globalSetup } from './global-setup';

module.exports = globalSetup;
