// facegate web capture: camera -> canvas -> Web Worker (WebAssembly check)
// -> advice in plain words, the face box, and the request once ready.
// window.facegateState is what a test reads.
"use strict";
const advice = {
  "no-face": "Put your face in the picture.",
  "face-too-small": "Move closer to the camera.",
  "face-outside": "Move so that your whole face is in the picture.",
  "blurred": "Hold still (and keep the camera steady).",
  "over-exposed": "Less light: move away from the bright light.",
  "under-exposed": "More light: turn on a light or face a window.",
  "not-frontal": "Face the camera and look straight at it.",
  "insufficient-frames": "Keep your face in the picture.",
  "target-lost": "Come back into the picture.",
  "similar-faces": "Only one face, please: make sure nobody else is in the picture.",
};
const state = window.facegateState = {
  loadedAt: performance.now(), firstVerdictMs: null, frames: 0, frameMs: [],
  results: [], advice: "", ready: false, request: null, error: null, width: 0, height: 0,
};
const video = document.getElementById("video");
const overlay = document.getElementById("overlay");
const adviceEl = document.getElementById("advice");
const detailsEl = document.getElementById("details");
const grab = document.createElement("canvas");
const gctx = grab.getContext("2d", { willReadFrequently: true });
const octx = overlay.getContext("2d");
const worker = new Worker("worker.js");
let busy = false, spare = null, lastTime = -1;
const cfg = Object.assign({}, window.facegateConfig || {});
const query = new URLSearchParams(location.search);
if (query.get("w") && query.get("h")) { cfg.width = +query.get("w"); cfg.height = +query.get("h"); }

function say(text, ready) {
  adviceEl.textContent = text;
  adviceEl.className = ready ? "ready" : "";
  state.advice = text;
}

function adviceFor(r) {
  if (r.ready) return "Ready: hold on, the request is built.";
  const rej = r.reasons.filter((x) => !x.warning);
  if (rej.length === 0) {
    const w = r.reasons.find((x) => x.code === "similar-faces");
    return w ? advice["similar-faces"] : "Good: hold still.";
  }
  return rej.map((x) => advice[x.code] || x.message).join(" ");
}

function draw(r) {
  overlay.width = r.width; overlay.height = r.height;
  octx.clearRect(0, 0, r.width, r.height);
  if (!r.target) return;
  const t = r.target;
  octx.lineWidth = Math.max(2, r.width / 200);
  octx.strokeStyle = r.accept ? "#1db33a" : "#e0a100";
  octx.strokeRect(t.x, t.y, t.w, t.h);
  if (r.pupils) {
    octx.fillStyle = "#1e6bd6";
    for (const p of r.pupils) { octx.beginPath(); octx.arc(p[0], p[1], octx.lineWidth * 1.5, 0, 2 * Math.PI); octx.fill(); }
  }
}

function tick() {
  if (!busy && video.readyState >= 2 && video.currentTime !== lastTime && !state.ready) {
    lastTime = video.currentTime;
    const w = video.videoWidth, h = video.videoHeight;
    if (w > 0 && h > 0) {
      if (grab.width !== w || grab.height !== h) { grab.width = w; grab.height = h; }
      gctx.drawImage(video, 0, 0, w, h);
      const img = gctx.getImageData(0, 0, w, h);
      busy = true;
      state.width = w; state.height = h;
      worker.postMessage({ type: "frame", pixels: img.data, width: w, height: h }, [img.data.buffer]);
    }
  }
  requestAnimationFrame(tick);
}

worker.onmessage = (ev) => {
  const m = ev.data;
  if (m.type === "error") { state.error = m.error; say("Could not load the checker: " + m.error); return; }
  if (m.type === "loaded") { return; }
  if (m.type === "result") {
    busy = false;
    if (m.error) { state.error = m.error; say("Error: " + m.error); return; }
    const r = m.result;
    if (state.firstVerdictMs === null) state.firstVerdictMs = performance.now() - state.loadedAt;
    state.frames++; state.frameMs.push(m.ms); state.results.push(r);
    draw(r);
    say(adviceFor(r), r.ready);
    detailsEl.textContent = `frame ${r.index}: ${m.ms.toFixed(1)} ms, ${r.width}x${r.height}, ` +
      `accepted frames kept ${r.kept}, face held in ${r.held} of ${r.seen}` +
      (r.reasons.length ? "; " + r.reasons.map((x) => x.code).join(", ") : "");
    if (r.ready && !state.ready) { state.ready = true; worker.postMessage({ type: "build" }); }
    return;
  }
  if (m.type === "built") {
    if (m.error && !m.body) { state.error = m.error; say("Could not build the request: " + m.error); return; }
    state.request = { contentType: m.contentType, body: m.body, frames: m.frames, error: m.error || null };
    say(m.error ? "Ready, but the request is not valid: " + m.error : "Ready: the request is built.", !m.error);
    document.getElementById("download").disabled = false;
    document.getElementById("send").disabled = !cfg.sendURL;
  }
};

document.getElementById("download").onclick = () => {
  const r = state.request;
  const a = document.createElement("a");
  a.href = URL.createObjectURL(new Blob([r.body], { type: r.contentType }));
  a.download = "liveness-request.multipart";
  a.click();
};
document.getElementById("send").onclick = async () => {
  const r = state.request;
  const resp = await fetch(cfg.sendURL, { method: "POST", headers: { "Content-Type": r.contentType }, body: r.body });
  document.getElementById("sent").textContent = resp.status + " " + (await resp.text());
};
document.getElementById("restart").onclick = () => {
  worker.postMessage({ type: "reset" });
  Object.assign(state, { ready: false, request: null, error: null });
  document.getElementById("download").disabled = true;
  document.getElementById("send").disabled = true;
  say("Starting again…");
};

const size = cfg.width ? { width: { ideal: cfg.width }, height: { ideal: cfg.height } } : { width: { ideal: 640 }, height: { ideal: 480 } };
navigator.mediaDevices.getUserMedia({ video: size, audio: false })
  .then((s) => { video.srcObject = s; say("Look at the camera."); requestAnimationFrame(tick); })
  .catch((e) => { state.error = String(e); say("The camera could not be opened: " + e); });
