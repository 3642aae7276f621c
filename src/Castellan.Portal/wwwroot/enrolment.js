// Seed 001 in the applicant's browser: the key pair is generated here (WebCrypto), the PKCS#10 request is built and
// signed here, and at collection the PKCS#12 is built here around the same key. The private key is kept in this
// origin's IndexedDB and never sent anywhere: the server only ever receives the CSR.

const enc = new TextEncoder();

function concat(parts) {
  const bytes = parts.map(p => p instanceof Uint8Array ? p : new Uint8Array(p));
  const out = new Uint8Array(bytes.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of bytes) { out.set(p, at); at += p.length; }
  return out;
}

// DER (X.690): tag, definite length, contents.
function tlv(tag, ...parts) {
  const body = concat(parts);
  const n = body.length;
  let len;
  if (n < 128) len = [n];
  else { const b = []; for (let x = n; x > 0; x = Math.floor(x / 256)) b.unshift(x & 255); len = [0x80 | b.length, ...b]; }
  return concat([new Uint8Array([tag, ...len]), body]);
}
const seq = (...p) => tlv(0x30, ...p);
const set = (...p) => tlv(0x31, ...p);
const octets = b => tlv(0x04, b);
const explicit0 = (...p) => tlv(0xa0, ...p);
const nul = () => new Uint8Array([0x05, 0x00]);
const utf8 = s => tlv(0x0c, enc.encode(s));
const bmp = s => { const b = []; for (let i = 0; i < s.length; i++) { const c = s.charCodeAt(i); b.push(c >> 8, c & 255); } return tlv(0x1e, new Uint8Array(b)); };
const bits = b => tlv(0x03, new Uint8Array([0]), b);
function integer(n) { const b = []; do { b.unshift(n & 255); n = Math.floor(n / 256); } while (n > 0); if (b[0] & 0x80) b.unshift(0); return tlv(0x02, new Uint8Array(b)); }
function unsigned(bytes) { let i = 0; while (i < bytes.length - 1 && bytes[i] === 0) i++; const b = Array.from(bytes.slice(i)); if (b[0] & 0x80) b.unshift(0); return tlv(0x02, new Uint8Array(b)); }
function oid(text) {
  const p = text.split('.').map(Number);
  const out = [40 * p[0] + p[1]];
  for (const v of p.slice(2)) { const st = [v & 127]; for (let x = Math.floor(v / 128); x > 0; x = Math.floor(x / 128)) st.unshift((x & 127) | 128); out.push(...st); }
  return tlv(0x06, new Uint8Array(out));
}

const b64 = bytes => { let s = ''; for (const x of bytes) s += String.fromCharCode(x); return btoa(s); };
const pem = (label, der) => `-----BEGIN ${label}-----\n${b64(der).match(/.{1,64}/g).join('\n')}\n-----END ${label}-----\n`;
function unpem(text) {
  const found = [...text.matchAll(/-----BEGIN CERTIFICATE-----([\s\S]*?)-----END CERTIFICATE-----/g)];
  return found.map(m => Uint8Array.from(atob(m[1].replace(/\s+/g, '')), c => c.charCodeAt(0)));
}

// IndexedDB holds CryptoKey objects as they are (structured clone); nothing is serialised to text.
function db() {
  return new Promise((resolve, reject) => {
    const open = indexedDB.open('castellan-enrolment', 1);
    open.onupgradeneeded = () => open.result.createObjectStore('keys');
    open.onsuccess = () => resolve(open.result);
    open.onerror = () => reject(open.error);
  });
}
async function put(id, value) {
  const d = await db();
  await new Promise((resolve, reject) => { const t = d.transaction('keys', 'readwrite'); t.objectStore('keys').put(value, id); t.oncomplete = resolve; t.onerror = () => reject(t.error); });
  d.close();
}
async function get(id) {
  const d = await db();
  const value = await new Promise((resolve, reject) => { const r = d.transaction('keys').objectStore('keys').get(id); r.onsuccess = () => resolve(r.result); r.onerror = () => reject(r.error); });
  d.close();
  return value;
}

