// The Web Worker that runs facegate's WebAssembly build: one frame at a
// time, so the page never queues frames behind a slow check.
importScripts("wasm_exec.js");
const out0 = 1 << 16;
let out = new Uint8Array(out0);
const dec = new TextDecoder();
const ready = new Promise((resolve) => { self.onFacegateReady = resolve; });
const go = new Go();
WebAssembly.instantiateStreaming(fetch("facegate.wasm"), go.importObject)
  .then((r) => { go.run(r.instance); })
  .catch((e) => postMessage({ type: "error", error: String(e) }));
ready.then(() => postMessage({ type: "loaded" }));

self.onmessage = async (ev) => {
  await ready;
  const m = ev.data;
  if (m.type === "frame") {
    const t0 = performance.now();
    let n = facegate.check(m.pixels, m.width, m.height, out);
    if (typeof n === "number" && n < 0) { // cannot happen with 64 KiB: a result is a few KiB
      out = new Uint8Array(-n * 2);
      n = { error: "result larger than the output buffer" };
    }
    const ms = performance.now() - t0;
    if (typeof n !== "number") {
      postMessage({ type: "result", error: n.error, ms, pixels: m.pixels }, [m.pixels.buffer]);
      return;
    }
    const result = JSON.parse(dec.decode(out.subarray(0, n)));
    postMessage({ type: "result", result, ms, pixels: m.pixels }, [m.pixels.buffer]);
  } else if (m.type === "build") {
    const r = facegate.build();
    postMessage({ type: "built", contentType: r.contentType, body: r.body, frames: r.frames, error: r.error });
  } else if (m.type === "reset") {
    facegate.reset();
  }
};
