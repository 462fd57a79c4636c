// Package emulate serves the servicetest emulator of the Azure Face
// service on a real address, for app developers who want to point an app,
// curl or an SDK at something that answers as the service does, without a
// subscription or a network.
//
// A Server wraps a servicetest.Emulator with what a standalone process
// needs: a listen address; optional TLS with an in-memory self-signed
// certificate (ECDSA P-256, for 127.0.0.1, ::1 and localhost) whose PEM is
// written to a file for the app to trust; the accepted subscription keys
// and Microsoft Entra ID bearer tokens; fault injection at given rates
// (429 with Retry-After, 500 or 503) and added latency, deterministic for
// a seed; one log line per request; and a graceful shutdown when its
// context is cancelled.
//
// Keys and tokens are never logged: a log line holds the method, the path
// without its query, the status, the duration and the bytes written.
package emulate
