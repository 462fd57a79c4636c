// gen_golden.mjs writes golden.json: face-api.js's FaceLandmark68Net
// landmarks (and for some cases the raw output of the fully connected
// layer, before postProcess) for face crops of the test images, which
// golden_test.go compares with the Go port. go test does not run it;
// golden.json is committed.
//
// Reference: npm @vladmandic/face-api@1.7.15 (the face-api.js fork whose
// weights detect/landmarks68/model embeds), tfjs CPU backend, Node 20.
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
//  2. Decode the images to raw RGB exactly as the Go tests do (an 8-byte
//     header, little-endian uint32 width and height, then 3 bytes a pixel,
//     from image.Decode and the high byte of each RGBA() channel):
//     go run ./internal/nn/nntest/torgb -o /tmp/landmarks68-rgb \
//       testdata/faces/bob.jpg testdata/faces/obama-480p.jpg \
//       testdata/faces/pigo-sample.jpg detect/testdata/kaggle-mask-89.png \
//       detect/testdata/dlib-2008_001322.jpg detect/testdata/dlib-2008_002079.jpg
//  3. FACEAPI=/tmp/npmx RGB=/tmp/landmarks68-rgb \
//       node detect/landmarks68/testdata/gen_golden.mjs > detect/landmarks68/testdata/golden.json
//
// Each case names a box [x, y, w, h] in image pixels; the crop is the box
// clipped to the image (Box.clipAtImageBorders, as extractFaceTensors
// does), passed as an int32 tensor3d to detectLandmarks. The points stored
// are face-api's positions (crop pixels) plus the crop's top-left corner:
// image pixels. Gray cases: the luma (299R+587G+114B+500)/1000 (integer
// division) of each pixel, replicated into R, G and B; the Go test passes
// the whole luma plane and the box to LocateGrayRegion.

import path from 'path';
import fs from 'fs';

const FACEAPI = process.env.FACEAPI || '/tmp/npmx';
const RGB = process.env.RGB || '/tmp/landmarks68-rgb';
await import(path.join(FACEAPI, 'setup.mjs'));
const faceapi = await import(path.join(FACEAPI, 'package/dist/fa.mjs'));
const tf = faceapi.tf;
await tf.setBackend('cpu');
await tf.ready();

const net = faceapi.nets.faceLandmark68Net;
{
  const dir = path.join(FACEAPI, 'package/model');
  const man = JSON.parse(fs.readFileSync(path.join(dir, 'face_landmark_68_model-weights_manifest.json')));
  const buf = fs.readFileSync(path.join(dir, 'face_landmark_68_model.bin'));
  const ab = buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength);
  await net.loadFromWeightMap(tf.io.decodeWeights(ab, man.flatMap((g) => g.weights)));
}

const cases = [
  // square crop, downscaled
  { name: 'bob-square', image: 'testdata/faces/bob.jpg', box: [56, 120, 237, 237], raw: true },
  // wider than high: padding above and below
  { name: 'obama480p-wide', image: 'testdata/faces/obama-480p.jpg', box: [365, 60, 154, 151], raw: true },
  // higher than wide by an odd amount: 11 columns of padding left, 12 right
  { name: 'pigo-tall', image: 'testdata/faces/pigo-sample.jpg', box: [39, 110, 237, 260] },
  // a small face: upscaled
  { name: 'kaggle89-small', image: 'detect/testdata/kaggle-mask-89.png', box: [50, 95, 42, 40] },
  // gray, through LocateGrayRegion
  { name: 'dlib1322-gray', image: 'detect/testdata/dlib-2008_001322.jpg', box: [340, 150, 120, 125], gray: true, raw: true },
  // gray, the box reaching past the left edge: the crop is [0, 165, 88, 96]
  { name: 'dlib2079-gray-outside', image: 'detect/testdata/dlib-2008_002079.jpg', box: [-12, 165, 100, 96], gray: true },
];

const f32 = (v) => Number(Math.fround(v).toPrecision(9));
const f64 = (v) => Number(v.toPrecision(17));
const out = {
  reference: '@vladmandic/face-api@1.7.15 faceLandmark68Net, tfjs ' + tf.version_core + ' cpu backend, node ' + process.version,
  cases: [],
};
for (const c of cases) {
  const b = fs.readFileSync(path.join(RGB, c.image.replaceAll('/', '_') + '.rgb'));
  const W = b.readUInt32LE(0);
  const H = b.readUInt32LE(4);
  const box = new faceapi.Box({ x: c.box[0], y: c.box[1], width: c.box[2], height: c.box[3] }).clipAtImageBorders(W, H);
  const { x: cx, y: cy, width: w, height: h } = box;
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
  const lm = await net.detectLandmarks(t);
  const rec = {
    name: c.name, image: c.image, box: c.box, crop: [cx, cy, w, h], gray: !!c.gray,
    points: lm.positions.map((p) => [f64(p.x + cx), f64(p.y + cy)]),
  };
  if (c.raw) {
    const o = net.runNet(await faceapi.toNetInput(t));
    rec.raw = Array.from(o.dataSync(), f32);
    o.dispose();
  }
  t.dispose();
  out.cases.push(rec);
  const p = rec.points;
  process.stderr.write(`${c.name}: crop ${rec.crop} nose tip ${p[30][0].toFixed(2)},${p[30][1].toFixed(2)} chin ${p[8][0].toFixed(2)},${p[8][1].toFixed(2)}\n`);
}
process.stdout.write(JSON.stringify(out) + '\n');
