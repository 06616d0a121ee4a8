import { readServiceConfig, runService, ServiceConfigError } from '@portcullis/example-service-kit';
import { createAdminService } from './app';

const config = readServiceConfig('admin');
const raw = process.env.ADMIN_TELEGRAM_IDS ?? '';
const adminTelegramIds = raw
  .split(',')
  .map((part) => part.trim())
  .filter(Boolean)
  .map(Number);
if (adminTelegramIds.some((id) => !Number.isSafeInteger(id) || id <= 0)) {
  throw new ServiceConfigError([
    'ADMIN_TELEGRAM_IDS: must be a comma-separated list of Telegram user ids',
  ]);
}
await runService(
  createAdminService({ keys: config.keys, audience: config.audience, adminTelegramIds }),
  config,
);
