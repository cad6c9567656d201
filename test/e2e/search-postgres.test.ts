import { startTestApp } from '../support/test-app.js';
import { searchContract } from './search-suite.js';

// The embedded default: Postgres full-text search, nothing else to run.
searchContract('Postgres full-text search', () => startTestApp({ env: { PARLEY_RATE_LIMITS: 'off' } }));
