// Package detect finds faces, pupils and facial landmarks in luma planes with
// pigo's trained cascades (github.com/esimov/pigo v1.4.6, embedded), and
// estimates head pose from them.
//
// The algorithms are pigo's: the same window scan and classification
// (Scan equals pigo's RunCascade), the same clustering (Cluster equals
// ClusterDetections), the same perturbed pupil and landmark localisation. The
// implementation is facegate's: cascades are parsed with bounds checks,
// probe offsets are precomputed per scale, and every per-frame call appends
// into caller-owned slices without allocating.
//
// Cascades (DefaultCascades) are parsed once and shared read-only. A
// Detector holds per-frame scratch: use one Detector per goroutine.
package detect
