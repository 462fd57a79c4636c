package payload_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/facegate/facegate/payload"
	"github.com/facegate/facegate/payload/servicetest"
)

func mustRead(name string) []byte {
	b, err := os.ReadFile(name)
	if err != nil {
		log.Fatal(err)
	}
	return b
}

// Validate predicts the service's answer: here a detected face (100 px,
// reported by the caller's detector) under the 128-pixel minimum.
func ExampleLivenessRequest_Validate() {
	r := &payload.LivenessRequest{
		Frames: []payload.Frame{{FileName: "face.jpg", TargetFace: &payload.Rect{Left: 400, Top: 80, Width: 100, Height: 100},
			Face: &payload.FaceObservation{Size: 100}}},
		Files: []payload.File{{Name: "face.jpg", Data: mustRead("../testdata/faces/obama-480p.jpg")}},
	}
	err := r.Validate(nil)
	var re *payload.RuleError
	if errors.As(err, &re) {
		fmt.Println(re.Status(), re.Rule.Code(), re.Text())
		fmt.Println(re.Field)
		fmt.Println(errors.Is(err, payload.ErrFaceTooSmall), errors.Is(err, payload.ErrBadRequest))
	}
	// Output:
	// 400 BadRequest Face not found within target rectangle.
	// imageData[0]
	// true true
}

// WriteTo streams the multipart body; a fixed Boundary makes it
// reproducible.
func ExampleLivenessRequest_WriteTo() {
	r := &payload.LivenessRequest{
		Frames: []payload.Frame{{FileName: "video.webp", FrameNumber: 0, CreationTimeMillis: 2309856, IlluminatedColor: "Red",
			TargetFace: &payload.Rect{Left: 50, Top: 50, Width: 100, Height: 100}}},
		Files:    []payload.File{{Name: "video.webp", Data: []byte("<webp bytes>")}},
		Boundary: "BOUNDARY",
	}
	var b strings.Builder
	if _, err := r.WriteTo(&b); err != nil {
		log.Fatal(err)
	}
	fmt.Println(r.ContentType())
	fmt.Print(strings.ReplaceAll(b.String(), "\r\n", "\n"))
	// Output:
	// multipart/form-data; boundary=BOUNDARY
	// --BOUNDARY
	// Content-Disposition: form-data; name="Metadata"
	// Content-Type: application/json; charset=utf-8
	//
	// {"metadata":{"imageType":0,"imageData":[{"fileName":"video.webp","frameNumber":0,"imageCreationTimeInMilliSeconds":2309856,"targetFaceRectangle":{"top":50,"left":50,"width":100,"height":100},"activeIlluminationInformation":{"illuminatedColor":"Red"}}]}}
	// --BOUNDARY
	// Content-Disposition: form-data; name="Content"; filename="video.webp"
	// Content-Type: application/octet-stream
	//
	// <webp bytes>
	// --BOUNDARY--
}

// A Client against the emulator: the first answer is a 429, retried after
// the wait it names.
func ExampleClient() {
	srv := servicetest.NewServer(nil)
	defer srv.Close()
	srv.RateLimit(1, 2*time.Second)

	c, err := payload.NewClient(srv.URL, srv.Key(),
		payload.WithHTTPClient(srv.Client()),
		payload.WithSleep(func(ctx context.Context, d time.Duration) error {
			fmt.Println("waiting", d) // a real Client sleeps
			return nil
		}))
	if err != nil {
		log.Fatal(err)
	}
	res, err := c.DetectLiveness(context.Background(), &payload.LivenessRequest{
		Frames: []payload.Frame{{FileName: "face.jpg", TargetFace: &payload.Rect{Left: 380, Top: 60, Width: 180, Height: 180}}},
		Files:  []payload.File{{Name: "face.jpg", Data: mustRead("../testdata/faces/obama-480p.jpg")}},
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(res.LivenessDecision, res.TargetFileName, res.ModelVersionUsed)
	fmt.Println(strings.Replace(c.String(), srv.URL, "http://emulator", 1)) // the key is never printed
	// Output:
	// waiting 2s
	// realface face.jpg 2020-02-15-preview.01
	// payload.Client{endpoint: "http://emulator", key: [redacted], maxAttempts: 4, maxWait: 1m0s, timeout: 0s}
}

// DecodeServiceError reads either error body and the wait of a 429.
func ExampleDecodeServiceError() {
	body := `{"error":{"statusCode":429,"message":"Rate limit is exceeded. Try again in 26 seconds."}}`
	e := payload.DecodeServiceError(http.StatusTooManyRequests, nil, []byte(body))
	fmt.Println(e.RetryAfter, errors.Is(e, payload.ErrRateLimited), e.Temporary())

	body = `{"error":{"code":"BadRequest","message":"Image size is too small."}}`
	e = payload.DecodeServiceError(http.StatusBadRequest, nil, []byte(body))
	fmt.Println(errors.Is(e, payload.RuleImageTooSmall), errors.Is(e, payload.ErrBadRequest))
	// Output:
	// 26s true true
	// true true
}
