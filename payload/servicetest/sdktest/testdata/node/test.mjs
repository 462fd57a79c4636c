// Azure's Face SDKs for JavaScript against facegate emulate. Run by
// payload/servicetest/sdktest's external test, once over HTTP and once
// over HTTPS; the test starts the emulators and sets:
//   FACE_ENDPOINT        the emulator's URL (http:// or https://)
//   FACE_ENDPOINT_429    a second emulator that answers every request 429
//   FACE_RETRY_AFTER     the Retry-After, in seconds, FACE_ENDPOINT_429 asks for
//   FACE_KEY             a key both accept
//   FACE_TOKEN           a bearer token both accept
//   FACE_IMAGE           a JPEG with one face
//   FACE_IMAGE_URL       a URL the emulator "downloads" as FACE_IMAGE
//   NODE_EXTRA_CA_CERTS  (HTTPS) the PEM of the emulators' certificates
// Prints one line per check ("ok   name" or "FAIL name: why"); exits 1 if
// any check failed.
import { readFileSync } from "node:fs";
import assert from "node:assert/strict";
import createBeta1, { isUnexpected as isUnexpected1 } from "face-beta1";
import createBeta3, { isUnexpected as isUnexpected3 } from "face-beta3";
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
const endpoint429 = env("FACE_ENDPOINT_429");
const retryAfter = env("FACE_RETRY_AFTER");
const key = env("FACE_KEY");
const token = env("FACE_TOKEN");
const image = readFileSync(env("FACE_IMAGE"));
const imageURL = env("FACE_IMAGE_URL");
const https = endpoint.startsWith("https://");

const checks = [];
const check = (name, fn) => checks.push([name, fn]);
const show = (res) => `${res.status} ${JSON.stringify(res.body)}`;
const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const unknownSession = "00000000-0000-4000-8000-00000000dead";
const tokenCredential = { getToken: async () => ({ token, expiresOnTimestamp: Date.now() + 3600e3 }) };
// The SDKs retry a 429 after its Retry-After; the 429 checks turn that off
// to see the answer itself.
const noRetry = { retryOptions: { maxRetries: 0 }, allowInsecureConnection: !https };
// Over http the REST clients refuse to connect unless told
// (allowInsecureConnection, documented in @azure-rest/core-client); a
// bearer token is still refused over http (below).
const insecure = { allowInsecureConnection: !https };

// An error answer in the service's {"error":{"code","message"}} shape,
// with the code also in x-ms-error-code.
const assertError = (res, status, code) => {
  assert.equal(res.status, String(status), show(res));
  assert.equal(res.body?.error?.code, code, show(res));
  assert.equal(typeof res.body?.error?.message, "string", show(res));
  assert.equal(res.headers["x-ms-error-code"], code, show(res));
};
const assert401 = (res) => {
  assert.equal(res.status, "401", show(res));
  assert.match(res.body?.error?.message ?? "", /invalid subscription key|access denied/i, show(res));
};
const assert429 = (res) => {
  assert.equal(res.status, "429", show(res));
  assert.equal(res.headers["retry-after"], retryAfter, show(res));
  assert.equal(res.body?.error?.statusCode, 429, show(res));
  assert.match(res.body?.error?.message ?? "", new RegExp(`Try again in ${retryAfter} seconds\\.`), show(res));
};

// ---- @azure-rest/ai-vision-face 1.0.0-beta.1 (API v1.1-preview.1) ----
const beta1 = createBeta1(endpoint, new AzureKeyCredential(key), insecure);

