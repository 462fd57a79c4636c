//go:build js && wasm

package main

import (
	"bytes"
	"syscall/js"

	"github.com/facegate/facegate/wasm/check"
)

func main() {
	c, err := check.NewChecker()
	if err != nil {
		js.Global().Get("console").Call("error", "facegate: "+err.Error())
		return
	}
	errObj := func(msg string) any { return map[string]any{"error": msg} }
	api := map[string]any{
		// check(rgba Uint8ClampedArray|Uint8Array, width, height, out Uint8Array) -> length of JSON in out
		"check": js.FuncOf(func(this js.Value, args []js.Value) any {
			if len(args) != 4 || args[0].Type() != js.TypeObject || args[3].Type() != js.TypeObject ||
				args[1].Type() != js.TypeNumber || args[2].Type() != js.TypeNumber {
				return errObj("check(rgba, width, height, out): wrong arguments")
			}
			src := args[0]
			if src.InstanceOf(js.Global().Get("Uint8ClampedArray")) {
				src = js.Global().Get("Uint8Array").New(src.Get("buffer"), src.Get("byteOffset"), src.Get("byteLength"))
			}
			w, h := args[1].Int(), args[2].Int()
			buf := c.Buffer(src.Get("length").Int())
			js.CopyBytesToGo(buf, src)
			out, _, err := c.Check(buf, w, h)
			if err != nil {
				return errObj(err.Error())
			}
			if args[3].Get("length").Int() < len(out) {
				return -len(out)
			}
			return js.CopyBytesToJS(args[3], out)
		}),
		"reset": js.FuncOf(func(this js.Value, args []js.Value) any {
			c.Reset()
			return nil
		}),
		"build": js.FuncOf(func(this js.Value, args []js.Value) any {
			req, err := c.Build()
			if req == nil {
				return errObj(err.Error())
			}
			var body bytes.Buffer
			if _, werr := req.WriteTo(&body); werr != nil {
				return errObj(werr.Error())
			}
			u := js.Global().Get("Uint8Array").New(body.Len())
			js.CopyBytesToJS(u, body.Bytes())
			r := map[string]any{"contentType": req.ContentType(), "body": u, "frames": len(req.Frames)}
			if err != nil {
				r["error"] = err.Error()
			}
			return r
		}),
	}
	js.Global().Set("facegate", js.ValueOf(api))
	if ready := js.Global().Get("onFacegateReady"); ready.Type() == js.TypeFunction {
		ready.Invoke()
	}
	select {}
}
