"""Reference outputs from OpenCV for preprocess's opencv-tagged tests.

Reads a JSON list of jobs on stdin; each names a raw uint8 input file with its
shape. Writes the outputs the jobs name. Used only by opencv_test.go.
"""
import json
import sys

import cv2
import numpy as np

cv2.setNumThreads(1)
INTERP = {"area": cv2.INTER_AREA, "linear": cv2.INTER_LINEAR}

for job in json.load(sys.stdin):
    shape = (job["h"], job["w"]) if job["cn"] == 1 else (job["h"], job["w"], job["cn"])
    img = np.fromfile(job["in"], dtype=np.uint8).reshape(shape)
    if job["op"] == "resize":
        out = cv2.resize(img, (job["dw"], job["dh"]), interpolation=INTERP[job["interp"]])
        out.tofile(job["out"])
    elif job["op"] == "laplacian_var":
        v = cv2.Laplacian(img, cv2.CV_64F).var()
        with open(job["out"], "w") as f:
            f.write(repr(float(v)))
    else:
        sys.exit("unknown op " + job["op"])
print(cv2.__version__)