for (const kind of ["detectLiveness", "detectLivenessWithVerify"]) {
  check(`beta1: ${kind} session create, list, get, delete`, async () => {
    const created = await beta1.path(`/${kind}/singleModal/sessions`).post({
      body: { livenessOperationMode: "Passive", deviceCorrelationId: "sdktest-device", authTokenTimeToLiveInSeconds: 120 },
    });
    assert.equal(created.status, "200", show(created));
    assert.ok(!isUnexpected1(created));
    assert.match(created.body.sessionId, uuid, show(created));
    assert.ok(created.body.authToken, show(created));
    const id = created.body.sessionId;

    const list = await beta1.path(`/${kind}/singleModal/sessions`).get();
    assert.equal(list.status, "200", show(list));
    assert.ok(Array.isArray(list.body), show(list));
    assert.ok(list.body.some((s) => s.id === id), show(list));

    const got = await beta1.path(`/${kind}/singleModal/sessions/{sessionId}`, id).get();
    assert.equal(got.status, "200", show(got));
    assert.equal(got.body.id, id, show(got));
    assert.equal(got.body.deviceCorrelationId, "sdktest-device", show(got));
    assert.equal(got.body.authTokenTimeToLiveInSeconds, 120, show(got));
    assert.ok(!Number.isNaN(Date.parse(got.body.createdDateTime)), show(got));
    assert.equal(typeof got.body.sessionExpired, "boolean", show(got));

    const del = await beta1.path(`/${kind}/singleModal/sessions/{sessionId}`, id).delete();
    assert.equal(del.status, "200", show(del));
    const gone = await beta1.path(`/${kind}/singleModal/sessions/{sessionId}`, id).get();
    assertError(gone, 404, "SessionNotFound");
  });
}

check("beta1: get and delete an unknown session are 404 SessionNotFound", async () => {
  assertError(await beta1.path("/detectLiveness/singleModal/sessions/{sessionId}", unknownSession).get(), 404, "SessionNotFound");
  assertError(await beta1.path("/detectLiveness/singleModal/sessions/{sessionId}", unknownSession).delete(), 404, "SessionNotFound");
});

check("beta1: a wrong key is 401", async () => {
  const bad = createBeta1(endpoint, new AzureKeyCredential("not-" + key), insecure);
  const res = await bad.path("/detectLiveness/singleModal/sessions").get();
  assert401(res);
  assert.ok(isUnexpected1(res));
});

check("beta1: create session with a body other than JSON is 415", async () => {
  const res = await beta1.path("/detectLiveness/singleModal/sessions").post({ contentType: "text/plain", body: "Passive" });
  assertError(res, 415, "BadArgument");
});

check("beta1: 429 with Retry-After", async () => {
  const client = createBeta1(endpoint429, new AzureKeyCredential(key), noRetry);
  assert429(await client.path("/detectLiveness/singleModal/sessions").get());
});

// A bearer token: the pipeline's bearerTokenAuthenticationPolicy sends it
// only over TLS and throws for an http:// endpoint, as documented
// ("Bearer token authentication is not permitted for non-TLS protected
// (non-https) URLs.").
check("beta1: a bearer token (TokenCredential) is accepted over https, refused by the SDK over http", async () => {
  const client = createBeta1(endpoint, tokenCredential, insecure);
  const call = () => client.path("/detectLivenessWithVerify/singleModal/sessions").get();
  if (!https) {
    await assert.rejects(async () => await call(), /non-TLS|non-https/);
    return;
  }
  const res = await call();
  assert.equal(res.status, "200", show(res));
});

// The liveness call (POST /face/v1.1-preview.1/detectLiveness/singleModal)
// has no typed path in the SDKs; it goes through their pipeline with
// pathUnchecked and a multipart body.
const livenessBody = (content) => [
  {
    name: "Metadata",
    contentType: "application/json; charset=utf-8",
    body: JSON.stringify({ metadata: { imageType: 0, imageData: [{ fileName: "frame.jpg", frameNumber: 0 }] } }),
  },
  { name: "Content", filename: "frame.jpg", contentType: "application/octet-stream", body: content },
];
const liveness = (client) =>
  check(`${client.name}: liveness singleModal, a real frame 200 and a malformed one 400`, async () => {
    const ok = await client.c.pathUnchecked("/detectLiveness/singleModal").post({
      contentType: "multipart/form-data",
      body: livenessBody(image),
    });
    assert.equal(ok.status, "200", show(ok));
    assert.ok(["realface", "spoofface", "uncertain"].includes(ok.body.livenessDecision), show(ok));
    assert.equal(ok.body.targetFileName, "frame.jpg", show(ok));
    assert.equal(ok.body.targetFrameNumber, 0, show(ok));
    assert.equal(typeof ok.body.modelVersionUsed, "string", show(ok));
    for (const f of ["left", "top", "width", "height"]) assert.equal(typeof ok.body.targetFaceRectangle?.[f], "number", show(ok));

    const bad = await client.c.pathUnchecked("/detectLiveness/singleModal").post({
      contentType: "multipart/form-data",
      body: livenessBody(Buffer.alloc(8192, "not a jpeg ")),
    });
    assertError(bad, 400, "BadRequest");
    assert.match(bad.body.error.message, /Decoding error, content not in expected format\./, show(bad));

    const json = await client.c.pathUnchecked("/detectLiveness/singleModal").post({ body: { metadata: {} } });
    assertError(json, 415, "UnsupportedMediaType");
  });
