// MemoryStore: the shared store suite, with nats-server's memstore message size.

import { MemoryStore } from '../../../src/jetstream/store/index.js';
import { storeSuite } from './store-suite.js';

storeSuite('memory store', (limits) => new MemoryStore({ limits }), (subject, headers, data) => subject + headers + data + 16);
