// Usage: SKILLWALLET_CONTEXTS=src/skillwallet/data/contexts node verify_vp.mjs VP.json CHALLENGE DOMAIN
// copied into a folder where `npm install @digitalbazaar/data-integrity @digitalbazaar/eddsa-rdfc-2022-cryptosuite
// @digitalbazaar/ed25519-multikey @digitalbazaar/did-method-key jsonld-signatures` was run (see test_export_interop.py).
// Independent check of a skillwallet presentation with Digital Bazaar's libraries (jsonld.js, which has a
// safe mode, unlike pyld): holder proof eddsa-rdfc-2022, proofPurpose authentication, challenge and domain.
import fs from 'node:fs';
import {DataIntegrityProof} from '@digitalbazaar/data-integrity';
import {cryptosuite as eddsaRdfc2022CryptoSuite} from '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';
import * as Ed25519Multikey from '@digitalbazaar/ed25519-multikey';
import {driver} from '@digitalbazaar/did-method-key';
import jsigs from 'jsonld-signatures';

const index = JSON.parse(fs.readFileSync(process.env.SKILLWALLET_CONTEXTS + '/index.json'));
const contexts = new Map();
for (const [url, info] of Object.entries(index.contexts)) {
  contexts.set(url, JSON.parse(fs.readFileSync(process.env.SKILLWALLET_CONTEXTS + '/' + info.file)));
}
const didKeyDriver = driver();
didKeyDriver.use({multibaseMultikeyHeader: 'z6Mk', fromMultibase: Ed25519Multikey.from});
const documentLoader = async url => {
  if (url.startsWith('did:key:')) {
    const document = await didKeyDriver.get({url});
    return {contextUrl: null, documentUrl: url, document};
  }
  if (contexts.has(url)) return {contextUrl: null, documentUrl: url, document: contexts.get(url)};
  throw new Error('not offline: ' + url);
};
const presentation = JSON.parse(fs.readFileSync(process.argv[2]));
const suite = new DataIntegrityProof({cryptosuite: eddsaRdfc2022CryptoSuite});
const {AuthenticationProofPurpose} = jsigs.purposes;
const result = await jsigs.verify(presentation, {
  suite, documentLoader,
  purpose: new AuthenticationProofPurpose({challenge: process.argv[3], domain: process.argv[4]}),
});
console.log(result.verified ? 'VERIFIED' : 'FAILED: ' + JSON.stringify(result.error?.errors?.map(e => e.message) ?? result.error?.message ?? result));
process.exit(result.verified ? 0 : 1);