liveness({ name: "beta1", c: beta1 });

// ---- @azure-rest/ai-vision-face 1.0.0-beta.3 (API v1.2) ----
const beta3 = createBeta3(endpoint, new AzureKeyCredential(key), insecure);

for (const kind of ["detectLiveness", "detectLivenessWithVerify"]) {
  check(`beta3: ${kind}-sessions create, get, delete (v1.2 has no list)`, async () => {
    const created = await beta3.path(`/${kind}-sessions`).post({
      body: { livenessOperationMode: "PassiveActive", deviceCorrelationId: "sdktest-device", authTokenTimeToLiveInSeconds: 60 },
    });
    assert.equal(created.status, "200", show(created));
    assert.ok(!isUnexpected3(created));
    assert.match(created.body.sessionId, uuid, show(created));
    assert.ok(created.body.authToken, show(created));
    assert.equal(created.body.status, "NotStarted", show(created));
    assert.equal(typeof created.body.modelVersion, "string", show(created));
    assert.ok(Array.isArray(created.body.results?.attempts), show(created));
    assert.equal(Array.isArray(created.body.results?.verifyReferences), kind === "detectLivenessWithVerify", show(created));
    const id = created.body.sessionId;

    const got = await beta3.path(`/${kind}-sessions/{sessionId}`, id).get();
    assert.equal(got.status, "200", show(got));
    assert.deepEqual(got.body, created.body);

    const del = await beta3.path(`/${kind}-sessions/{sessionId}`, id).delete();
    assert.equal(del.status, "204", show(del));
    assertError(await beta3.path(`/${kind}-sessions/{sessionId}`, id).get(), 404, "SessionNotFound");
  });
}

check("beta3: get and delete an unknown session are 404 SessionNotFound", async () => {
  assertError(await beta3.path("/detectLiveness-sessions/{sessionId}", unknownSession).get(), 404, "SessionNotFound");
  assertError(await beta3.path("/detectLivenessWithVerify-sessions/{sessionId}", unknownSession).delete(), 404, "SessionNotFound");
});

check("beta3: a wrong key is 401", async () => {
  const bad = createBeta3(endpoint, new AzureKeyCredential("not-" + key), insecure);
  const res = await bad.path("/detectLiveness-sessions").post({ body: { livenessOperationMode: "Passive" } });
  assert401(res);
  assert.ok(isUnexpected3(res));
});

check("beta3: create session with a body other than JSON is 415, without livenessOperationMode 400", async () => {
  assertError(await beta3.path("/detectLiveness-sessions").post({ contentType: "text/plain", body: "Passive" }), 415, "BadArgument");
  assertError(await beta3.path("/detectLiveness-sessions").post({ body: { deviceCorrelationId: "x" } }), 400, "BadArgument");
});

check("beta3: 429 with Retry-After", async () => {
  const client = createBeta3(endpoint429, new AzureKeyCredential(key), noRetry);
  assert429(await client.path("/detectLiveness-sessions").post({ body: { livenessOperationMode: "Passive" } }));
});

