// gen_golden.mjs writes golden.json: face-api.js's TinyFaceDetector outputs
// (boxes after NMS, and for some cases the raw conv8 output tensor) for the
// test images, which golden_test.go compares with the Go port. go test does
// not run it; golden.json is committed.
//
// Reference: npm @vladmandic/face-api@1.7.15 (the face-api.js fork whose
// weights detect/tinyface/model embeds), tfjs CPU backend, Node 20.
//
// How to run (from the module root):
//
//  1. Unpack the npm tarball so that $FACEAPI/package/dist/face-api.esm.js
//     and $FACEAPI/package/model exist (npm pack @vladmandic/face-api@1.7.15).
//     The ESM bundle stubs Node's 'util' module; make a copy,
//     $FACEAPI/package/dist/fa.mjs, where the stub 'AR=Vt(()=>{})' reads
//     'AR=Vt((e,t)=>{t.exports=globalThis.__util})', and a
//     $FACEAPI/setup.mjs containing
//     "import * as u from 'util'; globalThis.__util = u;".
//  2. Decode the images to raw RGB exactly as the Go tests do:
//     go run ./internal/nn/nntest/torgb -o /tmp/tinyface-rgb \
//       testdata/faces/bob.jpg testdata/faces/obama-480p.jpg \
//       testdata/faces/pigo-sample.jpg detect/testdata/dlib-2008_001322.jpg \
//       detect/testdata/dlib-2008_002079.jpg detect/testdata/kaggle-mask-89.png
//  3. FACEAPI=/tmp/npmx RGB=/tmp/tinyface-rgb \
//       node detect/tinyface/testdata/gen_golden.mjs > detect/tinyface/testdata/golden.json
//
// Gray cases: the luma (299R+587G+114B+500)/1000 (integer division),
// replicated into R, G and B; the Go test feeds the same luma to DetectGray.
// Crops are taken before the luma.

import path from 'path';
import fs from 'fs';

const FACEAPI = process.env.FACEAPI || '/tmp/npmx';
const RGB = process.env.RGB || '/tmp/tinyface-rgb';
await import(path.join(FACEAPI, 'setup.mjs'));
const faceapi = await import(path.join(FACEAPI, 'package/dist/fa.mjs'));
const tf = faceapi.tf;
await tf.setBackend('cpu');
await tf.ready();

const net = faceapi.nets.tinyFaceDetector;
{
  const dir = path.join(FACEAPI, 'package/model');
  const man = JSON.parse(fs.readFileSync(path.join(dir, 'tiny_face_detector_model-weights_manifest.json')));
  const buf = fs.readFileSync(path.join(dir, 'tiny_face_detector_model.bin'));
  const ab = buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength);
  await net.loadFromWeightMap(tf.io.decodeWeights(ab, man.flatMap((g) => g.weights)));
}

const scoreThreshold = 0.1;
const cases = [
  { name: 'bob-416', image: 'testdata/faces/bob.jpg', inputSize: 416, raw: true },
  { name: 'obama480p-416', image: 'testdata/faces/obama-480p.jpg', inputSize: 416 },
  { name: 'obama480p-crop-416', image: 'testdata/faces/obama-480p.jpg', inputSize: 416, crop: [200, 40, 416, 320] },
  { name: 'pigo-320', image: 'testdata/faces/pigo-sample.jpg', inputSize: 320, raw: true },
  { name: 'dlib1322-416', image: 'detect/testdata/dlib-2008_001322.jpg', inputSize: 416 },
  { name: 'kaggle89-608', image: 'detect/testdata/kaggle-mask-89.png', inputSize: 608 },
  { name: 'dlib2079-gray-416', image: 'detect/testdata/dlib-2008_002079.jpg', inputSize: 416, gray: true, raw: true },
];

const f32 = (v) => Number(Math.fround(v).toPrecision(9));
const f64 = (v) => Number(v.toPrecision(17));
const out = {
  reference: '@vladmandic/face-api@1.7.15 tinyFaceDetector, tfjs ' + tf.version_core + ' cpu backend, node ' + process.version,
  scoreThreshold,
  cases: [],
};
for (const c of cases) {
  const b = fs.readFileSync(path.join(RGB, c.image.replaceAll('/', '_') + '.rgb'));
  const W = b.readUInt32LE(0);
  const H = b.readUInt32LE(4);
  const [cx, cy, w, h] = c.crop || [0, 0, W, H];
  const px = new Int32Array(w * h * 3);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const s = 8 + ((cy + y) * W + cx + x) * 3;
      const d = (y * w + x) * 3;
      const [r, g, bl] = [b[s], b[s + 1], b[s + 2]];
      if (c.gray) {
        const l = Math.floor((299 * r + 587 * g + 114 * bl + 500) / 1000);
        px[d] = l; px[d + 1] = l; px[d + 2] = l;
      } else {
        px[d] = r; px[d + 1] = g; px[d + 2] = bl;
      }
    }
  }
  const t = tf.tensor3d(px, [h, w, 3], 'int32');
  const dets = await faceapi.detectAllFaces(t, new faceapi.TinyFaceDetectorOptions({ inputSize: c.inputSize, scoreThreshold }));
  const rec = {
    name: c.name, image: c.image, crop: c.crop || null, gray: !!c.gray, width: w, height: h, inputSize: c.inputSize,
    boxes: dets.map((d) => ({ x: f64(d.box.x), y: f64(d.box.y), w: f64(d.box.width), h: f64(d.box.height), score: f64(d.score) })),
  };
  if (c.raw) {
    const o = await net.forward(t, c.inputSize);
    rec.rawShape = o.shape.slice(1);
    rec.raw = Array.from(o.dataSync(), f32);
    o.dispose();
  }
  t.dispose();
  out.cases.push(rec);
  process.stderr.write(`${c.name}: ${rec.boxes.length} boxes ${rec.boxes.slice(0, 3).map((d) => `${d.score.toFixed(3)}@${d.x.toFixed(1)},${d.y.toFixed(1)},${d.w.toFixed(1)}x${d.h.toFixed(1)}`).join(' ')}\n`);
}
process.stdout.write(JSON.stringify(out) + '\n');
