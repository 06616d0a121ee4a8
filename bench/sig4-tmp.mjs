import { createSigner, createVerifier } from '@portcullis/signing';
const secret = Buffer.from('benchmark secret of at least thirty-two bytes!!');
const payload = JSON.stringify({ update_id: 123456789, message: { chat: { id: 42, type: 'private' }, from: { id: 7, first_name: 'Ada' }, text: 'x'.repeat(910) } });
const body = new TextEncoder().encode(payload);
const url = 'http://users:8080/v1/updates?source=telegram';
const baseHeaders = { 'content-type': 'application/json' };
const signer = createSigner({ keyId: 'gw-1', secret, audience: 'users' });
const verifier = createVerifier({ keys: [{ id: 'gw-1', secret }], audience: 'users', maxAgeSeconds: 20, maxFutureSkewSeconds: 1, nonceStore: {claim:()=>true} });
const mode = process.argv[2] ?? 'both';
for (let r=0;r<5;r++){
const N=100000; let s=performance.now();
for(let i=0;i<N;i++){ const added = signer.sign({ method: 'POST', url, headers: baseHeaders, body }); if (mode==='both') { const x = await verifier.verify({ method: 'POST', url: '/v1/updates?source=telegram', headers: { ...baseHeaders, ...added }, body }); if(!x.ok) throw new Error(x.code);} }
console.log(mode, ((performance.now()-s)*1e6/N).toFixed(0));
}