check("beta3: a bearer token (TokenCredential) is accepted over https, refused by the SDK over http", async () => {
  const client = createBeta3(endpoint, tokenCredential, insecure);
  const call = () => client.path("/detectLiveness-sessions").post({ body: { livenessOperationMode: "Passive" } });
  if (!https) {
    await assert.rejects(async () => await call(), /non-TLS|non-https/);
    return;
  }
  const res = await call();
  assert.equal(res.status, "200", show(res));
});

// beta.3's pipeline on the v1.1-preview.1 liveness call (apiVersion option).
liveness({ name: "beta3", c: createBeta3(endpoint, new AzureKeyCredential(key), { ...insecure, apiVersion: "v1.1-preview.1" }) });

// ---- @azure/cognitiveservices-face 5.0.0 (API v1.0): face lists ----
const keyCredentials = (k) => ({
  signRequest: async (req) => {
    req.headers.set("Ocp-Apim-Subscription-Key", k);
    return req;
  },
});
const legacy = new faceSDK.FaceClient(keyCredentials(key), endpoint);
const faceList = "sdktest-" + (https ? "https" : "http");
const rejectsWith = (promise, status, code) =>
  assert.rejects(promise, (err) => {
    assert.equal(err.statusCode, status, err.message);
    if (code) assert.equal(err.code, code, err.message);
    return true;
  });

check("cognitiveservices-face: create, get, add faces by stream and by URL, delete a face list", async () => {
  await legacy.faceList.create(faceList, "sdktest", { userData: "made by test.mjs", recognitionModel: "recognition_04" });
  const byStream = await legacy.faceList.addFaceFromStream(faceList, image, { userData: "stream" });
  assert.match(byStream.persistedFaceId, uuid, JSON.stringify(byStream));
  const byURL = await legacy.faceList.addFaceFromUrl(faceList, imageURL, { userData: "url" });
  assert.match(byURL.persistedFaceId, uuid, JSON.stringify(byURL));
  assert.notEqual(byURL.persistedFaceId, byStream.persistedFaceId);

  const got = await legacy.faceList.get(faceList, { returnRecognitionModel: true });
  assert.equal(got.faceListId, faceList, JSON.stringify(got));
  assert.equal(got.name, "sdktest", JSON.stringify(got));
  assert.equal(got.userData, "made by test.mjs", JSON.stringify(got));
  assert.equal(got.recognitionModel, "recognition_04", JSON.stringify(got));
  assert.deepEqual(
    got.persistedFaces.map((f) => f.persistedFaceId).sort(),
    [byStream.persistedFaceId, byURL.persistedFaceId].sort(),
    JSON.stringify(got),
  );

  await legacy.faceList.deleteMethod(faceList);
  await rejectsWith(legacy.faceList.get(faceList), 404, "FaceListNotFound");
});

check("cognitiveservices-face: an unknown face list is 404 FaceListNotFound", async () => {
  await rejectsWith(legacy.faceList.addFaceFromStream(faceList + "-missing", image), 404, "FaceListNotFound");
  await rejectsWith(legacy.faceList.addFaceFromUrl(faceList + "-missing", imageURL), 404, "FaceListNotFound");
});

check("cognitiveservices-face: a URL the service cannot download is 400 InvalidURL", async () => {
  await legacy.faceList.create(faceList + "-url", "sdktest");
  await rejectsWith(legacy.faceList.addFaceFromUrl(faceList + "-url", imageURL + ".missing"), 400, "InvalidURL");
  await legacy.faceList.deleteMethod(faceList + "-url");
});

check("cognitiveservices-face: a wrong key is 401", async () => {
  const bad = new faceSDK.FaceClient(keyCredentials("not-" + key), endpoint);
  await rejectsWith(bad.faceList.addFaceFromStream(faceList, image), 401);
});

check("cognitiveservices-face: 429 with Retry-After", async () => {
  const client = new faceSDK.FaceClient(keyCredentials(key), endpoint429, { noRetryPolicy: true });
  await assert.rejects(client.faceList.get(faceList), (err) => {
    assert.equal(err.statusCode, 429, err.message);
    assert.equal(err.response?.headers.get("retry-after"), retryAfter, err.message);
    assert.match(err.message, new RegExp(`Try again in ${retryAfter} seconds\\.`));
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
