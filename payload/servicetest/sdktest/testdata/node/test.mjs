// Azure's Face SDKs for JavaScript against facegate emulate. Run by
// payload/servicetest/sdktest's external test, which starts the emulator
// and sets:
//   FACE_ENDPOINT        the emulator's https URL
//   FACE_KEY             a key it accepts
//   FACE_TOKEN           a bearer token it accepts
//   FACE_LIST            a face list it holds
//   FACE_IMAGE           a JPEG with one face
//   NODE_EXTRA_CA_CERTS  the PEM of its certificate
// Prints one line per check; exits 1 on the first failure.
import { readFileSync } from "node:fs";
import assert from "node:assert/strict";
import createFaceClient, { isUnexpected } from "@azure-rest/ai-vision-face";
import { AzureKeyCredential } from "@azure/core-auth";
import faceSDK from "@azure/cognitiveservices-face";

const env = (name) => {
  const v = process.env[name];
  if (!v) {
    console.error(`test.mjs: ${name} is not set`);
    process.exit(2);
  }
  return v;
};
const endpoint = env("FACE_ENDPOINT");
const key = env("FACE_KEY");
const token = env("FACE_TOKEN");
const faceList = env("FACE_LIST");
const image = readFileSync(env("FACE_IMAGE"));

const checks = [];
const check = (name, fn) => checks.push([name, fn]);

// @azure-rest/ai-vision-face 1.0.0-beta.1 (API v1.1-preview.1).
const rest = createFaceClient(endpoint, new AzureKeyCredential(key));

check("rest: list liveness sessions with a key", async () => {
  const res = await rest.path("/detectLiveness/singleModal/sessions").get();
  assert.equal(res.status, "200", JSON.stringify(res.body));
  assert.ok(Array.isArray(res.body), JSON.stringify(res.body));
});

check("rest: a wrong key is 401", async () => {
  const bad = createFaceClient(endpoint, new AzureKeyCredential("not-" + key));
  const res = await bad.path("/detectLiveness/singleModal/sessions").get();
  assert.equal(res.status, "401");
  assert.ok(isUnexpected(res));
});

check("rest: a bearer token (TokenCredential) is accepted", async () => {
  const cred = { getToken: async () => ({ token, expiresOnTimestamp: Date.now() + 3600e3 }) };
  const client = createFaceClient(endpoint, cred);
  const res = await client.path("/detectLivenessWithVerify/singleModal/sessions").get();
  assert.equal(res.status, "200", JSON.stringify(res.body));
});

check("rest: deleting an unknown session is 404 SessionNotFound", async () => {
  const res = await rest
    .path("/detectLiveness/singleModal/sessions/{sessionId}", "00000000-0000-4000-8000-00000000dead")
    .delete();
  assert.equal(res.status, "404", JSON.stringify(res.body));
  assert.equal(res.body?.error?.code, "SessionNotFound", JSON.stringify(res.body));
});

// @azure/cognitiveservices-face 5.0.0 (API v1.0): face lists.
const keyCredentials = (k) => ({
  signRequest: async (req) => {
    req.headers.set("Ocp-Apim-Subscription-Key", k);
    return req;
  },
});
const legacy = new faceSDK.FaceClient(keyCredentials(key), endpoint);

check("cognitiveservices-face: add a face to a face list", async () => {
  const res = await legacy.faceList.addFaceFromStream(faceList, image);
  assert.match(res.persistedFaceId, /^[0-9a-f-]{36}$/, JSON.stringify(res));
});

check("cognitiveservices-face: an unknown face list is 404", async () => {
  await assert.rejects(legacy.faceList.addFaceFromStream(faceList + "-missing", image), (err) => {
    assert.equal(err.statusCode, 404);
    return true;
  });
});

check("cognitiveservices-face: a wrong key is 401", async () => {
  const bad = new faceSDK.FaceClient(keyCredentials("not-" + key), endpoint);
  await assert.rejects(bad.faceList.addFaceFromStream(faceList, image), (err) => {
    assert.equal(err.statusCode, 401);
    return true;
  });
});

let failed = 0;
for (const [name, fn] of checks) {
  try {
    await fn();
    console.log(`ok   ${name}`);
  } catch (err) {
    failed++;
    console.log(`FAIL ${name}: ${err?.message ?? err}`);
  }
}
process.exit(failed ? 1 : 0);
