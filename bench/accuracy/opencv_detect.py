"""OpenCV's Haar and LBP frontal-face cascades on a list of images.

Reads JSON {"images": [paths], "min": px} on stdin, writes
{"haar": [[[x,y,w,h],...] per image], "lbp": [...]} to stdout. Used by the
accuracy command only.
"""
import json
import sys

import cv2

job = json.load(sys.stdin)
m = job["min"]
cascades = {
    "haar": cv2.CascadeClassifier("/usr/share/opencv4/haarcascades/haarcascade_frontalface_default.xml"),
    "lbp": cv2.CascadeClassifier("/usr/share/opencv4/lbpcascades/lbpcascade_frontalface_improved.xml"),
}
out = {k: [] for k in cascades}
for path in job["images"]:
    gray = cv2.imread(path, cv2.IMREAD_GRAYSCALE)
    for k, c in cascades.items():
        if gray is None:
            out[k].append([])
            continue
        boxes = c.detectMultiScale(gray, scaleFactor=1.1, minNeighbors=3, minSize=(m, m))
        out[k].append([[int(v) for v in b] for b in boxes])
json.dump(out, sys.stdout)
