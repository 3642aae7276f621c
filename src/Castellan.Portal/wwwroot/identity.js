// Seed 000 in the applicant's browser: reuses the invitation enrolment's WebCrypto code (key and PKCS#10 made here,
// PKCS#12 built here at download). The key is stored under a key id chosen before the application exists; this
// remembers which key belongs to which application, in this browser only.
import { generateCsr, hasKey, downloadPkcs12, downloadText, downloadBytes } from './enrolment.js';

export { hasKey, downloadPkcs12, downloadText, downloadBytes };

/** A fresh key pair for the applicant's name; returns { keyId, csr }. */
export async function newKey(name) {
  const keyId = 'idp-' + crypto.randomUUID();
  const csr = await generateCsr(keyId, 'ECDSA P-256', name);
  return { keyId, csr };
}

export function remember(applicationId, keyId) { localStorage.setItem('castellan-idp-' + applicationId, keyId); }

export function keyOf(applicationId) { return localStorage.getItem('castellan-idp-' + applicationId); }
