import { readServiceConfig, runService } from '@portcullis/example-service-kit';
import { createUsersService } from './app';

const config = readServiceConfig('users');
await runService(createUsersService({ keys: config.keys, audience: config.audience }), config);
