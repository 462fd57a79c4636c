"""OpenCV's detectMultiScale with a Haar cascade, for detect's external tests.

Reads a JSON list of jobs on stdin, each {"raw": path of 8-bit gray pixels,
"w", "h", "flip": mirror the image first, "scale", "neighbors", "min",
"max" (0: none), "cascade": path}, and writes a JSON list with, per job,
{"rects": [[x, y, w, h], ...], "ms": milliseconds}. One thread, as the Go
side runs on one goroutine.
"""
import json
import sys
import time

import cv2
import numpy as np

cv2.setNumThreads(1)
jobs = json.load(sys.stdin)
cascades = {}
out = []
for j in jobs:
    c = cascades.get(j["cascade"])
    if c is None:
        c = cascades[j["cascade"]] = cv2.CascadeClassifier(j["cascade"])
        if c.empty():
            sys.exit("cannot load " + j["cascade"])
    img = np.fromfile(j["raw"], dtype=np.uint8).reshape(j["h"], j["w"])
    if j.get("flip"):
        img = np.ascontiguousarray(img[:, ::-1])
    mx = j.get("max", 0)
    t = time.perf_counter()
    r = c.detectMultiScale(img, scaleFactor=j["scale"], minNeighbors=j["neighbors"],
                           minSize=(j["min"], j["min"]), maxSize=(mx, mx))
    ms = (time.perf_counter() - t) * 1000
    out.append({"rects": [[int(v) for v in b] for b in r], "ms": ms})
json.dump(out, sys.stdout)
