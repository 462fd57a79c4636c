// Command facegate checks camera frames before they are sent to the Face
// liveness service, and prepares what is sent. It is the command-line face
// of the facegate library.
//
// Usage:
//
//	facegate <command> [flags] [arguments]
//
// The commands:
//
//	check     judge images, directories, sequences and videos as the service would
//	prep      crop, resize and encode the target faces of a dataset, with a manifest
//	payload   build (and optionally send) the liveness request for a sequence
//	annotate  draw faces, pupils, landmarks and reasons; contact sheets
//	report    one self-contained HTML report: counts, histograms, rejected frames
//	emulate   serve an emulator of the Face service locally, for developing an app
//	serve-example  serve the web capture example (the check in WebAssembly) on loopback
//	version   print the module version, Go version and kernel variant
//
// "facegate <command> -h" prints a command's manual, with its flags, its
// output formats and examples. Flags may come before or after the
// arguments; "--" ends them. check writes a table that fits the terminal
// on a terminal and JSON Lines otherwise (-format table|jsonl|csv, or
// -json): one object per frame, then a summary. report writes one HTML
// file (counts per reason, histograms with the thresholds, the rejected
// frames annotated, filterable by reason). check, prep, payload, annotate
// and report share the policy flags (-policy FILE, -min-face, -max-blur,
// -exposure, -max-yaw, -max-pitch, -max-roll, -target, -print-policy).
// Progress goes to stderr, and only when stderr is a terminal and the run
// is long.
//
// Exit status, for every command: 0 on success (for check: every frame
// accepted), 1 when a frame is rejected (check) or a sequence or request
// refused (payload), 2 on misuse (an unknown command or flag, a bad value,
// missing arguments), 3 when an input cannot be read or decoded or an
// output cannot be written (reported, and the other inputs are still
// processed). 3 wins over 1: the dataset was not fully judged.
//
// Videos (.mp4, .mov, .m4v, .webm, .mkv, .avi) are decoded by ffmpeg, which
// must be on PATH (Debian package ffmpeg); payload -video needs a build with
// cgo (libwebp).
package main
