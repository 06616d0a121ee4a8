import { describe } from 'vitest';
import { createMemoryRequestStore } from './memory-store';
import { requestStoreContract } from './store-contract';

describe('memory request store', () => {
  requestStoreContract(async () => createMemoryRequestStore());
});
