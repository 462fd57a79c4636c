#!/usr/bin/python3
"""Times OpenCV's INTER_AREA (one thread) on the 1080p frame's luma at the
output sizes of BenchmarkArea, printing Go benchmark lines
(BenchmarkArea/opencv/1080p-WxH) to compare with it in the same run:

    /usr/bin/python3 bench/area_opencv.py   # from the module's directory (needs cv2)
"""
import time

import cv2

cv2.setNumThreads(1)
img = cv2.imread("testdata/faces/obama-1080p.jpg")
# BT.601 luma as facegate's (cv2's own weights differ in the last bit; the
# time does not).
luma = cv2.cvtColor(img, cv2.COLOR_BGR2GRAY)
assert luma.shape == (1080, 1920), luma.shape
for w, h in [(960, 540), (640, 360), (480, 270), (384, 216), (800, 450)]:
    for _ in range(20):
        cv2.resize(luma, (w, h), interpolation=cv2.INTER_AREA)
    n, best = 200, float("inf")
    for _ in range(6):
        t = time.perf_counter_ns()
        for _ in range(n):
            cv2.resize(luma, (w, h), interpolation=cv2.INTER_AREA)
        best = min(best, (time.perf_counter_ns() - t) / n)
    print(f"BenchmarkArea/opencv/1080p-{w}x{h} \t{n}\t{best:.0f} ns/op")