const Algorithms = {
  'ECDSA P-256': { generate: { name: 'ECDSA', namedCurve: 'P-256' }, sign: { name: 'ECDSA', hash: 'SHA-256' }, sigOid: '1.2.840.10045.4.3.2', ec: true },
  'RSA 2048': { generate: { name: 'RSASSA-PKCS1-v1_5', modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: 'SHA-256' }, sign: { name: 'RSASSA-PKCS1-v1_5' }, sigOid: '1.2.840.113549.1.1.11' },
  'RSA 3072': { generate: { name: 'RSASSA-PKCS1-v1_5', modulusLength: 3072, publicExponent: new Uint8Array([1, 0, 1]), hash: 'SHA-256' }, sign: { name: 'RSASSA-PKCS1-v1_5' }, sigOid: '1.2.840.113549.1.1.11' },
};

/** Generates the key pair, keeps it under the invitation id, and returns a signed PKCS#10 request (PEM). */
export async function generateCsr(invitationId, algorithm, email) {
  const a = Algorithms[algorithm];
  if (!a) throw new Error('unsupported algorithm ' + algorithm);
  // Extractable only so that this page can later wrap it into the applicant's own PKCS#12.
  const keys = await crypto.subtle.generateKey(a.generate, true, ['sign', 'verify']);
  const spki = new Uint8Array(await crypto.subtle.exportKey('spki', keys.publicKey));
  // RFC 2986: CertificationRequestInfo { version 0, subject, subjectPKInfo, attributes [0] }. The RA ignores the
  // subject (it comes from the policy and the invitation); it is here because PKCS#10 requires one.
  const info = seq(integer(0), seq(set(seq(oid('2.5.4.3'), utf8(email)))), spki, tlv(0xa0));
  let signature = new Uint8Array(await crypto.subtle.sign(a.sign, keys.privateKey, info));
  if (a.ec) { const h = signature.length / 2; signature = seq(unsigned(signature.slice(0, h)), unsigned(signature.slice(h))); } // raw r||s -> Ecdsa-Sig-Value
  const algorithmId = a.ec ? seq(oid(a.sigOid)) : seq(oid(a.sigOid), nul());
  await put(invitationId, { privateKey: keys.privateKey, publicKey: keys.publicKey, algorithm, createdAt: new Date().toISOString() });
  return pem('CERTIFICATE REQUEST', seq(info, algorithmId, bits(signature)));
}

/** True when this browser holds the key made for the invitation. */
export async function hasKey(invitationId) {
  try { return !!(await get(invitationId)); } catch { return false; }
}

// RFC 7292 B.2 key derivation, SHA-256 (u = 32, v = 64); one block suffices for a 32-byte MAC key.
async function pkcs12Kdf(password, salt, iterations, id) {
  const pw = []; for (let i = 0; i < password.length; i++) { const c = password.charCodeAt(i); pw.push(c >> 8, c & 255); } pw.push(0, 0);
  const fill = src => { const n = 64 * Math.ceil(src.length / 64); const out = new Uint8Array(n); for (let i = 0; i < n; i++) out[i] = src[i % src.length]; return out; };
  let a = new Uint8Array(await crypto.subtle.digest('SHA-256', concat([new Uint8Array(64).fill(id), fill(salt), fill(pw)])));
  for (let i = 1; i < iterations; i++) a = new Uint8Array(await crypto.subtle.digest('SHA-256', a));
  return a;
}

const dataInfo = content => seq(oid('1.2.840.113549.1.7.1'), explicit0(octets(content)));

/**
 * RFC 7292 PKCS#12 around the browser-held key: the key in a pkcs8ShroudedKeyBag under PBES2 (PBKDF2-HMAC-SHA256,
 * AES-256-CBC), the certificates in certBags, an HMAC-SHA256 integrity MAC. Returns the DER.
 */
