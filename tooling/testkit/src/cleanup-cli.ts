/** `tsx tooling/testkit/src/cleanup-cli.ts`: kills services a crashed test run left behind. */
import { killLeftoverServices } from './processes';

const killed = killLeftoverServices();
if (killed > 0) process.stderr.write(`[portcullis] killed ${killed} leftover test service(s)\n`);