export async function buildPkcs12(invitationId, certificatesPem, password, friendlyName) {
  const held = await get(invitationId);
  if (!held) throw new Error('no key for this certificate in this browser');
  const certs = unpem(certificatesPem);
  const pkcs8 = new Uint8Array(await crypto.subtle.exportKey('pkcs8', held.privateKey));
  const salt = crypto.getRandomValues(new Uint8Array(16));
  const iv = crypto.getRandomValues(new Uint8Array(16));
  const iterations = 100000;
  const material = await crypto.subtle.importKey('raw', enc.encode(password), 'PBKDF2', false, ['deriveKey']);
  const aes = await crypto.subtle.deriveKey({ name: 'PBKDF2', salt, iterations, hash: 'SHA-256' }, material, { name: 'AES-CBC', length: 256 }, false, ['encrypt']);
  const encrypted = new Uint8Array(await crypto.subtle.encrypt({ name: 'AES-CBC', iv }, aes, pkcs8));
  const pbes2 = seq(oid('1.2.840.113549.1.5.13'), seq(
    seq(oid('1.2.840.113549.1.5.12'), seq(octets(salt), integer(iterations), seq(oid('1.2.840.113549.2.9'), nul()))),
    seq(oid('2.16.840.1.101.3.4.1.42'), octets(iv))));
  const localKeyId = new Uint8Array(await crypto.subtle.digest('SHA-1', certs[0]));
  const keyIdAttr = seq(oid('1.2.840.113549.1.9.21'), set(octets(localKeyId)));
  const nameAttr = seq(oid('1.2.840.113549.1.9.20'), set(bmp(friendlyName || 'certificate')));
  const keyBag = seq(oid('1.2.840.113549.1.12.10.1.2'), explicit0(seq(pbes2, octets(encrypted))), set(keyIdAttr, nameAttr));
  const certBags = certs.map((der, i) => i === 0
    ? seq(oid('1.2.840.113549.1.12.10.1.3'), explicit0(seq(oid('1.2.840.113549.1.9.22.1'), explicit0(octets(der)))), set(keyIdAttr, nameAttr))
    : seq(oid('1.2.840.113549.1.12.10.1.3'), explicit0(seq(oid('1.2.840.113549.1.9.22.1'), explicit0(octets(der))))));
  const authSafe = seq(dataInfo(seq(...certBags)), dataInfo(seq(keyBag)));
  const macSalt = crypto.getRandomValues(new Uint8Array(16));
  const macIterations = 2048;
  const macKey = await crypto.subtle.importKey('raw', await pkcs12Kdf(password, macSalt, macIterations, 3), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  const mac = new Uint8Array(await crypto.subtle.sign('HMAC', macKey, authSafe));
  const macData = seq(seq(seq(oid('2.16.840.1.101.3.4.2.1'), nul()), octets(mac)), octets(macSalt), integer(macIterations));
  return seq(integer(3), dataInfo(authSafe), macData);
}

/** Builds the PKCS#12 and hands it to the browser as a download. */
export async function downloadPkcs12(invitationId, certificatesPem, password, friendlyName, fileName) {
  const der = await buildPkcs12(invitationId, certificatesPem, password, friendlyName);
  save(new Blob([der], { type: 'application/x-pkcs12' }), fileName);
}

export function downloadText(text, fileName) {
  save(new Blob([text], { type: 'application/x-pem-file' }), fileName);
}

function save(blob, fileName) {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url; a.download = fileName; document.body.appendChild(a); a.click(); a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
}

/** A file the server made (a CA-generated PKCS#12), handed to the browser as a download. */
export function downloadBytes(bytes, fileName, type) {
  save(new Blob([bytes], { type: type || 'application/octet-stream' }), fileName);
}
